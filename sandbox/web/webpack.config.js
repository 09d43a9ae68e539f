// Bundles the web app's page (client/main.ts) into build/app.js, served by src/server.ts at /app/app.js.
// Built by `npm run build` (scripts/src/cli/build.ts) next to the solution's own outputs; tests and the
// bench call ensureClientBuilt() (src/client-bundle.ts), which rebuilds it when a source is newer.
// Plain TypeScript and DOM, no framework: the page is small and must start fast.
const path = require("path");

/** @type {import("webpack").Configuration} */
module.exports = {
  mode: "production",
  context: __dirname,
  target: ["web", "es2022"],
  entry: path.join(__dirname, "client", "main.ts"),
  output: { path: path.join(__dirname, "build"), filename: "app.js", clean: false },
  resolve: { extensions: [".ts", ".js"] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: { loader: "ts-loader", options: { configFile: path.join(__dirname, "tsconfig.client.json"), transpileOnly: true, onlyCompileBundledFiles: true } },
      },
    ],
  },
  devtool: false,
  performance: { hints: false },
  stats: "errors-warnings",
};
