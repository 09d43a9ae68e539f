import * as vm from "vm";
import { builtBundle } from "./built-bundle";
import { FORM_SCRIPT } from "../../model/schema";

/** Every handler name the form registers (schema.ts until the packed FormXml is read). */
function handlerNames(): string[] {
  return [FORM_SCRIPT.handlers.onLoad, FORM_SCRIPT.handlers.onSave, ...Object.values(FORM_SCRIPT.handlers.onChange)];
}

describe("built web resource pcs_/scripts/opportunity.js", () => {
  let code = "";
  beforeAll(async () => {
    code = await builtBundle();
  }, 120_000);

  it.each(handlerNames())("resolves %s to a function in a fresh context", (name) => {
    const sandbox: Record<string, unknown> = {};
    vm.createContext(sandbox);
    vm.runInContext(code, sandbox);
    const fn = name.split(".").reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], sandbox);
    expect(typeof fn).toBe("function");
  });
});
