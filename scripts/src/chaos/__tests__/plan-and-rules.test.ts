/**
 * The chaos suite's pure parts: a seed always gives the same plan, with the kills and outages it
 * promises; what counts as an Error a seller can act on.
 */
import { formatMessage } from "../../../../plugins-ts/src/rulebook/messages";
import { isActionable } from "../invariants";
import { describeStep, planOf, type Step } from "../workload";

const flat = (steps: Step[]): Step[] => steps.flatMap((s) => (s.op === "burst" ? s.steps : [s]));

test("a seed gives the same plan every time; another seed another plan", () => {
  expect(planOf(1234, { steps: 40, kills: 2 })).toEqual(planOf(1234, { steps: 40, kills: 2 }));
  expect(planOf(1235, { steps: 40, kills: 2 })).not.toEqual(planOf(1234, { steps: 40, kills: 2 }));
});

test("every plan starts with something to work on, holds its kills right after busy writes, and ends every outage", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const plan = planOf(seed, { steps: 30, kills: 2 });
    expect(plan.slice(0, 3).map((s) => s.op)).toEqual(["share", "share", "pcShare"]);
    const kills = plan.flatMap((s, i) => (s.op === "kill" ? [i] : []));
    expect(kills).toHaveLength(2);
    for (const i of kills) expect(plan[i - 1]).toMatchObject({ op: "burst", steps: [{ op: "share" }, { op: "edit" }] });
    const switches = plan.filter((s): s is Extract<Step, { op: "webhooks" }> => s.op === "webhooks").map((s) => s.on);
    expect(switches.filter((on) => !on).length).toBe(switches.filter((on) => on).length);
    expect(plan.flatMap((s) => (s.op === "burst" ? s.steps : [])).some((s) => s.op === "kill" || s.op === "webhooks")).toBe(false); // never inside a burst
    for (const s of plan) expect(describeStep(s)).not.toMatch(/undefined/);
  }
});

test("the mix holds every kind of step across seeds", () => {
  const ops = new Set<string>();
  for (let seed = 1; seed <= 50; seed++) for (const s of flat(planOf(seed, { steps: 30, kills: 1 }))) ops.add(s.op);
  expect([...ops].sort()).toEqual(["conflict", "edit", "fault", "kill", "pause", "pcEdit", "pcShare", "redeliver", "share", "solution", "webhooks"]);
});

test("an Error a seller can act on: a rule's message or Partner Center refusing the data; not a transient failure", () => {
  expect(isActionable(formatMessage("solutionsMissing"))).toBe(true);
  expect(isActionable(formatMessage("countryInvalid", { field: "address1_country", value: "USA" }))).toBe(true);
  expect(isActionable("Partner Center answered 400: Invalid status transition from 'Closed' to 'Active'.")).toBe(true);
  expect(isActionable("Partner Center answered 503: The service is unavailable.")).toBe(false);
  expect(isActionable("Partner Center answered 429: Rate limit is exceeded. Try again in 2 seconds.")).toBe(false);
  expect(isActionable("Partner Center could not be reached.")).toBe(false);
  expect(isActionable("")).toBe(false);
});
