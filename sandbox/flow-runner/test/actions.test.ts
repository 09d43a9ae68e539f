/**
 * One test (at least) per action type the runner implements, and per runAfter status, on flows
 * run the way Power Automate runs them (manual trigger, run history checked).
 */
import { actionOf, expectActionStatus, expectRunStatus } from "../src/testing";
import { IMPLEMENTED_ACTION_TYPES } from "../src";
import { activate, flowFile, makeRunner, runOnce, stubServer } from "./helpers";

const init = (name: string, type: string, value: unknown) => ({
  type: "InitializeVariable",
  inputs: { variables: [{ name, type, value }] },
});

describe("Compose", () => {
  it("outputs its evaluated inputs, readable with outputs()", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Compose: { type: "Compose", inputs: { who: "@triggerBody()?['name']", n: "@add(1, 2)", text: "Hi @{triggerBody()?['name']}!" } },
        Use: { type: "Compose", inputs: "@outputs('Compose')?['text']", runAfter: { Compose: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id, { name: "Ada" });
    expectRunStatus(run, "Succeeded");
    expect(actionOf(run, "Compose").outputs).toEqual({ who: "Ada", n: 3, text: "Hi Ada!" });
    expect(actionOf(run, "Use").outputs).toBe("Hi Ada!");
  });
});

describe("variables", () => {
  it("InitializeVariable, SetVariable, Increment/DecrementVariable, AppendToArrayVariable, AppendToStringVariable", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Init_count: init("count", "Integer", 5),
        Init_list: { ...init("list", "Array", []), runAfter: { Init_count: ["Succeeded"] } },
        Init_text: { ...init("text", "String", "a"), runAfter: { Init_list: ["Succeeded"] } },
        Init_ratio: { ...init("ratio", "Float", 1.5), runAfter: { Init_text: ["Succeeded"] } },
        Increment: { type: "IncrementVariable", inputs: { name: "count", value: 3 }, runAfter: { Init_ratio: ["Succeeded"] } },
        Decrement: { type: "DecrementVariable", inputs: { name: "count" }, runAfter: { Increment: ["Succeeded"] } },
        Append_array: { type: "AppendToArrayVariable", inputs: { name: "list", value: "@variables('count')" }, runAfter: { Decrement: ["Succeeded"] } },
        Append_string: { type: "AppendToStringVariable", inputs: { name: "text", value: "bc" }, runAfter: { Append_array: ["Succeeded"] } },
        Set_ratio: { type: "SetVariable", inputs: { name: "ratio", value: "@div(variables('ratio'), 2)" }, runAfter: { Append_string: ["Succeeded"] } },
        Result: {
          type: "Compose",
          inputs: { count: "@variables('count')", list: "@variables('list')", text: "@variables('text')", ratio: "@variables('ratio')" },
          runAfter: { Set_ratio: ["Succeeded"] },
        },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Succeeded");
    expect(JSON.parse(JSON.stringify(actionOf(run, "Result").outputs))).toEqual({ count: 7, list: [7], text: "abc", ratio: 0.75 });
    expect(actionOf(run, "Increment").outputs).toEqual({ body: { value: 8 } });
  });

  it("refuses a value of the wrong type with a clear error", async () => {
    const { runner } = makeRunner();
    const id = await activate(runner, flowFile({ Init: init("n", "Integer", 1), Set: { type: "SetVariable", inputs: { name: "n", value: "seven" }, runAfter: { Init: ["Succeeded"] } } }));
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Failed");
    const set = expectActionStatus(run, "Set", "Failed");
    expect(set.error?.code).toBe("InvalidVariableValue");
    expect(set.error?.message).toMatch(/variable 'n' of type 'Integer' cannot be initialized or updated with value 'seven' of type 'String'/);
  });
});

describe("If", () => {
  it("runs the branch the condition tree selects and skips the other", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Condition: {
          type: "If",
          expression: { and: [{ greater: ["@triggerBody()?['amount']", 100] }, { not: { equals: ["@triggerBody()?['country']", ""] } }, { or: [{ contains: ["@triggerBody()?['tags']", "vip"] }, { equals: ["@true", "true"] }] }] },
          actions: { Big: { type: "Compose", inputs: "big" } },
          else: { actions: { Small: { type: "Compose", inputs: "small" } } },
        },
      }),
    );
    const big = (await runOnce(runner, id, { amount: 150, country: "US", tags: ["vip"] })).run;
    expectRunStatus(big, "Succeeded");
    expect(actionOf(big, "Condition").branch).toBe("actions");
    expect(actionOf(big, "Condition").outputs).toEqual({ expression: true });
    expectActionStatus(big, "Big", "Succeeded");
    expect(expectActionStatus(big, "Small", "Skipped").code).toBe("ActionBranchingConditionNotSatisfied");

    const small = (await runOnce(runner, id, { amount: 50, country: "US", tags: [] })).run;
    expect(actionOf(small, "Condition").branch).toBe("else");
    expectActionStatus(small, "Small", "Succeeded");
    expectActionStatus(small, "Big", "Skipped");
  });

  it("accepts an expression string and treats a null operand as the empty string", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Cond: { type: "If", expression: { equals: ["@triggerBody()?['missing']", ""] }, actions: { Yes: { type: "Compose", inputs: 1 } } },
        Cond2: { type: "If", expression: "@empty(triggerBody()?['missing'])", actions: { Yes2: { type: "Compose", inputs: 2 } }, runAfter: { Cond: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id, {});
    expectActionStatus(run, "Yes", "Succeeded");
    expectActionStatus(run, "Yes2", "Succeeded");
  });
});

describe("Switch", () => {
  it("runs the matching case, else the default", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Switch: {
          type: "Switch",
          expression: "@triggerBody()?['event']",
          cases: { Created: { case: "referral-created", actions: { On_created: { type: "Compose", inputs: "c" } } }, Updated: { case: "referral-updated", actions: { On_updated: { type: "Compose", inputs: "u" } } } },
          default: { actions: { Other: { type: "Compose", inputs: "o" } } },
        },
      }),
    );
    const a = (await runOnce(runner, id, { event: "referral-updated" })).run;
    expect(actionOf(a, "Switch").branch).toBe("Updated");
    expectActionStatus(a, "On_updated", "Succeeded");
    expectActionStatus(a, "On_created", "Skipped");
    expectActionStatus(a, "Other", "Skipped");
    const b = (await runOnce(runner, id, { event: "something-else" })).run;
    expect(actionOf(b, "Switch").branch).toBe("default");
    expectActionStatus(b, "Other", "Succeeded");
  });
});

describe("Foreach", () => {
  it("sequential: iterations in order with items()", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Init: init("seen", "Array", []),
        Loop: {
          type: "Foreach",
          foreach: "@triggerBody()?['values']",
          operationOptions: "Sequential",
          actions: {
            Double: { type: "Compose", inputs: "@mul(items('Loop'), 2)" },
            Remember: { type: "AppendToArrayVariable", inputs: { name: "seen", value: "@outputs('Double')" }, runAfter: { Double: ["Succeeded"] } },
          },
          runAfter: { Init: ["Succeeded"] },
        },
        Done: { type: "Compose", inputs: "@variables('seen')", runAfter: { Loop: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id, { values: [1, 2, 3] });
    expectRunStatus(run, "Succeeded");
    expect(actionOf(run, "Done").outputs).toEqual([2, 4, 6]);
    const loop = actionOf(run, "Loop");
    expect(loop.iterations?.map((i) => [i.index, i.item, i.status])).toEqual([
      [0, 1, "Succeeded"],
      [1, 2, "Succeeded"],
      [2, 3, "Succeeded"],
    ]);
    expect(loop.iterations?.[1].actions.Double.repetition).toEqual([1]);
  });

  it("parallel: never more iterations at once than the concurrency limit", async () => {
    let active = 0;
    let peak = 0;
    const { runner } = makeRunner({
      sleep: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      },
    });
    const id = await activate(
      runner,
      flowFile({
        Loop: {
          type: "Foreach",
          foreach: "@range(0, 10)",
          runtimeConfiguration: { concurrency: { repetitions: 3 } },
          actions: { Pause: { type: "Wait", inputs: { interval: { count: 1, unit: "Second" } } } },
        },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Succeeded");
    expect(actionOf(run, "Loop").iterations).toHaveLength(10);
    expect(peak).toBe(3);
  });

  it("fails when an iteration fails, and says why", async () => {
    const { runner } = makeRunner();
    const id = await activate(runner, flowFile({ Loop: { type: "Foreach", foreach: "@createArray(1, 0, 2)", actions: { Divide: { type: "Compose", inputs: "@div(10, items('Loop'))" } } } }));
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Failed");
    expect(actionOf(run, "Loop").error).toEqual({ code: "ActionFailed", message: "An action failed. No dependent actions succeeded." });
    const failed = actionOf(run, "Loop").iterations!.find((i) => i.status === "Failed")!;
    expect(failed.index).toBe(1);
    expect(failed.actions.Divide.error?.message).toMatch(/divide by zero/);
  });

  it("fails with Power Automate's message when 'foreach' is not an array", async () => {
    const { runner } = makeRunner();
    const id = await activate(runner, flowFile({ Loop: { type: "Foreach", foreach: "@triggerBody()?['nothing']", actions: { X: { type: "Compose", inputs: 1 } } } }));
    const { run } = await runOnce(runner, id, {});
    expect(expectActionStatus(run, "Loop", "Failed").error?.message).toMatch(/result of the evaluation of 'foreach' expression .* is of type 'Null'. The result must be a valid array./);
  });
});

describe("Until", () => {
  it("repeats until the condition holds, with iterationIndexes()", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Init: init("counter", "Integer", 0),
        Until_done: {
          type: "Until",
          expression: "@equals(variables('counter'), 5)",
          limit: { count: 60, timeout: "PT1H" },
          actions: {
            Increment: { type: "IncrementVariable", inputs: { name: "counter", value: 1 } },
            Index: { type: "Compose", inputs: "@iterationIndexes('Until_done')", runAfter: { Increment: ["Succeeded"] } },
          },
          runAfter: { Init: ["Succeeded"] },
        },
        After: { type: "Compose", inputs: "@variables('counter')", runAfter: { Until_done: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Succeeded");
    expect(actionOf(run, "After").outputs).toBe(5);
    expect(actionOf(run, "Until_done").iterations?.map((i) => i.actions.Index.outputs)).toEqual([0, 1, 2, 3, 4]);
  });

  it("stops at the count limit", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Init: init("n", "Integer", 0),
        Loop: { type: "Until", expression: "@equals(1, 2)", limit: { count: 3 }, actions: { Inc: { type: "IncrementVariable", inputs: { name: "n" } } }, runAfter: { Init: ["Succeeded"] } },
        After: { type: "Compose", inputs: "@variables('n')", runAfter: { Loop: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    expect(actionOf(run, "After").outputs).toBe(3);
  });
});

describe("Scope and result()", () => {
  it("a failed scope is caught by an action that runs after Failed, which reads result()", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Try: {
          type: "Scope",
          actions: {
            Ok: { type: "Compose", inputs: 1 },
            Boom: { type: "Compose", inputs: "@int('not a number')", runAfter: { Ok: ["Succeeded"] } },
          },
        },
        Catch: {
          type: "Query",
          inputs: { from: "@result('Try')", where: "@equals(item()?['status'], 'Failed')" },
          runAfter: { Try: ["Failed", "TimedOut"] },
        },
        Report: { type: "Compose", inputs: "@first(body('Catch'))?['name']", runAfter: { Catch: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Succeeded");
    expect(expectActionStatus(run, "Try", "Failed").error?.code).toBe("ActionFailed");
    expect(actionOf(run, "Boom").error?.code).toBe("InvalidTemplate");
    expect(actionOf(run, "Report").outputs).toBe("Boom");
  });
});

describe("Terminate", () => {
  it("ends the run Failed with its runError, and nothing after it runs", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Stop: { type: "Terminate", inputs: { runStatus: "Failed", runError: { code: "Invalid", message: "Country code missing" } } },
        Never: { type: "Compose", inputs: 1, runAfter: { Stop: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Failed");
    expect(run.error).toEqual({ code: "Invalid", message: "Country code missing" });
    expect(run.actions.Never).toBeUndefined();
  });

  it("Cancelled and Succeeded end the run with that status", async () => {
    const { runner } = makeRunner();
    const cancel = await activate(runner, flowFile({ Stop: { type: "Terminate", inputs: { runStatus: "Cancelled" } } }));
    expectRunStatus((await runOnce(runner, cancel)).run, "Cancelled");
    const ok = await activate(runner, flowFile({ Boom: { type: "Compose", inputs: "@div(1,0)" }, Stop: { type: "Terminate", inputs: { runStatus: "Succeeded" }, runAfter: { Boom: ["Failed"] } } }));
    expectRunStatus((await runOnce(runner, ok)).run, "Succeeded");
  });
});

describe("Response", () => {
  it("answers the caller with status, headers and body", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Respond: { type: "Response", kind: "PowerApp", inputs: { statusCode: 201, headers: { "x-sync": "yes" }, body: { echo: "@triggerBody()?['text']" } } },
      }),
    );
    const { run, response } = await runOnce(runner, id, { text: "hello" });
    expectRunStatus(run, "Succeeded");
    expect(response).toEqual({ statusCode: 201, headers: { "x-sync": "yes" }, body: { echo: "hello" } });
    expect(run.response?.statusCode).toBe(201);
  });

  it("a second Response in the same run fails", async () => {
    const { runner } = makeRunner();
    const id = await activate(runner, flowFile({ One: { type: "Response", inputs: { statusCode: 200 } }, Two: { type: "Response", inputs: { statusCode: 200 }, runAfter: { One: ["Succeeded"] } } }));
    const { run } = await runOnce(runner, id);
    expect(expectActionStatus(run, "Two", "Failed").error?.code).toBe("ActionResponseAlreadySent");
  });
});

describe("ParseJson", () => {
  const schema = { type: "object", properties: { id: { type: "string" }, amount: { type: "number" } }, required: ["id"] };
  it("parses string content and validates it against the schema", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Parse: { type: "ParseJson", inputs: { content: "@triggerBody()?['json']", schema } },
        Use: { type: "Compose", inputs: "@body('Parse')?['amount']", runAfter: { Parse: ["Succeeded"] } },
      }),
    );
    const ok = (await runOnce(runner, id, { json: '{"id":"R-1","amount":12.5}' })).run;
    expect(actionOf(ok, "Use").outputs).toBe(12.5);
    const bad = (await runOnce(runner, id, { json: '{"amount":"twelve"}' })).run;
    const parse = expectActionStatus(bad, "Parse", "Failed");
    expect(parse.error).toEqual({ code: "ValidationFailed", message: "The schema validation failed." });
    expect(JSON.stringify(parse.outputs)).toMatch(/Required properties are missing from object: id/);
    expect(JSON.stringify(parse.outputs)).toMatch(/\$\.amount/);
  });
});

describe("Query, Select, Join, Table", () => {
  it("filter, map, join and tabulate arrays with item()", async () => {
    const { runner } = makeRunner();
    const rows = [
      { name: "Contoso", country: "US", value: 10 },
      { name: "Fabrikam", country: "DE", value: 20 },
      { name: "Adatum", country: "US", value: 30 },
    ];
    const id = await activate(
      runner,
      flowFile({
        Filter: { type: "Query", inputs: { from: "@triggerBody()?['rows']", where: "@equals(item()?['country'], 'US')" } },
        Map: { type: "Select", inputs: { from: "@body('Filter')", select: { n: "@item()?['name']", v: "@mul(item()?['value'], 2)" } }, runAfter: { Filter: ["Succeeded"] } },
        Names: { type: "Select", inputs: { from: "@body('Filter')", select: "@item()?['name']" }, runAfter: { Filter: ["Succeeded"] } },
        Joined: { type: "Join", inputs: { from: "@body('Names')", joinWith: "; " }, runAfter: { Names: ["Succeeded"] } },
        Csv: { type: "Table", inputs: { from: "@body('Filter')", format: "CSV" }, runAfter: { Filter: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id, { rows });
    expectRunStatus(run, "Succeeded");
    expect(actionOf(run, "Filter").outputs).toEqual({ body: [rows[0], rows[2]] });
    expect(actionOf(run, "Map").outputs).toEqual({ body: [{ n: "Contoso", v: 20 }, { n: "Adatum", v: 60 }] });
    expect(actionOf(run, "Joined").outputs).toEqual({ body: "Contoso; Adatum" });
    expect(actionOf(run, "Csv").outputs).toEqual({ body: "name,country,value\r\nContoso,US,10\r\nAdatum,US,30\r\n" });
  });
});

describe("Wait", () => {
  it("waits the interval through the injectable sleep", async () => {
    const { runner, sleeps } = makeRunner();
    const id = await activate(runner, flowFile({ Delay: { type: "Wait", inputs: { interval: { count: 2, unit: "Minute" } } } }));
    expectRunStatus((await runOnce(runner, id)).run, "Succeeded");
    expect(sleeps).toEqual([120000]);
  });
});

describe("Http", () => {
  it("sends the request and records statusCode, headers and body; a 4xx fails the action", async () => {
    const stub = await stubServer((r) =>
      r.path.startsWith("/ok") ? { status: 200, headers: { "x-trace": "t1" }, body: { got: r.body, q: r.path } } : { status: 404, body: { error: { code: "itemNotFound", message: "No such referral" } } },
    );
    try {
      const { runner } = makeRunner();
      const id = await activate(
        runner,
        flowFile({
          Call: { type: "Http", inputs: { method: "POST", uri: `${stub.url}/ok`, queries: { a: "1" }, headers: { "x-key": "k" }, body: { n: "@add(1,1)" } } },
          Missing: { type: "Http", inputs: { method: "GET", uri: `${stub.url}/missing` }, runAfter: { Call: ["Succeeded"] } },
        }),
      );
      const { run } = await runOnce(runner, id);
      const call = expectActionStatus(run, "Call", "Succeeded");
      expect(call.code).toBe("OK");
      expect(call.outputs).toMatchObject({ statusCode: 200, headers: { "x-trace": "t1" }, body: { got: { n: 2 }, q: "/ok?a=1" } });
      expect(stub.requests[0].headers["x-key"]).toBe("k");
      const missing = expectActionStatus(run, "Missing", "Failed");
      expect(missing.error).toEqual({ code: "NotFound", message: "No such referral" });
      expect(missing.outputs).toMatchObject({ statusCode: 404 });
    } finally {
      await stub.close();
    }
  });
});

describe("runAfter statuses", () => {
  it("Succeeded (the default) and Failed", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Boom: { type: "Compose", inputs: "@div(1, 0)" },
        On_success: { type: "Compose", inputs: "s", runAfter: { Boom: ["Succeeded"] } },
        On_failure: { type: "Compose", inputs: "f", runAfter: { Boom: ["Failed"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    // The branch Boom → On_success ends in a Skipped action whose predecessor failed, so per the
    // documented rule ("if any branch ends in failure, the entire workflow run is marked Failed")
    // the run fails even though On_failure handled the error.
    expectRunStatus(run, "Failed");
    expectActionStatus(run, "On_failure", "Succeeded");
    const skipped = expectActionStatus(run, "On_success", "Skipped");
    expect(skipped.error?.message).toBe(
      "The execution of template action 'On_success' is skipped: the 'runAfter' condition for action 'Boom' is not satisfied. Expected status values 'Succeeded' and actual value 'Failed'.",
    );
  });

  it("Skipped", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        Boom: { type: "Compose", inputs: "@div(1, 0)" },
        Skipped_one: { type: "Compose", inputs: 1, runAfter: { Boom: ["Succeeded"] } },
        After_skip: { type: "Compose", inputs: "ran", runAfter: { Skipped_one: ["Skipped"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectActionStatus(run, "Skipped_one", "Skipped");
    expectActionStatus(run, "After_skip", "Succeeded");
    // the only branch ends in After_skip, which succeeded, so the run succeeds
    expectRunStatus(run, "Succeeded");
  });

  it("TimedOut", async () => {
    const stub = await stubServer(() => new Promise((r) => setTimeout(() => r({ status: 200, body: {} }), 200)));
    try {
      const { runner } = makeRunner({ sleep: () => new Promise((r) => setTimeout(r, 5)) });
      const id = await activate(
        runner,
        flowFile({
          Slow: { type: "Http", inputs: { method: "GET", uri: stub.url }, limit: { timeout: "PT1S" } },
          On_timeout: { type: "Compose", inputs: "timed out", runAfter: { Slow: ["TimedOut"] } },
        }),
      );
      const { run } = await runOnce(runner, id);
      expect(expectActionStatus(run, "Slow", "TimedOut").code).toBe("ActionTimedOut");
      expectActionStatus(run, "On_timeout", "Succeeded");
    } finally {
      await stub.close();
    }
  });

  it("an unhandled failure at the end of a branch fails the run; parallel branches both run", async () => {
    const { runner } = makeRunner();
    const id = await activate(
      runner,
      flowFile({
        A: { type: "Compose", inputs: "a" },
        B: { type: "Compose", inputs: "@div(1,0)" },
        After_A: { type: "Compose", inputs: "@outputs('A')", runAfter: { A: ["Succeeded"] } },
      }),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Failed");
    expectActionStatus(run, "After_A", "Succeeded");
    expect(run.error?.code).toBe("ActionFailed");
  });
});

describe("coverage of action types", () => {
  it("every implemented action type has a test in this file", () => {
    expect(IMPLEMENTED_ACTION_TYPES).toEqual(
      expect.arrayContaining(["Compose", "InitializeVariable", "SetVariable", "IncrementVariable", "DecrementVariable", "AppendToArrayVariable", "AppendToStringVariable", "If", "Switch", "Foreach", "Until", "Scope", "Terminate", "Response", "ParseJson", "Query", "Select", "Join", "Table", "Wait", "Http", "Workflow", "OpenApiConnection"]),
    );
  });
});
