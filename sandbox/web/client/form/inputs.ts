/**
 * The standard field controls: one input per column type, bound both ways to its XrmAttribute.
 * A user edit sets the value and fires OnChange when the edit is committed (the input's change
 * event: on leaving a text box, at once for a choice or a switch), as the client does; a script's
 * setValue updates the input without firing anything.
 */
import { h } from "../dom";
import type { XrmAttribute } from "../xrm/attribute";
import type { XrmControl } from "../xrm/control";
import { dateOnlyText } from "../xrm/values";

/** Rows a lookup can point to, by table: [id, name]. */
export type LookupChoices = Map<string, Array<{ id: string; name: string }>>;

const pad = (n: number): string => String(n).padStart(2, "0");
const localDateTime = (d: Date): string => `${dateOnlyText(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

function textValue(a: XrmAttribute): string {
  const v = a.getValue();
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return a.getFormat() === "date" ? dateOnlyText(v) : localDateTime(v);
  return String(v);
}

function parseInput(a: XrmAttribute, raw: string): unknown {
  const t = a.getAttributeType();
  if (raw.trim() === "") return null;
  if (t === "integer" || t === "decimal" || t === "double" || t === "money") {
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  }
  if (t === "datetime") {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(raw);
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)) : null;
  }
  return raw;
}

/** Commits a user edit: the value, then OnChange. */
function commit(a: XrmAttribute, value: unknown): void {
  a.setValue(value);
  a.fireOnChange();
}

export interface FieldInput {
  element: HTMLElement;
  /** The element that takes the keyboard focus. */
  focusable: HTMLElement;
  /** Shows the attribute's current value and the control's state. */
  sync(): void;
}

export function fieldInput(control: XrmControl, a: XrmAttribute, id: string, describedBy: string, choices: LookupChoices): FieldInput {
  const t = a.getAttributeType();
  const common = { id, "aria-describedby": describedBy };
  if (t === "boolean") {
    const options = a.getOptions();
    const label = (on: boolean): string => options.find((o) => o.value === (on ? 1 : 0))?.text ?? (on ? "Yes" : "No");
    const box = h("input", { ...common, type: "checkbox", role: "switch", class: "switch", on: { change: () => commit(a, box.checked) } });
    const text = h("span", { class: "switch-text", "aria-hidden": "true" });
    return {
      element: h("span", { class: "switch-wrap" }, box, text),
      focusable: box,
      sync() {
        box.checked = a.getValue() === true;
        box.disabled = control.getDisabled();
        text.textContent = label(box.checked);
      },
    };
  }
  if (t === "optionset") {
    const select = h(
      "select",
      { ...common, on: { change: () => commit(a, select.value === "" ? null : Number(select.value)) } },
      h("option", { value: "" }, "--Select--"),
      a.getOptions().map((o) => h("option", { value: String(o.value) }, o.text)),
    );
    return {
      element: select,
      focusable: select,
      sync() {
        select.value = a.getValue() === null ? "" : String(a.getValue());
        select.disabled = control.getDisabled();
      },
    };
  }
  if (t === "lookup") {
    const targets = a.meta.targets ?? [];
    const select = h("select", {
      ...common,
      on: {
        change: () => {
          if (!select.value) return commit(a, null);
          const [entityType, rowId] = select.value.split("|");
          const name = choices.get(entityType)?.find((r) => r.id === rowId)?.name ?? "";
          commit(a, [{ id: `{${rowId.toUpperCase()}}`, name, entityType }]);
        },
      },
    });
    const fill = (): void => {
      select.replaceChildren(h("option", { value: "" }, "--Select--"));
      for (const target of targets) {
        const rows = choices.get(target) ?? [];
        const opts = rows.map((r) => h("option", { value: `${target}|${r.id}` }, r.name));
        if (targets.length > 1) select.appendChild(h("optgroup", { label: target }, opts));
        else opts.forEach((o) => select.appendChild(o));
      }
    };
    fill();
    return {
      element: select,
      focusable: select,
      sync() {
        const v = (a.getValue() as Xrm.LookupValue[] | null)?.[0];
        const key = v ? `${v.entityType}|${v.id.replace(/[{}]/g, "").toLowerCase()}` : "";
        if (key && ![...select.options].some((o) => o.value === key)) {
          // a row the list does not hold (created since): show it with its name
          select.appendChild(h("option", { value: key }, v?.name ?? key));
        }
        select.value = key;
        select.disabled = control.getDisabled();
      },
    };
  }
  const isMemo = t === "memo";
  const input = isMemo
    ? h("textarea", { ...common, rows: 4 })
    : h("input", {
        ...common,
        type:
          t === "datetime"
            ? a.getFormat() === "date"
              ? "date"
              : "datetime-local"
            : t === "integer" || t === "decimal" || t === "double" || t === "money"
              ? "number"
              : a.getFormat() === "url"
                ? "url"
                : a.getFormat() === "email"
                  ? "email"
                  : a.getFormat() === "phone"
                    ? "tel"
                    : "text",
        ...(t === "money" || t === "decimal" || t === "double" ? { step: "any" } : {}),
        ...(a.getMaxLength() ? { maxLength: a.getMaxLength() } : {}),
      });
  input.addEventListener("change", () => commit(a, parseInput(a, input.value)));
  return {
    element: input,
    focusable: input,
    sync() {
      const v = textValue(a);
      // never under the user's fingers: a text box being typed in keeps what is typed until it is committed
      if (input.value !== v && document.activeElement !== input) input.value = v;
      input.readOnly = control.getDisabled();
      input.setAttribute("aria-readonly", String(control.getDisabled()));
    },
  };
}
