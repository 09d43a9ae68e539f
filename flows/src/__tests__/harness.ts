/**
 * Runs expressions the flows are built from in the flow runner: a test builds Steps, activates them as
 * a child flow with string inputs, runs it and reads its Response body.
 */
import { FlowRunnerHandle, startFlowRunner, workflowRow } from "../../../sandbox/flow-runner/src";
import { buttonTrigger, EnvKey, flowFile, Steps } from "../builder";

export interface ExpressionHarness {
  activate(steps: Steps, inputs: string[], environmentVariables?: EnvKey[]): Promise<string>;
  run(id: string, inputs: Record<string, string>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

let flowCount = 0;

export async function expressionHarness(clock = () => Date.UTC(2026, 10, 22, 10, 15, 3)): Promise<ExpressionHarness> {
  const fr: FlowRunnerHandle = await startFlowRunner({ clock });
  return {
    async activate(steps, inputs, environmentVariables) {
      const id = `00000000-0000-4000-8000-${String(++flowCount).padStart(12, "0")}`;
      const file = flowFile({
        id,
        name: `parity ${flowCount}`,
        description: "",
        connections: [],
        environmentVariables,
        triggers: buttonTrigger(Object.fromEntries(inputs.map((i) => [i, { title: i, type: "string" as const }])), inputs),
        steps,
      });
      await fr.runner.activate(id, workflowRow(id, `parity ${flowCount}`, file as unknown as Parameters<typeof workflowRow>[2]));
      return id;
    },
    async run(id, inputs) {
      const { run: r, response } = await fr.runManual(id, inputs);
      if (r.status !== "Succeeded") throw new Error(fr.formatRun(r.id));
      return response!.body as Record<string, unknown>;
    },
    close: () => fr.close(),
  };
}
