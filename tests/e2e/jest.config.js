const preset = require("../../jest.preset");
// End-to-end scenarios: each file starts its own sandbox (three services on OS-picked ports).
module.exports = preset(__dirname, { testMatch: ["<rootDir>/*.test.ts"], testTimeout: 60000 });
