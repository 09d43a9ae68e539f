/**
 * The control's inputs, written by hand to match ControlManifest.Input.xml (pcf-scripts generates
 * the same shape into generated/ManifestTypes.d.ts at build time; a unit test keeps the manifest
 * equal to PCF_CONTROLS.auditTimeline in plugins-ts/src/model/schema.ts).
 */
export interface IInputs {
  value: ComponentFramework.PropertyTypes.StringProperty;
}

/** Read-only display: the control never writes a value back. */
export type IOutputs = Record<string, never>;
