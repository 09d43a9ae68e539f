/**
 * Cloud flows in the solution, in SolutionPackager's layout: the Workflow metadata
 * `solution/src/Workflows/<Name>-<WORKFLOWID>.json.data.xml` (SolutionPackager finds flows by
 * listing these in the solution folder) and the exported definition `flows/<same>.json`, which
 * solution/map.xml maps in (`<FileToPath map="Workflows/*.json" to="../../flows" />`);
 * Other/Solution.xml lists `<RootComponent type="29" id="{workflowid}" />`. These helpers write the
 * file name and the metadata exactly as a Dataverse export does (reference §3.8; Microsoft's CoE kit
 * and a 2025 managed export).
 */
import { el, serializeXml, SOURCE_STYLE, textEl } from "./xml";

export interface FlowMetadata {
  /** WorkflowId, lower case, no braces (child-flow calls use it as workflowReferenceName). */
  id: string;
  /** Display name, e.g. "Partner Center to Dynamics 365 - Helper". */
  name: string;
  description?: string;
  /**
   * 1/2 = on, the default: flows ship on, as 44 of the 45 flows in pnp/powerplatform-samples' exports
   * do (e.g. samples/contoso-school/solution/ContosoSchool.zip, "Send notifications"). Import turns
   * such a flow on when its connection references have connections ("a connection is provided for all
   * the connection references so any referencing flows can be turned on automatically after the
   * import completes", powerapps-docs maker/data-platform/create-connection-reference.md), children
   * before parents; otherwise it stays off until an admin turns it on. 0/1 = off (draft).
   */
  stateCode?: 0 | 1;
  introducedVersion?: string;
}

/** `<Name without non-alphanumerics>-<ID IN UPPER CASE>.json`, the export's naming. */
export function flowFileName(name: string, id: string): string {
  return `${name.replace(/[^A-Za-z0-9-]/g, "")}-${id.replace(/[{}]/g, "").toUpperCase()}.json`;
}

/** The `.json.data.xml` metadata (a `<Workflow>` element) for a cloud flow, in source style. */
export function flowMetadataXml(f: FlowMetadata): string {
  const id = f.id.replace(/[{}]/g, "").toLowerCase();
  const on = (f.stateCode ?? 1) === 1;
  const t = textEl;
  const fields: Array<[string, string | number]> = [
    ["Type", 1],
    ["Subprocess", 0],
    ["Category", 5],
    ["Mode", 0],
    ["Scope", 4],
    ["OnDemand", 0],
    ["TriggerOnCreate", 0],
    ["TriggerOnDelete", 0],
    ["AsyncAutodelete", 0],
    ["SyncWorkflowLogOnFailure", 0],
    ["StateCode", on ? 1 : 0],
    ["StatusCode", on ? 2 : 1],
    ["RunAs", 1],
    ["IsTransacted", 1],
    ["IntroducedVersion", f.introducedVersion ?? "1.0.0.0"],
    ["IsCustomizable", 1],
    ["BusinessProcessType", 0],
    ["IsCustomProcessingStepAllowedForOtherPublishers", 1],
    ["PrimaryEntity", "none"],
  ];
  const wf = el("Workflow", { WorkflowId: `{${id}}`, Name: f.name, Description: f.description, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" }, [
    t("JsonFileName", `/Workflows/${flowFileName(f.name, id)}`),
    ...fields.map(([k, v]) => t(k, v)),
    el("LocalizedNames", {}, [el("LocalizedName", { languagecode: 1033, description: f.name })]),
    f.description ? el("Descriptions", {}, [el("Description", { languagecode: 1033, description: f.description })]) : null,
  ]);
  return serializeXml(wf, SOURCE_STYLE);
}
