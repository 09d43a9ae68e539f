/**
 * Rule unique-names: no two components share an id or a logical name where Dataverse needs them
 * unique (forms, views, roles, flows, web resources, tables, columns per table, keys per table,
 * relationships, choices, controls, environment variables, connection references, root components,
 * and the element ids inside one form), and each column's Name, LogicalName and PhysicalName agree.
 */
import { allForms, allSavedQueries, connectionReferences, customControls, envVarDefinitions, globalOptionSets, relationships, rootComponents, roles, webResources, workflows } from "../../solution/components";
import { describeForm, entities, entityAttributes, entityInfo, entityName, normGuid, originOf, type SolutionPackage } from "../../solution/package";
import { attr, child, childText, descendants, elements, type XmlElement } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

export const uniqueNames: CheckRule = {
  id: "unique-names",
  description: "no duplicate ids or logical names",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const dup = (what: string, items: Array<{ key: string; el: XmlElement; label: string; file?: string }>, fix: string): void => {
      const first = new Map<string, { el: XmlElement; file?: string }>();
      for (const it of items) {
        if (!it.key) continue;
        const seen = first.get(it.key);
        if (seen) {
          out.push({ rule: "unique-names", file: it.file ?? originOf(pkg, it.el), element: it.label, message: `duplicate ${what} "${it.key}" (also used in ${seen.file ?? originOf(pkg, seen.el)})`, fix });
        } else first.set(it.key, { el: it.el, file: it.file });
      }
    };
    const lower = (s: string | undefined): string => (s ?? "").toLowerCase();

    dup("form id", allForms(pkg).map(({ entity, form }) => ({ key: normGuid(childText(form, "formid")), el: form, label: describeForm(entity, form) })), "give one of the forms a new formid (and rename its file)");
    dup("view id", allSavedQueries(pkg).map(({ entity, view }) => ({ key: normGuid(childText(view, "savedqueryid")), el: view, label: `view ${childText(view, "savedqueryid")} of ${entityName(entity)}` })), "give one of the views a new savedqueryid");
    dup("role id", roles(pkg).map((r) => ({ key: normGuid(attr(r, "id")), el: r, label: `<Role name="${attr(r, "name")}">` })), "give one role a new id");
    dup("role name", roles(pkg).map((r) => ({ key: lower(attr(r, "name")), el: r, label: `<Role name="${attr(r, "name")}">` })), "rename one of the roles");
    dup("workflow id", workflows(pkg).map((w) => ({ key: normGuid(attr(w, "WorkflowId")), el: w, label: `<Workflow Name="${attr(w, "Name")}">` })), "give one flow a new WorkflowId (and rename its files)");
    dup("web resource id", webResources(pkg).map((w) => ({ key: normGuid(childText(w, "WebResourceId")), el: w, label: `<WebResource> ${childText(w, "Name")}` })), "give one web resource a new WebResourceId");
    dup("web resource name", webResources(pkg).map((w) => ({ key: lower(childText(w, "Name")), el: w, label: `<WebResource> ${childText(w, "Name")}` })), "remove or rename the duplicate web resource");
    dup("table", entities(pkg).map((e) => ({ key: lower(entityName(e)), el: e, label: `<Entity> ${entityName(e)}` })), "merge the two Entity definitions into one Entities/<SchemaName> folder");
    dup("relationship name", relationships(pkg).map((r) => ({ key: lower(attr(r, "Name")), el: r, label: `<EntityRelationship Name="${attr(r, "Name")}">` })), "rename one relationship");
    dup("choice name", globalOptionSets(pkg).map((o) => ({ key: lower(attr(o, "Name")), el: o, label: `<optionset Name="${attr(o, "Name")}">` })), "rename one choice");
    dup("custom control name", customControls(pkg).map((c) => ({ key: lower(childText(c, "Name")), el: c, label: `<CustomControl> ${childText(c, "Name")}` })), "remove the duplicate control");
    dup("environment variable", envVarDefinitions(pkg).map((d) => ({ key: lower(d.schemaName), el: d.element, label: `<environmentvariabledefinition schemaname="${d.schemaName}">`, file: d.part ? (pkg.fileOrigins.get(d.part) ?? d.part) : undefined })), "remove the duplicate definition");
    dup("connection reference", connectionReferences(pkg).map((c) => ({ key: lower(attr(c, "connectionreferencelogicalname")), el: c, label: `<connectionreference connectionreferencelogicalname="${attr(c, "connectionreferencelogicalname")}">` })), "remove the duplicate connection reference");
    dup("root component", rootComponents(pkg).map((rc) => ({ key: `type ${attr(rc, "type")} ${attr(rc, "schemaName") ? lower(attr(rc, "schemaName")) : normGuid(attr(rc, "id"))}`, el: rc, label: `<RootComponent type="${attr(rc, "type")}" ${attr(rc, "schemaName") ? `schemaName="${attr(rc, "schemaName")}"` : `id="${attr(rc, "id")}"`}>` })), "remove the duplicate RootComponent");

    for (const e of entities(pkg)) {
      const en = entityName(e);
      const attrs = entityAttributes(e);
      dup(`column of ${en}`, attrs.map((a) => ({ key: lower(childText(a, "LogicalName") ?? childText(a, "Name")), el: a, label: `<attribute PhysicalName="${attr(a, "PhysicalName")}"> of ${en}` })), "remove or rename the duplicate column");
      for (const a of attrs) {
        const physical = lower(attr(a, "PhysicalName"));
        const name = lower(childText(a, "Name"));
        const logical = lower(childText(a, "LogicalName"));
        if ((physical && logical && physical !== logical) || (name && logical && name !== logical))
          out.push({ rule: "unique-names", file: originOf(pkg, a), element: `<attribute PhysicalName="${attr(a, "PhysicalName")}"> of ${en}`, message: `PhysicalName, Name and LogicalName disagree ("${attr(a, "PhysicalName")}", "${childText(a, "Name")}", "${childText(a, "LogicalName")}")`, fix: "Name and LogicalName are the lower-cased PhysicalName (schema name)" });
      }
      const info = entityInfo(e);
      const keys = info ? child(info, "EntityKeys") : undefined;
      dup(`alternate key of ${en}`, (keys ? elements(keys, "EntityKey") : []).map((k) => ({ key: lower(childText(k, "LogicalName") ?? childText(k, "Name")), el: k, label: `<EntityKey> ${childText(k, "Name")} of ${en}` })), "rename one of the keys");
    }
    for (const { entity, form } of allForms(pkg)) {
      const ids: Array<{ key: string; el: XmlElement; label: string }> = [];
      for (const name of ["tab", "section", "cell"]) for (const x of descendants(form, name)) ids.push({ key: normGuid(attr(x, "id")), el: x, label: `<${name} id="${attr(x, "id")}"> in ${describeForm(entity, form)}` });
      for (const x of descendants(form, "control")) if (attr(x, "uniqueid")) ids.push({ key: normGuid(attr(x, "uniqueid")), el: x, label: `<control uniqueid="${attr(x, "uniqueid")}"> in ${describeForm(entity, form)}` });
      dup("element id within a form", ids, "give the element a new GUID");
      // Control ids are not checked: real exports carry forms where one column appears twice under the same control id.
    }
    return out;
  },
};
