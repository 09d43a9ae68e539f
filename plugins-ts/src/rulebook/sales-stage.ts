/**
 * The sales stage both ways. Dataverse's opportunity.salesstage is 0..3; Partner Center's salesStage
 * is Qualify | Develop | Propose | Close (the connector's enum), but the wire also returns it as a
 * number in text ("100"), and the UI and CSV speak 20 / 40 / 60 / 100 (partner-center-2026.md §1.1,
 * [C W1, G4]). Reading takes any of these, case-insensitively; anything else is not a stage.
 */
import { SALES_STAGES } from "./mapping-outbound";

/** The percentage the UI and CSV give each stage, in SALES_STAGES order. */
export const SALES_STAGE_PERCENTAGES: readonly number[] = [20, 40, 60, 100];

/** The opportunity.salesstage value (0..3) a Partner Center salesStage means, or undefined when it is none we know. */
export function salesStageIndexOf(value: unknown): number | undefined {
  if (typeof value === "number") return SALES_STAGE_PERCENTAGES.includes(value) ? SALES_STAGE_PERCENTAGES.indexOf(value) : undefined;
  if (typeof value !== "string") return undefined;
  const v = value.trim();
  const byName = SALES_STAGES.findIndex((s) => s.toLowerCase() === v.toLowerCase());
  if (byName >= 0) return byName;
  return /^\d+$/.test(v) ? salesStageIndexOf(Number(v)) : undefined;
}
