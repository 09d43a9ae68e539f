import vectors from "../../../test-vectors/sync-record.json";
import { DEFAULT_CONFIG } from "../snapshot";
import { crmKey, formatSyncRecord, isEchoOrNoOp, parseSyncRecord } from "../sync-record";

describe("sync record (test-vectors/sync-record.json)", () => {
  it.each(vectors.keys.map((v) => [v.name, v] as const))("CRM key: %s", (_name, v) => {
    expect(crmKey(v.row, { ...DEFAULT_CONFIG, ...v.config })).toEqual(v.key);
  });

  it.each(vectors.records.map((v) => [v.name, v] as const))("reads the column: %s", (_name, v) => {
    const r = parseSyncRecord(v.text);
    expect(r === undefined ? null : JSON.parse(JSON.stringify(r))).toEqual(v.record);
  });

  it("writes what it reads back", () => {
    const r = parseSyncRecord(vectors.records[0].text)!;
    expect(formatSyncRecord(r)).toBe(vectors.records[0].text);
  });

  it("a row whose synced columns are what the sync last saw starts no run; any synced change does", () => {
    const row = vectors.keys[0].row;
    const text = formatSyncRecord({ pc: parseSyncRecord(vectors.records[0].text)!.pc, crm: crmKey(row, DEFAULT_CONFIG) });
    expect(isEchoOrNoOp({ ...row, pcs_synchash: text }, DEFAULT_CONFIG)).toBe(true);
    expect(isEchoOrNoOp({ ...row, name: "Contoso Azure migration ✖", pcs_synchash: text }, DEFAULT_CONFIG)).toBe(true);
    expect(isEchoOrNoOp({ ...row, estimatedvalue: 250001, pcs_synchash: text }, DEFAULT_CONFIG)).toBe(false);
    expect(isEchoOrNoOp({ ...row, pcs_synchash: "v2:{}" }, DEFAULT_CONFIG)).toBe(false);
  });
});
