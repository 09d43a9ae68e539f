/**
 * The contract tests both controls share: the manifest matches schema.ts PCF_CONTROLS (name,
 * standard control without platform libraries, bound properties) and every string the control or its
 * manifest reads is in its resx.
 */
import { PCF_CONTROLS } from "../../../plugins-ts/src/model/schema";
import { readManifest } from "./mock-context";

export function describeManifestContract(title: string, key: keyof typeof PCF_CONTROLS, strings: Record<string, string>, stringKeys: readonly string[]): void {
  const spec = PCF_CONTROLS[key];
  describe(`${title}: manifest and strings match the contracts`, () => {
    const manifest = readManifest(spec.constructor);

    test("namespace, constructor, standard control, no platform libraries (no React)", () => {
      expect(spec.name).toBe(`pcs_${spec.namespace}.${spec.constructor}`);
      expect(manifest.namespace).toBe(spec.namespace);
      expect(manifest.constructorName).toBe(spec.constructor);
      expect(manifest.controlType).toBe("standard");
      expect(manifest.platformLibraries).toBe(0);
      expect(manifest.resx).toEqual([`strings/${spec.constructor}.1033.resx`]);
      expect(manifest.css).toEqual([`css/${spec.constructor}.css`]);
    });

    test(`bound properties are exactly PCF_CONTROLS.${key}.properties`, () => {
      const shipped = Object.fromEntries(manifest.properties.map((p) => [p.name, { ofType: p.ofType, usage: p.usage }]));
      const expected = Object.fromEntries(Object.entries(spec.properties).map(([name, p]) => [name, { ofType: p.ofType, usage: "bound" }]));
      expect(shipped).toEqual(expected);
    });

    test("every string the control reads is in the resx", () => {
      for (const k of stringKeys) expect(strings[k]).toBeTruthy();
      const manifestKeys = [manifest.displayNameKey, manifest.descriptionKey, ...manifest.properties.flatMap((p) => [p.displayNameKey, p.descriptionKey])];
      for (const k of manifestKeys) expect(strings[k]).toBeTruthy();
    });
  });
}
