/** Mock PCF context for the Audit Timeline control: its one bound property (pcs_syncaudit). */
import { controlStrings, MockContext, property, type MockOptions } from "../../../shared/__mocks__/mock-context";
import type { IInputs } from "../inputs";

export const STRINGS = controlStrings("AuditTimeline");

export function auditParameters(audit: unknown): IInputs {
  return { value: property("Multiple", audit ?? null) } as unknown as IInputs;
}

export function auditContext(audit: unknown, options: MockOptions = {}): MockContext<IInputs> {
  return new MockContext<IInputs>(auditParameters(audit), STRINGS, options);
}
