// Helpers bundled into both PCF controls (locale, strings, time, DOM), and the real-browser test.
const preset = require("../../jest.preset");
module.exports = preset(__dirname, { testEnvironment: "jsdom" });
