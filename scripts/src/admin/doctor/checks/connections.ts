/**
 * Every connection reference has a connection. A reference without one stops its flows from being
 * turned on (and from running again once they restart). --fix binds it from the settings file
 * (ConnectionId), when one is given, and turns the flows using it off and on so they take it.
 */
import { connectionsStep, flowsStep } from "../../deploy";
import { ok, type Check, type Finding } from "../types";

export const connectionsCheck: Check = {
  name: "connections",
  title: "Connections",
  async run(ctx) {
    if (!(await ctx.solution())) return [];
    const refs = await ctx.references();
    const flows = await ctx.flows();
    const out: Finding[] = [];
    for (const r of refs) {
      if (r.connectionid) continue;
      const users = flows.filter((f) => f.connectionReferences.includes(r.connectionreferencelogicalname)).map((f) => `"${f.name}"`);
      const api = (r.connectorid ?? "").split("/").pop() ?? "";
      const fromSettings = ctx.options.settings?.ConnectionReferences.find((s) => s.LogicalName.toLowerCase() === r.connectionreferencelogicalname.toLowerCase() && s.ConnectionId);
      out.push({
        check: "connections",
        code: "connection-unbound",
        severity: "error",
        subject: r.connectionreferencelogicalname,
        message: `${r.connectionreferencedisplayname} has no connection: ${users.length ? `${users.length} flow${users.length === 1 ? "" : "s"} (${users.slice(0, 3).join(", ")}${users.length > 3 ? ", …" : ""}) cannot run once restarted, nor be turned on` : "no flow can use it"}.`,
        fix: fromSettings
          ? `Bind it to connection ${fromSettings.ConnectionId} (from the settings file): npm run doctor -- --fix --settings <file> does it.`
          : `Create a ${api} connection in Power Automate${/events/i.test(api) ? " as the account that owns the flows (it cannot be shared)" : ""}, then set it on the reference (Solutions → the solution → Connection references), or put its id in a settings file and run npm run doctor -- --fix --settings <file>.`,
        fixable: !!fromSettings,
      });
    }
    if (!out.length) out.push(ok("connections", "connections-bound", `All ${refs.length} connection references have a connection.`));
    return out;
  },
  async repair(ctx, findings) {
    const step = await connectionsStep(ctx.api, ctx.options.settings);
    const solution = await ctx.solution();
    if (solution && step.rebound.length) await flowsStep(ctx.api, solution.solutionid, step.rebound);
    for (const f of findings) {
      if (step.rebound.includes(f.subject ?? "")) f.fixed = "bound to the connection in the settings file; its flows were turned off and on";
      else f.fixFailed = step.lines.find((l) => l.includes(f.subject ?? "\u0000")) ?? "it could not be bound";
    }
  },
};
