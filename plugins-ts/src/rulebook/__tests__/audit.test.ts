import vectors from "../../../test-vectors/audit.json";
import {
  AuditEntry,
  capAudit,
  formatAuditLine,
  latestError,
  latestErrorMessage,
  parseAudit,
  parseAuditLine,
  prependAudit,
  AUDIT_MAX_CHARS,
  AUDIT_MAX_MESSAGE_CHARS,
} from "../audit";

describe("audit line format (test-vectors/audit.json)", () => {
  it.each(vectors.format.map((v) => [v.name, v] as const))("formats and parses: %s", (_name, v) => {
    const line = formatAuditLine(v.entry as AuditEntry);
    expect(line).toBe(v.line);
    const parsed = parseAuditLine(line);
    expect(parsed).toEqual({ kind: "entry", ...v.entry, message: v.parsedMessage ?? v.entry.message });
  });

  it.each(vectors.raw)("keeps a line it cannot parse as raw text: %s", (line) => {
    expect(parseAuditLine(line)).toEqual({ kind: "raw", text: line });
  });

  it.each(vectors.cap.map((v) => [v.name, v] as const))("caps: %s", (_name, v) => {
    const lines = Array.from({ length: v.lines }, (_, i) => `${String(i).padStart(3, "0")} ${"x".repeat(v.lineLength - 4)}`);
    const capped = capAudit(lines.join("\n"), v.maxLines, v.maxChars);
    const kept = capped.split("\n");
    expect(kept).toHaveLength(v.expectLines);
    expect(kept[0]).toBe(lines[0]);
    expect(capped.length).toBeLessThanOrEqual(v.maxChars);
  });
});

describe("audit column", () => {
  const entry = (n: number, outcome: AuditEntry["outcome"] = "Success"): AuditEntry => ({
    timestamp: `2026-11-22T10:${String(n % 60).padStart(2, "0")}:00Z`,
    direction: "CRM->PC",
    outcome,
    operation: "update",
    message: `change ${n}`,
  });

  it("puts the newest line first and never grows past the caps", () => {
    let text = "";
    for (let i = 0; i < 500; i++) text = prependAudit(text, entry(i));
    const lines = parseAudit(text);
    expect(lines).toHaveLength(50);
    expect(lines[0]).toMatchObject({ kind: "entry", message: "change 499" });
    expect(text.length).toBeLessThanOrEqual(AUDIT_MAX_CHARS);
  });

  it("cuts an over-long message instead of overflowing", () => {
    const line = formatAuditLine({ ...entry(1), message: "y".repeat(5000) });
    const parsed = parseAuditLine(line);
    expect(parsed.kind === "entry" && parsed.message.length).toBe(AUDIT_MAX_MESSAGE_CHARS);
  });

  it("rejects entries that would not parse back", () => {
    expect(() => formatAuditLine({ ...entry(1), timestamp: "2026-11-22T10:00:00.123Z" })).toThrow(/UTC to the second/);
    expect(() => formatAuditLine({ ...entry(1), operation: "Create Referral" })).toThrow(/lower-case word/);
  });

  it("reports the latest error only while the newest outcome is an error", () => {
    const failed = prependAudit(prependAudit("", entry(1)), entry(2, "Error"));
    expect(latestError(failed)?.message).toBe("change 2");
    expect(latestError(prependAudit(failed, entry(3)))).toBeUndefined();
    expect(latestError("not an audit line")).toBeUndefined();
    expect(latestError(null)).toBeUndefined();
  });
});

describe("latestErrorMessage (the form script's reading)", () => {
  it("says what latestError says, on every vector line and odd columns", () => {
    const lines = [
      ...vectors.format.map((v) => formatAuditLine({ ...(v.entry as AuditEntry), outcome: "Error" })),
      ...vectors.format.map((v) => formatAuditLine(v.entry as AuditEntry)),
      ...(vectors.raw as string[]),
      "2026-11-22T10:15:03Z | CRM->PC | Error | create | a | b | run x/y",
      "2026-11-22T10:15:03Z | CRM->PC | Error | create | run x/y",
      "2026-11-22T10:15:03Z | CRM->PC | Error | create | ",
      "2026-11-22T10:15:03Z | CRM->PC | Error | create",
      "2026-11-22T10:15:03Z | CRM->PC | Fatal | create | x",
      "  ",
      "",
    ];
    for (const a of lines) for (const b of lines) for (const sep of ["\n", "\r\n"]) {
      const text = `${a}${sep}${b}`;
      expect([text, latestErrorMessage(text)]).toEqual([text, latestError(text)?.message]);
    }
    expect(latestErrorMessage(null)).toBeUndefined();
  });
});

