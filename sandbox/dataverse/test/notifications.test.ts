/**
 * Change notifications through callbackregistrations (the contract behind Power Automate's
 * "When a row is added, modified or deleted" trigger) and the cloud-flow activation hook.
 */
import { DynamicsWebApi } from "dynamics-web-api";
import { CONNECTION_REFERENCES, OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64, FLOW_IDS } from "./fixture-solution";
import { failure, raw, startHarness, startReceiver, type Harness } from "./helpers";

describe("change notifications", () => {
  let h: Harness;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    rx = await startReceiver();
    h = await startHarness();
    await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
  });

  afterAll(async () => {
    await h.emu.close();
    await rx.close();
  });

  beforeEach(async () => {
    await h.emu.reset({ keepCustomizations: true });
    for (const r of (await h.api.retrieveMultiple<{ callbackregistrationid: string }>({ collection: "callbackregistrations" })).value) {
      await h.api.deleteRecord({ collection: "callbackregistrations", key: r.callbackregistrationid });
    }
    rx.received.length = 0;
  });

  const register = (path: string, fields: Record<string, unknown>) =>
    h.api.create({ collection: "callbackregistrations", data: { name: path, entityname: "opportunity", scope: 4, runas: 3, version: 1, url: `${rx.url}/${path}`, ...fields } }) as Promise<string>;

  const deliveredTo = async (path: string) => {
    await h.emu.idle();
    return rx.received.filter((r) => r.path === `/${path}`).map((r) => r.body as Record<string, unknown>);
  };

  test("create / update with filtering attributes: included in the request means modified", async () => {
    await register("sync", { message: 4, filteringattributes: `${OPPORTUNITY.syncWithPartnerCenter},${OPPORTUNITY.microsoftHelp}` });
    const id = (await h.api.create({ collection: "opportunities", data: { name: "Deal" } })) as string;
    await h.api.update({ collection: "opportunities", key: id, data: { description: "not a filtering attribute" } });
    await h.api.update({ collection: "opportunities", key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true, name: "Deal ✔" } });
    await h.api.update({ collection: "opportunities", key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
    const bodies = await deliveredTo("sync");
    expect(bodies.map((b) => b.SdkMessage)).toEqual(["Create", "Update", "Update"]);
    expect(bodies[1]).toMatchObject({ opportunityid: id, ItemInternalId: id, name: "Deal ✔", [OPPORTUNITY.syncWithPartnerCenter]: true, RunAsSystemUserId: h.emu.userId });
    expect(bodies[1]["@odata.etag"]).toMatch(/^W\/"\d+"$/);
    expect(bodies[1]["statecode@OData.Community.Display.V1.FormattedValue"]).toBe("Open");
    expect(rx.received[0].headers["x-ms-dataverse-message"]).toBe("Create");
  });

  test("delete sends the key; add-or-delete ignores updates", async () => {
    await register("del", { message: 5 });
    const id = (await h.api.create({ collection: "opportunities", data: { name: "Short-lived" } })) as string;
    await h.api.update({ collection: "opportunities", key: id, data: { name: "Renamed" } });
    await h.api.deleteRecord({ collection: "opportunities", key: id });
    const bodies = await deliveredTo("del");
    expect(bodies.map((b) => b.SdkMessage)).toEqual(["Create", "Delete"]);
    expect(bodies[1]).toMatchObject({ SdkMessage: "Delete", opportunityid: id, ItemInternalId: id });
    expect(bodies[1].name).toBeUndefined();
  });

  test("the filter expression is evaluated on the row after the change", async () => {
    await register("filtered", { message: 7, filterexpression: `${OPPORTUNITY.syncWithPartnerCenter} eq true and estimatedvalue ge 1000` });
    const a = (await h.api.create({ collection: "opportunities", data: { name: "Small", [OPPORTUNITY.syncWithPartnerCenter]: true, estimatedvalue: 10 } })) as string;
    await h.api.update({ collection: "opportunities", key: a, data: { estimatedvalue: 5000 } });
    await h.api.create({ collection: "opportunities", data: { name: "Not synced", estimatedvalue: 9000 } });
    const bodies = await deliveredTo("filtered");
    expect(bodies.map((b) => [b.SdkMessage, b.name])).toEqual([["Update", "Small"]]);
  });

  test("scope User matches rows the registration's owner owns; Organization matches all; a deleted registration is silent", async () => {
    const otherUser = (await h.api.create({ collection: "systemusers", data: { firstname: "Other", lastname: "Seller", "businessunitid@odata.bind": `/businessunits(${h.emu.businessUnitId})` } })) as string;
    await register("mine", { message: 1, scope: 1 });
    await register("all", { message: 1, scope: 4 });
    const gone = await register("gone", { message: 1 });
    await h.api.deleteRecord({ collection: "callbackregistrations", key: gone });
    await h.api.create({ collection: "opportunities", data: { name: "Mine" } });
    await h.api.create({ collection: "opportunities", data: { name: "Theirs", "ownerid@odata.bind": `/systemusers(${otherUser})` } });
    expect((await deliveredTo("mine")).map((b) => b.name)).toEqual(["Mine"]);
    expect((await deliveredTo("all")).map((b) => b.name)).toEqual(["Mine", "Theirs"]);
    expect(await deliveredTo("gone")).toEqual([]);
  });

  test("change-set writes notify after commit; a failed change set notifies nothing", async () => {
    await register("batch", { message: 1 });
    h.api.startBatch();
    h.api.create({ collection: "opportunities", data: { name: "B1" } });
    h.api.create({ collection: "opportunities", data: { name: "B2" } });
    await h.api.executeBatch();
    h.api.startBatch();
    h.api.create({ collection: "opportunities", data: { name: "B3" } });
    h.api.create({ collection: "opportunities", data: { name: 3 } });
    await h.api.executeBatch().catch(() => undefined);
    expect((await deliveredTo("batch")).map((b) => b.name)).toEqual(["B1", "B2"]);
  });

  test("registrations are validated, and their url is write-only as documented", async () => {
    const badEntity = await failure(register("x", { message: 1, entityname: "notatable" }));
    expect(badEntity).toMatchObject({ status: 400, code: ErrorCodes.InvalidArgument });
    const badFilter = await failure(register("x", { message: 1, filterexpression: "name eq" }));
    expect(badFilter.message).toContain("The filter expression is not valid");
    const id = await register("readback", { message: 1 });
    const row = await raw(h.emu, "GET", `callbackregistrations(${id})`);
    expect(row.json.entityname).toBe("opportunity");
    expect("url" in row.json).toBe(false);
  });

  test("a 5xx is retried; a 429 (the flow's waiting runs are full) is a lost firing, not retried", async () => {
    const answers: Record<string, number[]> = { "/busy": [429], "/flaky": [503, 202] };
    const rx2 = await startReceiver((r, res) => {
      res.writeHead(answers[r.path]?.shift() ?? 202).end();
    });
    try {
      for (const path of ["busy", "flaky"]) await h.api.create({ collection: "callbackregistrations", data: { name: path, entityname: "opportunity", scope: 4, runas: 3, version: 1, message: 1, url: `${rx2.url}/${path}` } });
      await h.api.create({ collection: "opportunities", data: { name: "Burst" } });
      await h.emu.idle();
      const byPath = (p: string) => h.emu.deliveries().find((d) => d.url.endsWith(p))!;
      expect(byPath("/busy")).toMatchObject({ status: 429, attempts: 1, lost: true });
      expect(rx2.received.filter((r) => r.path === "/busy")).toHaveLength(1);
      expect(byPath("/flaky")).toMatchObject({ status: 202, attempts: 2 });
      expect(byPath("/flaky").lost).toBeUndefined();
    } finally {
      await rx2.close();
    }
  });
});

describe("cloud-flow activation hook", () => {
  let h: Harness;
  let flowService: Awaited<ReturnType<typeof startReceiver>>;
  let refuse = new Set<string>();
  let callbackClient: DynamicsWebApi | undefined;
  /** Like the flow runner: a parent is refused while its child flow is off. */
  let active = new Set<string>();
  /** Like the flow runner: a flow is refused while a connection reference has no connection. */
  let requireBound = false;

  beforeAll(async () => {
    flowService = await startReceiver((r, res) => {
      const m = /^\/workflows\/([^/]+)\/(activate|deactivate)$/.exec(r.path);
      if (m && m[1] === FLOW_IDS.parent && m[2] === "activate" && !active.has(FLOW_IDS.child)) {
        res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code: "ChildFlowNotEnabled", message: "The child flow is turned off." } }));
        return;
      }
      if (m && !refuse.has(m[1])) {
        if (m[2] === "activate") active.add(m[1]);
        else active.delete(m[1]);
      }
      if (m && refuse.has(m[1])) {
        res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code: "ConnectionNotConfigured", message: "The connection reference pcs_sharedcommondataserviceforapps_dataverse has no connection." } }));
        return;
      }
      if (m && requireBound && callbackClient && m[2] === "activate") {
        callbackClient
          .retrieveMultiple<{ connectionreferencelogicalname: string; connectionid: string | null }>({ collection: "connectionreferences", select: ["connectionreferencelogicalname", "connectionid"] })
          .then((refs) => {
            const unbound = refs.value.find((r) => !r.connectionid);
            if (unbound) res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code: "ConnectionNotConfigured", message: `The connection reference ${unbound.connectionreferencelogicalname} has no connection.` } }));
            else {
              active.add(m[1]);
              res.writeHead(200).end("{}");
            }
          })
          .catch((e: Error) => res.writeHead(500).end(e.message));
        return;
      }
      if (m && callbackClient && m[2] === "activate") {
        // A flow service registers the trigger through the Web API before it answers.
        callbackClient
          .create({ collection: "callbackregistrations", data: { name: `trigger ${m[1]}`, entityname: "opportunity", message: 3, scope: 4, url: `${flowService.url}/trigger/${m[1]}` } })
          .then(() => res.writeHead(200).end("{}"))
          .catch((e: Error) => res.writeHead(500).end(e.message));
        return;
      }
      res.writeHead(200).end("{}");
    });
    h = await startHarness({ flowServiceUrl: flowService.url });
    callbackClient = h.api;
  });

  afterAll(async () => {
    await h.emu.close();
    await flowService.close();
  });

  test("import turns shipped-on flows on through the flow service; a refused flow stays off", async () => {
    refuse = new Set([FLOW_IDS.parent]);
    await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: true } });
    const state = async (id: string) => (await h.api.retrieve<{ statecode: number }>({ collection: "workflows", key: id, select: ["statecode"] })).statecode;
    expect(await state(FLOW_IDS.child)).toBe(1);
    expect(await state(FLOW_IDS.parent)).toBe(0);
    const calls = flowService.received.filter((r) => r.path.startsWith("/workflows/"));
    expect(calls.map((c) => c.path)).toEqual([`/workflows/${FLOW_IDS.child}/activate`, `/workflows/${FLOW_IDS.parent}/activate`]);
    expect(calls[0].body).toMatchObject({ workflowid: FLOW_IDS.child, category: 5, statecode: 1 });
    expect(JSON.parse(String((calls[0].body as { clientdata: string }).clientdata)).properties).toBeDefined();
    expect((await h.api.retrieveMultiple({ collection: "callbackregistrations", filter: `name eq 'trigger ${FLOW_IDS.child}'` })).value).toHaveLength(1);
  });

  test("import turns child flows on before the flows that call them, whatever the order in the zip", async () => {
    await h.emu.reset();
    refuse = new Set();
    active = new Set();
    const reversed = fixtureBase64({
      edit: (f) => {
        const cx = String(f["customizations.xml"]);
        const flows = cx.match(/<Workflow WorkflowId=[\s\S]*?<\/Workflow>/g) as string[];
        f["customizations.xml"] = cx.replace(flows.join(""), [...flows].reverse().join(""));
      },
    });
    await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: reversed, OverwriteUnmanagedCustomizations: true, PublishWorkflows: true } });
    const on = await h.api.retrieveMultiple<{ statecode: number }>({ collection: "workflows", filter: "category eq 5 and statecode eq 1" });
    expect(on.value).toHaveLength(2);
  });

  test("ComponentParameters binds the connection references during the import, so the flows shipped on are turned on, children first", async () => {
    const state = async (id: string) => (await h.api.retrieve<{ statecode: number }>({ collection: "workflows", key: id, select: ["statecode"] })).statecode;
    const importWith = (ComponentParameters?: unknown[]) =>
      h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: true, ...(ComponentParameters ? { ComponentParameters } : {}) } });
    requireBound = true;
    try {
      await h.emu.reset();
      refuse = new Set();
      active = new Set();
      await importWith();
      expect([await state(FLOW_IDS.child), await state(FLOW_IDS.parent)]).toEqual([0, 0]);
      const job = await h.api.retrieveMultiple<{ data: string }>({ collection: "importjobs", select: ["data"] });
      expect(job.value.map((j) => j.data).join("")).toMatch(/could not be turned on: .*has no connection/);

      await h.emu.reset();
      active = new Set();
      const bindings = Object.values(CONNECTION_REFERENCES).map((c, i) => ({ "@odata.type": "Microsoft.Dynamics.CRM.connectionreference", connectionreferencelogicalname: c.logicalName, connectionid: `conn-${i}` }));
      await importWith(bindings);
      expect([await state(FLOW_IDS.child), await state(FLOW_IDS.parent)]).toEqual([1, 1]);
      const calls = flowService.received.filter((r) => /\/activate$/.test(r.path)).slice(-2);
      expect(calls.map((c) => c.path)).toEqual([`/workflows/${FLOW_IDS.child}/activate`, `/workflows/${FLOW_IDS.parent}/activate`]);
      const refs = await h.api.retrieveMultiple<{ connectionid: string }>({ collection: "connectionreferences", select: ["connectionid"] });
      expect(refs.value.map((r) => r.connectionid).sort()).toEqual(bindings.map((b) => b.connectionid).sort());

      const unknown = await failure(importWith([{ "@odata.type": "Microsoft.Dynamics.CRM.connectionreference", connectionreferencelogicalname: "pcs_nosuchreference", connectionid: "x" }]));
      expect(unknown).toMatchObject({ status: 400, code: ErrorCodes.InvalidArgument });
      expect(unknown.message).toMatch(/names the connection reference 'pcs_nosuchreference', which solution .* does not ship/);
      const wrongType = await failure(importWith([{ "@odata.type": "Microsoft.Dynamics.CRM.environmentvariablevalue", schemaname: "x", value: "y" }]));
      expect(wrongType).toMatchObject({ status: 400, code: ErrorCodes.InvalidArgument });
    } finally {
      requireBound = false;
    }
  });

  test("turning a flow on fails with the flow service's message and leaves it off; off works", async () => {
    refuse = new Set();
    await h.api.update({ collection: "workflows", key: FLOW_IDS.parent, data: { statecode: 0, statuscode: 1 } });
    refuse = new Set([FLOW_IDS.parent]);
    const err = await failure(h.api.update({ collection: "workflows", key: FLOW_IDS.parent, data: { statecode: 1, statuscode: 2 } }));
    expect(err).toMatchObject({ status: 400, code: ErrorCodes.IsvAborted });
    expect(err.message).toContain("The connection reference pcs_sharedcommondataserviceforapps_dataverse has no connection.");
    expect((await h.api.retrieve<{ statecode: number }>({ collection: "workflows", key: FLOW_IDS.parent, select: ["statecode"] })).statecode).toBe(0);
    refuse = new Set();
    await h.api.update({ collection: "workflows", key: FLOW_IDS.parent, data: { statecode: 1, statuscode: 2 } });
    await h.api.update({ collection: "workflows", key: FLOW_IDS.child, data: { statecode: 0, statuscode: 1 } });
    expect(flowService.received.slice(-2).map((r) => r.path)).toEqual([`/workflows/${FLOW_IDS.parent}/activate`, `/workflows/${FLOW_IDS.child}/deactivate`]);
    expect((await h.api.retrieve<{ statecode: number }>({ collection: "workflows", key: FLOW_IDS.parent, select: ["statecode"] })).statecode).toBe(1);
    expect((await h.api.retrieve<{ statecode: number }>({ collection: "workflows", key: FLOW_IDS.child, select: ["statecode"] })).statecode).toBe(0);
  });
});
