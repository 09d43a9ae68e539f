// Property names the minifier may shorten in the form script bundle (webpack.config.js): only names of
// our own objects that never leave the bundle (snapshot, page state, reads, validation results, the
// rulebook configuration, audit entries, column name tables). Anything Xrm, the Web API, the FormXml,
// JSON or a message template (its {placeholder} names) touches must stay as it is, so it is not here;
// plugins-ts/src/form/__tests__/bundle-properties.test.ts checks that against @types/xrm, the message
// catalogue, the handler names and the snapshot's Web API names.
module.exports = [
  // rulebook configuration and snapshot (rulebook/snapshot.ts)
  "dealValueField",
  "customerCountryCodeField",
  "contacts",
  "currency",
  "solutions",
  "previous",
  "config",
  // validation results (form/rulebook.ts)
  "applies",
  "ok",
  "failures",
  "unchecked",
  "rule",
  "topic",
  // reads and outcomes (form/check.ts, form/data.ts)
  "remote",
  "errors",
  "savedDealValue",
  "isNew",
  "what",
  // page state (form/state.ts)
  "loadedValues",
  "locks",
  "lock",
  "columns",
  "originalRequired",
  "generation",
  "resaving",
  // audit entries (rulebook/audit.ts)
  "kind",
  "direction",
  "outcome",
  "operation",
  // column and variable name tables (model/schema.ts, rulebook/snapshot.ts), read with constant keys
  "line1",
  "line2",
  "city",
  "postalCode",
  "fullName",
  "firstName",
  "lastName",
  "email",
  "phone",
  "schemaName",
  "defaultValue",
  // the form's own message ids, as FORM_TEXT (form/rulebook.ts and the generated module) names them:
  // the "form…" keys of the catalogue, read from its source (messages.ts)
  ...[...require("fs").readFileSync(require("path").join(__dirname, "src", "rulebook", "messages.ts"), "utf8").matchAll(/^ {2}(form[A-Za-z]+): "/gm)].map((m) => m[1]),
];
