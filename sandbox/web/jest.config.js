// The web app: server routes, FormXml model, assets from the zip (node), the page's pure helpers
// (jsdom where marked), and the browser journeys in Chromium (test/browser/*.test.ts).
const preset = require("../../jest.preset");
module.exports = preset(__dirname);
