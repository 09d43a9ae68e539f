/**
 * Command line for the flow runner:
 *
 *   flow-runner runs [--url URL] [--workflow ID] [--status STATUS] [--top N]   list runs, newest first
 *   flow-runner run RUN_ID [--url URL] [--json]                               one run's history, readable (or JSON)
 *   flow-runner lint FILE...                                                  lint flow files; exit code 1 on errors
 *
 * URL defaults to $FLOW_RUNNER_URL. Compiled to out/sandbox/flow-runner/src/cli.js.
 */
import { readFileSync } from "node:fs";
import { httpRequest } from "./connectors/http";
import { formatRun } from "./engine/history";
import { RunRecord } from "./engine/types";
import { formatProblems, lintFlow } from "./lint/lint";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env }): Promise<number> {
  const [cmd, ...args] = argv;
  const url = (flag(args, "--url") ?? io.env.FLOW_RUNNER_URL ?? "").replace(/\/+$/, "");
  const usage = () => {
    io.err("usage: flow-runner runs [--url URL] [--workflow ID] [--status STATUS] [--top N]");
    io.err("       flow-runner run RUN_ID [--url URL] [--json]");
    io.err("       flow-runner lint FILE...");
    return 2;
  };
  const get = async (path: string) => {
    if (!url) throw new Error("No flow runner URL: pass --url or set FLOW_RUNNER_URL.");
    const res = await httpRequest({ method: "GET", url: url + path });
    if (res.statusCode !== 200) {
      const b = res.body as { error?: { message?: string } } | null;
      throw new Error(b?.error?.message ?? `The flow runner answered ${res.statusCode}.`);
    }
    return res.body;
  };
  try {
    switch (cmd) {
      case "runs": {
        const q = new URLSearchParams();
        const w = flag(args, "--workflow");
        const s = flag(args, "--status");
        const t = flag(args, "--top");
        if (w) q.set("workflowId", w);
        if (s) q.set("status", s);
        if (t) q.set("top", t);
        const body = (await get(`/runs${q.toString() ? "?" + q : ""}`)) as { value: Array<{ id: string; workflowName: string; status: string; startTime: string; durationMs?: number; error?: { code: string; message: string } }> };
        if (!body.value.length) io.out("No runs.");
        for (const r of body.value) {
          io.out(`${r.id}  ${r.status.padEnd(9)}  ${r.startTime}  ${String(r.durationMs ?? "").padStart(6)} ms  ${r.workflowName}${r.error ? `  — ${r.error.code}: ${r.error.message}` : ""}`);
        }
        return 0;
      }
      case "run": {
        const id = args.find((a) => !a.startsWith("--") && a !== flag(args, "--url"));
        if (!id) return usage();
        const run = (await get(`/runs/${encodeURIComponent(id)}`)) as unknown as RunRecord;
        io.out(args.includes("--json") ? JSON.stringify(run, null, 2) : formatRun(run));
        return 0;
      }
      case "lint": {
        const files = args.filter((a) => !a.startsWith("--"));
        if (!files.length) return usage();
        let errors = 0;
        for (const f of files) {
          let text: string;
          try {
            text = readFileSync(f, "utf8");
          } catch (e) {
            io.err(`${f}: cannot read: ${(e as Error).message}`);
            errors++;
            continue;
          }
          const problems = lintFlow(text);
          const n = problems.filter((p) => p.severity === "error").length;
          errors += n;
          io.out(problems.length ? `${f}:\n${formatProblems(problems)}` : `${f}: ok`);
        }
        return errors ? 1 : 0;
      }
      default:
        return usage();
    }
  } catch (e) {
    io.err((e as Error).message);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
