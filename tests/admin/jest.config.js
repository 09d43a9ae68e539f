const preset = require("../../jest.preset");
// The admin command line against the sandbox as a new environment (npm start -- --bare).
// Each test names its own timeout (testTimeout is a global option, not a project one).
module.exports = preset(__dirname, { testMatch: ["<rootDir>/*.test.ts"] });
