// webpack loader for src/form/rulebook.ts: replaces that module, in the form script bundle only, with
// the ES module src/rulebook/form-module.ts generates from the rule table (rules.ts) and the message
// catalogue (messages.ts). The generator runs at build time through webpack itself (importModule, so
// ts-loader compiles it); nothing generated is written to the repository.
const path = require("path");

const GENERATOR = path.join(__dirname, "src", "rulebook", "form-module.ts");
const RULEBOOK = path.join(__dirname, "src", "rulebook");

module.exports = function formRulebookLoader() {
  const callback = this.async();
  this.importModule(GENERATOR).then(
    (generator) => {
      const code = generator.formRulebookModule({ rulebookDir: RULEBOOK.split(path.sep).join("/") });
      callback(null, code);
    },
    (error) => callback(error),
  );
};
