/**
 * npm run flows: regenerate flows/*.json (+ metadata) and Solution.xml's flow root components from
 * flows/src/definitions. `npm run flows -- --check` only reports stale files (exit 1).
 */
import * as path from "path";
import { staleFlows, writeFlows } from "../../../flows/src/generate";

const root = path.resolve(__dirname, "..", "..", "..", "..");
if (process.argv.includes("--check")) {
  const stale = staleFlows(root);
  if (stale.length) {
    console.error(`These files differ from the flow definitions; run npm run flows:\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
  console.log("flows/ is up to date with flows/src/definitions.");
} else {
  const changed = writeFlows(root);
  console.log(changed.length ? `Wrote:\n  ${changed.map((p) => path.relative(root, p)).join("\n  ")}` : "flows/ was already up to date.");
}
