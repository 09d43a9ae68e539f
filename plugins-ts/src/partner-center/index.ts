/** Partner Center client surface for the command line, the sandbox and tests. */
export * from "./client";
export * from "./errors";
export * from "./odata";
export * from "./retry";
export * from "./tokens";
export * from "./webhook-signature";
export * from "./referral";
