/**
 * Rule pcf-controls: every PCF control is named <publisher prefix>_<namespace>.<constructor> with the
 * solution publisher's prefix (import fails otherwise: "Publisher prefix … for this control … does not
 * match the prefix … for the solution"), its built manifest declares that namespace and constructor,
 * and every form that binds a control names one the solution ships (or declares as a dependency) and
 * binds only properties the control's manifest declares.
 */
import { allForms, controlManifestPart, customControls, isDeclaredDependency } from "../../solution/components";
import { describeForm, originOf, partOrigin, publisherPrefix, type SolutionPackage } from "../../solution/package";
import { attr, child, childText, descendants, elements, parseXml, type XmlElement } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";
import { tag } from "../util";

const NAME = /^([A-Za-z0-9]+)_([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\.([A-Za-z_][\w]*)$/;

export const pcfControls: CheckRule = {
  id: "pcf-controls",
  description: "every PCF control's prefix equals the publisher prefix; forms bind shipped controls and declared properties",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const prefix = publisherPrefix(pkg);
    const manifests = new Map<string, XmlElement | undefined>();
    for (const cc of customControls(pkg)) {
      const name = childText(cc, "Name") ?? "";
      const file = originOf(pkg, cc);
      const element = `<CustomControl> ${name}`;
      const m = NAME.exec(name);
      if (!m) {
        out.push({ rule: "pcf-controls", file, element, message: "name is not <prefix>_<namespace>.<constructor>", fix: `name it ${prefix ?? "<prefix>"}_<namespace>.<constructor>, as the built ControlManifest.xml declares` });
        continue;
      }
      if (prefix && m[1] !== prefix)
        out.push({ rule: "pcf-controls", file, element, message: `prefix "${m[1]}" does not match the solution publisher's prefix "${prefix}" (import fails: "Publisher prefix … does not match")`, fix: `rename the control ${prefix}_${m[2]}.${m[3]} (CustomControl Name, folder Controls/${prefix}_${m[2]}.${m[3]}, RootComponent type 66 and every form that binds it)` });
      const part = controlManifestPart(cc);
      const data = pkg.files.get(part);
      let control: XmlElement | undefined;
      if (data) {
        try {
          control = child(parseXml(data).root, "control");
        } catch {
          control = undefined; // reported by referenced-files
        }
        if (control) {
          const ns = attr(control, "namespace");
          const ctor = attr(control, "constructor");
          if (ns !== m[2] || ctor !== m[3])
            out.push({ rule: "pcf-controls", file: partOrigin(pkg, part), element: tag(control, "namespace", "constructor"), message: `the built manifest declares ${ns}.${ctor} but the solution registers the control as ${name}`, fix: `name the control ${m[1]}_${ns}.${ctor}, or fix namespace/constructor in ControlManifest.Input.xml and rebuild` });
        }
      }
      manifests.set(name.toLowerCase(), control);
    }
    for (const { entity, form } of allForms(pkg)) {
      const where = describeForm(entity, form);
      for (const cc of descendants(form, "customControl")) {
        const name = attr(cc, "name");
        if (!name) continue; // a platform control named by classid
        if (name.startsWith("MscrmControls.") || !/_/.test(name.split(".")[0])) continue; // Microsoft's built-in controls
        const element = `${tag(cc, "name", "formFactor")} in ${where}`;
        const file = originOf(pkg, cc);
        if (!manifests.has(name.toLowerCase())) {
          if (isDeclaredDependency(pkg, "66", name) && !name.toLowerCase().startsWith(`${(prefix ?? "").toLowerCase()}_`)) continue;
          out.push({ rule: "pcf-controls", file, element, message: `binds PCF control "${name}", which the solution does not ship`, fix: `add the control (Controls/${name}/ControlManifest.xml.data.xml, mapped build output, RootComponent type 66) or bind a shipped one` });
          continue;
        }
        const control = manifests.get(name.toLowerCase());
        if (!control) continue;
        const declared = new Map<string, XmlElement>();
        for (const p of elements(control, "property")) declared.set(attr(p, "name") ?? "", p);
        for (const ds of elements(control, "data-set")) declared.set(attr(ds, "name") ?? "", ds);
        const params = child(cc, "parameters");
        for (const p of params ? elements(params) : []) {
          const key = p.name === "data-set" ? (attr(p, "name") ?? "") : p.name;
          if (!declared.has(key))
            out.push({ rule: "pcf-controls", file, element: `<${p.name}> of ${element}`, message: `binds property "${key}", which ${name}'s manifest does not declare`, fix: `bind only the manifest's properties (${[...declared.keys()].join(", ") || "none"})` });
        }
        for (const [pname, p] of declared) {
          if (p.name === "property" && attr(p, "usage") === "bound" && attr(p, "required") === "true" && !(params && child(params, pname)))
            out.push({ rule: "pcf-controls", file, element, message: `does not bind the required property "${pname}"`, fix: `add <${pname}>column</${pname}> to the control's parameters` });
        }
      }
    }
    return out;
  },
};
