// Shared jest settings: every project (plugins-ts, pcf-controls/*, sandbox/*, scripts, tests/e2e)
// spreads this into its own jest.config.js. ts-jest transpiles only; `npm run typecheck` checks types.
const path = require("path");

/** @param {string} dir the project folder; @param {object} [extra] overrides */
module.exports = function preset(dir, extra = {}) {
  return {
    rootDir: dir,
    displayName: path.relative(__dirname, dir) || "root",
    testEnvironment: "node",
    testMatch: ["**/__tests__/**/*.test.ts", "**/test/**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/", "/out/", "/generated/"],
    transform: {
      "^.+\\.tsx?$": ["ts-jest", { tsconfig: path.join(__dirname, "tsconfig.json"), diagnostics: false }],
    },
    moduleFileExtensions: ["ts", "tsx", "js", "json"],
    ...extra,
  };
};
