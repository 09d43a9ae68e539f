// Bundles the opportunity form script (src/form) into the web resource pcs_/scripts/opportunity.js.
// The entry (src/form/index.ts) adds `Opportunity` to a global `PartnerCenterSync` object (created if
// absent, kept if another script made it), so the form registers exactly the handler names of
// src/model/schema.ts FORM_SCRIPT.handlers, e.g. PartnerCenterSync.Opportunity.onLoad; no webpack
// library output, so no module runtime in the file.
// Size (budget 15 KB, `npm run bench`): src/form/rulebook.ts is replaced by the compact code
// src/rulebook/form-module.ts generates from the rule table and the messages (form-rulebook-loader.js),
// output is ES2022 as evergreen browsers run it, and terser shortens the property names of
// form-properties.js. src/form/__tests__/bundle-contents.test.ts checks what the file holds.
// Used by `npm run build` (solution packer) and by the form tests; paths are absolute, so any cwd works.
const path = require("path");
const INTERNAL_PROPERTIES = require("./form-properties");

const OUTPUT_DIR = path.join(__dirname, "build", "webresources", "pcs_", "scripts");
const OUTPUT_FILE = "opportunity.js";
/** Replaced in the bundle by the code form-rulebook-loader.js generates from the rule table. */
const FORM_RULEBOOK = path.join(__dirname, "src", "form", "rulebook.ts");

/** @type {import("webpack").Configuration} */
module.exports = {
  mode: "production",
  context: __dirname,
  target: ["web", "es2022"],
  entry: path.join(__dirname, "src", "form", "index.ts"),
  output: {
    path: OUTPUT_DIR,
    filename: OUTPUT_FILE,
    clean: false,
  },
  resolve: { extensions: [".ts", ".js"] },
  module: {
    rules: [
      { test: FORM_RULEBOOK, use: path.join(__dirname, "form-rulebook-loader.js") },
      {
        test: /\.ts$/,
        exclude: [/node_modules/, FORM_RULEBOOK],
        use: {
          loader: "ts-loader",
          options: { configFile: path.join(__dirname, "tsconfig.form.json"), transpileOnly: true, onlyCompileBundledFiles: true },
        },
      },
    ],
  },
  devtool: false,
  performance: { hints: false },
  optimization: {
    minimize: true,
    // terser, through webpack's own minimizer. pure_getters: reading a property of our constant
    // objects has no side effect, so unused schema constants are dropped and constant objects inlined.
    // No `unsafe*` beyond arrows and methods: the others (e.g. String(x) → ""+x) could change a result.
    minimizeOptions: {
      javascript: {
        ecma: 2022,
        compress: {
          passes: 3,
          pure_getters: true,
          unsafe_arrows: true,
          unsafe_methods: true,
          // schema.ts optionValue() is pure: its calls in choice tables the form does not read may go.
          // (Matched by name: were it renamed, only bytes would be lost.)
          pure_funcs: ["optionValue"],
        },
        // Shorten only the names form-properties.js lists (ours, never seen outside the bundle). The list
        // is the whole truth: `builtins: true` stops terser from also sparing names that merely
        // coincide with some DOM property (config, result, key …); a name that is not listed is kept.
        mangle: { properties: { regex: new RegExp(`^(${INTERNAL_PROPERTIES.join("|")})$`), builtins: true } },
        format: { comments: false },
      },
    },
  },
  stats: "errors-warnings",
};
