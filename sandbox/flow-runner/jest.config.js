const preset = require("../../jest.preset");
// Several files start the Dataverse and Partner Center emulators (the latter makes its signing
// keys): on a shared, loaded machine that can exceed jest's default 5 s.
module.exports = preset(__dirname, { testTimeout: 30000 });
