import { isLoopbackName, refuseNonLocal } from "../src/local-guard";

const local = { host: "127.0.0.1:5555" };

describe("refuseNonLocal", () => {
  it("lets a local tool read and write with JSON", () => {
    expect(refuseNonLocal("GET", local)).toBeUndefined();
    expect(refuseNonLocal("POST", { ...local, "content-type": "application/json; charset=utf-8" })).toBeUndefined();
    expect(refuseNonLocal("POST", { host: "localhost:1", origin: "http://localhost:3000", "content-type": "application/json" })).toBeUndefined();
    expect(refuseNonLocal("DELETE", { host: "[::1]:8080", origin: "http://[::1]:8080", "content-type": "application/json" })).toBeUndefined();
  });

  it("refuses a cross-site text/plain POST (no preflight) and a form post", () => {
    expect(refuseNonLocal("POST", { ...local, origin: "http://evil.example", "content-type": "text/plain" })?.code).toBe("LocalOnlyOrigin");
    expect(refuseNonLocal("POST", { ...local, "content-type": "text/plain" })?.status).toBe(415);
    expect(refuseNonLocal("POST", { ...local, "content-type": "application/x-www-form-urlencoded" })?.code).toBe("LocalOnlyContentType");
    expect(refuseNonLocal("POST", local)?.code).toBe("LocalOnlyContentType");
  });

  it("refuses DNS rebinding: a non-loopback Host even from a tool", () => {
    expect(refuseNonLocal("GET", { host: "evil.example:5555" })?.code).toBe("LocalOnlyHost");
    expect(refuseNonLocal("GET", {})?.code).toBe("LocalOnlyHost");
  });

  it("refuses opaque and cross-site origins even on reads", () => {
    expect(refuseNonLocal("GET", { ...local, origin: "null" })?.code).toBe("LocalOnlyOrigin");
    expect(refuseNonLocal("GET", { ...local, "sec-fetch-site": "cross-site" })?.code).toBe("LocalOnlyOrigin");
    expect(refuseNonLocal("GET", { ...local, origin: "http://127.0.0.1.evil.example" })?.code).toBe("LocalOnlyOrigin");
  });

  it("knows loopback names", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "[::1]", "app.localhost"].every(isLoopbackName)).toBe(true);
    expect(["10.0.0.1", "localhost.evil.example", "example.com", "0.0.0.0"].some(isLoopbackName)).toBe(false);
  });
});
