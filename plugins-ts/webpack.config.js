// Bundles the opportunity form script (src/form) into the web resource pcs_/scripts/opportunity.js.
// The library type "assign-properties" adds `Opportunity` to a global `PartnerCenterSync` object (created
// if absent, kept if another bundle made it), so the form registers exactly the handler names of
// src/model/schema.ts FORM_SCRIPT.handlers, e.g. PartnerCenterSync.Opportunity.onLoad.
// Used by `npm run build` (solution packer) and by the form tests; paths are absolute, so any cwd works.
const path = require("path");

const OUTPUT_DIR = path.join(__dirname, "build", "webresources", "pcs_", "scripts");
const OUTPUT_FILE = "opportunity.js";

/** @type {import("webpack").Configuration} */
module.exports = {
  mode: "production",
  context: __dirname,
  target: ["web", "es2020"],
  entry: path.join(__dirname, "src", "form", "index.ts"),
  output: {
    path: OUTPUT_DIR,
    filename: OUTPUT_FILE,
    library: { name: "PartnerCenterSync", type: "assign-properties" },
    clean: false,
  },
  resolve: { extensions: [".ts", ".js"] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
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
    minimizeOptions: {
      javascript: {
        ecma: 2020,
        compress: { passes: 3, pure_getters: true, unsafe_arrows: true, unsafe_methods: true },
        format: { comments: false },
      },
    },
  },
  stats: "errors-warnings",
};
