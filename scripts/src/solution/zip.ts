/**
 * Reproducible zip writing and strict zip reading for solution packages.
 *
 * Writing: entries in the order given, every entry stamped 1980-01-01 00:00:00 (the earliest DOS
 * time, so no clock or time zone leaks into the bytes), deflate level 6, no directory entries
 * (Dataverse exports and System.IO.Packaging write none), forward-slash names.
 * Reading: the central directory is walked by hand so the entry names, their order and any
 * duplicates or backslashes are visible to the checker; contents come from fflate.
 */
import { unzipSync, zipSync, type Zippable } from "fflate";

export interface ZipEntry {
  path: string;
  data: Uint8Array;
}

export class ZipReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipReadError";
  }
}

/** Builds the zip. Same entries in the same order give the same bytes. */
export function writeZip(entries: ZipEntry[]): Uint8Array {
  const seen = new Set<string>();
  const input: Zippable = {};
  // fflate reads the DOS date with local-time getters, so the fixed stamp is built from local parts.
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  for (const e of entries) {
    if (e.path.includes("\\")) throw new Error(`Zip entry "${e.path}" contains a backslash; entries use forward slashes`);
    if (e.path.startsWith("/")) throw new Error(`Zip entry "${e.path}" starts with a slash`);
    if (seen.has(e.path)) throw new Error(`Duplicate zip entry "${e.path}"`);
    seen.add(e.path);
    input[e.path] = [e.data, { level: 6, mtime, os: 0, attrs: 0 }];
  }
  return zipSync(input, { level: 6, mtime });
}

/** Entry names from the central directory, in stored order (duplicates kept). */
export function listZipEntries(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: signature 0x06054b50, searched from the end (comment up to 64 KiB).
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new ZipReadError("not a zip file (no end-of-central-directory record)");
  const count = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let k = 0; k < count; k++) {
    if (off + 46 > buf.length || buf.readUInt32LE(off) !== 0x02014b50) throw new ZipReadError("corrupt zip central directory");
    const flags = buf.readUInt16LE(off + 8);
    const nameLen = buf.readUInt16LE(off + 28);
    const extraLen = buf.readUInt16LE(off + 30);
    const commentLen = buf.readUInt16LE(off + 32);
    const raw = buf.subarray(off + 46, off + 46 + nameLen);
    names.push(flags & 0x800 ? raw.toString("utf8") : raw.toString("latin1"));
    off += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Reads every file entry (directory entries skipped). */
export function readZip(bytes: Uint8Array): { names: string[]; files: Map<string, Uint8Array> } {
  const names = listZipEntries(bytes);
  let content: Record<string, Uint8Array>;
  try {
    content = unzipSync(bytes);
  } catch (e) {
    throw new ZipReadError(`cannot read zip contents: ${(e as Error).message}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const name of names) {
    if (name.endsWith("/") || name.endsWith("\\")) continue;
    const data = content[name];
    if (data !== undefined) files.set(name, data);
  }
  return { names, files };
}
