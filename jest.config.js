// One jest run over every project; each folder owns its jest.config.js.
module.exports = {
  projects: [
    "<rootDir>/plugins-ts",
    "<rootDir>/pcf-controls/*",
    "<rootDir>/sandbox/*",
    "<rootDir>/scripts",
    "<rootDir>/flows",
    "<rootDir>/tests/e2e",
    "<rootDir>/tests/admin",
    "<rootDir>/tests/chaos",
  ],
};
