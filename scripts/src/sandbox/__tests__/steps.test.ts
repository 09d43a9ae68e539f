/**
 * The pure parts of the start-up steps: flow order from definitions, the registration flow's
 * inputs, connection parameters per connector, ports, versions and finding the zip.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONNECTION_REFERENCES } from "../../../../plugins-ts/src/model/schema";
import { childFlowIds, compareVersions, connectionParameters, dependencyOrder, describeFlow, findManagedZip, parseBasePort, portsFrom, REFERRAL_EVENTS, registrationInputs, resolveBasePort } from "..";

const f = (id: string, name: string, children: string[] = []) => ({ id, name, children });

describe("dependencyOrder", () => {
  it("puts every child before the flows that call it, however deep, whatever the names", () => {
    const flows = [f("a", "A top", ["b"]), f("b", "B middle", ["c"]), f("c", "C leaf"), f("d", "D other", ["c"]), f("e", "0 alone")];
    const { order, cycle } = dependencyOrder(flows);
    const ids = order.map((x) => x.id);
    expect(cycle).toEqual([]);
    expect(ids).toHaveLength(5);
    expect(ids.indexOf("c")).toBeLessThan(ids.indexOf("b"));
    expect(ids.indexOf("b")).toBeLessThan(ids.indexOf("a"));
    expect(ids.indexOf("c")).toBeLessThan(ids.indexOf("d"));
    expect(ids).toEqual(["e", "c", "b", "a", "d"]); // stable: by name among the ready ones
  });

  it("a diamond turns the shared child on once, first", () => {
    const ids = dependencyOrder([f("top", "Top", ["l", "r"]), f("l", "Left", ["leaf"]), f("r", "Right", ["leaf"]), f("leaf", "Leaf")]).order.map((x) => x.id);
    expect(ids[0]).toBe("leaf");
    expect(ids[3]).toBe("top");
  });

  it("ignores calls to flows not in the list, and puts a cycle last", () => {
    const { order, cycle } = dependencyOrder([f("x", "X", ["y"]), f("y", "Y", ["x"]), f("z", "Z", ["missing"]), f("{W}", "W")]);
    expect(order.map((o) => o.id)).toEqual(["{W}", "z", "x", "y"]);
    expect(cycle.map((o) => o.id)).toEqual(["x", "y"]);
  });
});

describe("describeFlow", () => {
  it("reads the trigger and finds child flows in scopes, conditions, switches and loops", () => {
    const def = {
      triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: { type: "object", properties: { text: { type: "string" } } } } } },
      actions: {
        Scope: { type: "Scope", actions: { A: { type: "Workflow", inputs: { host: { workflowReferenceName: "{AAAAAAAA-0000-4000-8000-000000000001}" } } } } },
        If: { type: "If", actions: {}, else: { actions: { B: { type: "Workflow", inputs: { host: { workflowReferenceName: "bbbbbbbb-0000-4000-8000-000000000002" } } } } } },
        Switch: { type: "Switch", cases: { one: { actions: { C: { type: "Workflow", inputs: { host: { workflowReferenceName: "cccccccc-0000-4000-8000-000000000003" } } } } } }, default: { actions: {} } },
        Loop: { type: "Foreach", actions: { D: { type: "Workflow", inputs: { host: { workflowReferenceName: "bbbbbbbb-0000-4000-8000-000000000002" } } } } },
      },
    };
    const flow = describeFlow({ workflowid: "{11111111-0000-4000-8000-000000000000}", name: "Parent", statecode: 0, clientdata: JSON.stringify({ properties: { definition: def } }) });
    expect(flow.id).toBe("11111111-0000-4000-8000-000000000000");
    expect(flow.trigger).toMatchObject({ name: "manual", type: "Request", kind: "Button", inputsSchema: { type: "object" } });
    expect(flow.children.sort()).toEqual(["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002", "cccccccc-0000-4000-8000-000000000003"]);
    expect(childFlowIds({})).toEqual([]);
  });

  it("says why a definition cannot be read", () => {
    expect(describeFlow({ workflowid: "x", clientdata: "{nope" }).definitionError).toMatch(/not JSON/);
    expect(describeFlow({ workflowid: "x", clientdata: "{}" }).definitionError).toMatch(/no properties\.definition/);
  });
});

describe("registrationInputs", () => {
  const url = "http://127.0.0.1:7103/workflows/x/triggers/manual/paths/invoke?sig=abc";
  it("fills text inputs titled as Microsoft's flow titles them", () => {
    const schema = {
      type: "object",
      properties: {
        text: { title: "Http Trigger Endpoint", type: "string" },
        text_1: { title: "Events to Register", type: "string" },
        text_2: { title: "Overwrite existing trigger endpoints", type: "string", enum: ["Yes", "No"] },
      },
      required: ["text", "text_1", "text_2"],
    };
    expect(registrationInputs(schema, url)).toEqual({ inputs: { text: url, text_1: REFERRAL_EVENTS.join(","), text_2: "Yes" } });
  });
  it("writes an array of events and a boolean when the schema asks for them", () => {
    const schema = { properties: { endpoint: { title: "Webhook URL", type: "string" }, events: { type: "array", items: { type: "string" } }, overwrite: { title: "Overwrite", type: "boolean" } } };
    expect(registrationInputs(schema, url)).toEqual({ inputs: { endpoint: url, events: [...REFERRAL_EVENTS], overwrite: true } });
  });
  it("goes by the titles the admin sees, not by words in a description", () => {
    const schema = {
      properties: {
        text: { title: "Http Trigger Endpoint", type: "string", description: "The URL Partner Center posts the events to" },
        text_1: { title: "Events to Register", type: "string", description: "Comma-separated; empty = all" },
        boolean: { title: "Overwrite existing trigger endpoints if present?", type: "boolean" },
      },
      required: ["text"],
    };
    expect(registrationInputs(schema, url)).toEqual({ inputs: { text: url, text_1: REFERRAL_EVENTS.join(","), boolean: true } });
  });
  it("refuses what it cannot fill, naming the input", () => {
    expect(registrationInputs({ properties: { text: { title: "Http Trigger Endpoint", type: "string" }, text_9: { title: "Tenant", type: "string" } }, required: ["text_9"] }, url)).toEqual({ error: expect.stringContaining("'Tenant'") });
    expect(registrationInputs({ properties: { text_1: { title: "Events to Register", type: "string" } } }, url)).toEqual({ error: expect.stringContaining("no input for the HTTP trigger endpoint") });
    expect(registrationInputs({ properties: { e: { title: "Http Trigger Endpoint" }, o: { title: "Overwrite", enum: ["Never", "Always?"] } } }, url)).toEqual({ error: expect.stringContaining("none of which is Yes") });
  });
});

describe("connectionParameters", () => {
  const t = { dataverse: { url: "http://127.0.0.1:1", token: "dv" }, partnerCenter: { referralsBaseUrl: "http://127.0.0.1:2", partnerCenterBaseUrl: "http://127.0.0.1:3", token: "pc" } };
  it("gives each connector the emulator standing in for its service", () => {
    const R = CONNECTION_REFERENCES;
    expect(connectionParameters(R.dataverse.logicalName, R.dataverse.apiName, t)).toEqual({ parameters: { environmentUrl: "http://127.0.0.1:1", token: "dv" } });
    expect(connectionParameters(R.partnerCenterReferrals.logicalName, R.partnerCenterReferrals.apiName, t)).toEqual({ parameters: { baseUrl: "http://127.0.0.1:2", token: "pc" } });
    expect(connectionParameters(R.partnerCenterEvents.logicalName, R.partnerCenterEvents.apiName, t)).toEqual({ parameters: { baseUrl: "http://127.0.0.1:3", token: "pc" } });
  });
  it("explains a reference it cannot connect", () => {
    expect(connectionParameters("pcs_other_http", "shared_webcontents", t)).toEqual({ error: "the flow runner has no connector 'shared_webcontents'" });
    expect(connectionParameters("pcs_mail", "shared_office365", t)).toEqual({ error: "the flow runner has no connector 'shared_office365'" });
  });
});

describe("ports, versions, zips", () => {
  it("one base port, five listeners; 0 means the OS picks each", () => {
    expect(portsFrom(7100)).toEqual({ dataverse: 7100, partnerCenter: 7101, partnerCenterCertificates: 7102, flowRunner: 7103, web: 7104 });
    expect(portsFrom(0)).toEqual({ dataverse: 0, partnerCenter: 0, partnerCenterCertificates: 0, flowRunner: 0, web: 0 });
    expect(parseBasePort("7200", "--port")).toBe(7200);
    expect(() => parseBasePort("80", "--port")).toThrow('--port is "80"; it must be 0 (every service on a port the OS picks) or a base port from 1024 to 65531');
    expect(() => parseBasePort("65532", "--port")).toThrow(/65531/);
    expect(() => parseBasePort("x", "$PCS_SANDBOX_PORT")).toThrow(/^\$PCS_SANDBOX_PORT is "x"/);
    expect(resolveBasePort(undefined, {})).toEqual({ port: 7100, source: "--port" });
    expect(resolveBasePort(undefined, { PCS_SANDBOX_PORT: "7300" })).toEqual({ port: 7300, source: "$PCS_SANDBOX_PORT" });
    expect(resolveBasePort(0, { PCS_SANDBOX_PORT: "7300" }).port).toBe(0);
  });

  it("compares four-part versions as numbers and picks the newest managed zip", () => {
    expect(compareVersions("1.0.0.10", "1.0.0.9")).toBe(1);
    expect(compareVersions("1.2.0.0", "1.10.0.0")).toBe(-1);
    expect(compareVersions("1.0.0.0", "1.0.0.0")).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-dist-"));
    try {
      expect(() => findManagedZip(dir)).toThrow(/No managed solution zip .* Run `npm run build` first/);
      for (const n of ["PartnerCenterReferralsSync_1.0.0.9_managed.zip", "PartnerCenterReferralsSync_1.0.0.10_managed.zip", "PartnerCenterReferralsSync_2.0.0.0.zip", "Other_9.0.0.0_managed.zip"]) fs.writeFileSync(path.join(dir, n), "");
      expect(path.basename(findManagedZip(dir))).toBe("PartnerCenterReferralsSync_1.0.0.10_managed.zip");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
