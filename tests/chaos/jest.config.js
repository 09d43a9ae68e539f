const preset = require("../../jest.preset");
// The chaos suite: each interleaving starts its own sandbox as a child process (killed with SIGKILL and
// started again on its state), so it needs the built zip and out/ (npm run build; npm test builds first).
module.exports = preset(__dirname, { testMatch: ["<rootDir>/*.test.ts"], testTimeout: 120000 });
