const preset = require("../../jest.preset");
// The admin command line against the sandbox as a new environment (npm start -- --bare).
module.exports = preset(__dirname, { testMatch: ["<rootDir>/*.test.ts"], testTimeout: 60000 });
