/**
 * The sandbox's web app (`npm start` serves it): the opportunity and lead forms from the built zip
 * with the shipped form script and PCF controls on the Dataverse emulator, Partner Center as
 * Microsoft sees it, and the flow run history. See ../README.md.
 */
export { startWebApp, CLIENT_BUNDLE, WEB_ROOT, type WebApp, type WebAppOptions } from "./server";
export { readSolutionAssets, SolutionAssetsError, type SolutionAssets, type FormBundle, type ControlAsset, type ViewAsset } from "./assets";
export { formModel, formCells, formColumns, type FormModel } from "./form-model";
export { WEB_ERRORS, type WebErrorCode } from "./errors";
export { MAX_BODY_BYTES, type Upstreams } from "./proxy";
export { ensureClientBuilt } from "./client-bundle";
