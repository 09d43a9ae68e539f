/**
 * SolutionPackager-style mapping file: build outputs live in their own projects and are mapped into
 * the solution folder at pack time, so nobody copies built files into solution/src.
 *
 *   <Mapping>
 *     <FileToFile map="WebResources/pcs_/scripts/opportunity.js" to="../plugins-ts/build/webresources/pcs_/scripts/opportunity.js" />
 *     <Folder map="Controls/pcs_PartnerCenterSync.SyncStatus" to="../pcf-controls/SyncStatus/out/controls/SyncStatus" />
 *     <FileToPath map="WebResources/pcs_/images/*.svg" to="../assets/images" />
 *   </Mapping>
 *
 * `map` is a path inside the solution folder; `to` is resolved against the directory holding the
 * mapping file. Either slash works. A mapped file shadows a file of the same path in the folder;
 * a mapped folder adds its files to the folder (and shadows same-named ones).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { attr, elements, parseXml } from "./xml";

export interface Mapping {
  kind: "FileToFile" | "Folder" | "FileToPath";
  /** Path inside the solution folder, forward slashes, no leading or trailing slash. */
  map: string;
  /** Absolute path on disk. */
  to: string;
}

export class MapFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MapFileError";
  }
}

const norm = (p: string): string => p.replace(/\\/g, "/").replace(/^\.\//, "").replace(/^\/+|\/+$/g, "");

export function readMapFile(file: string): Mapping[] {
  let doc;
  try {
    doc = parseXml(fs.readFileSync(file));
  } catch (e) {
    throw new MapFileError(`${file}: ${(e as Error).message}`);
  }
  if (doc.root.name !== "Mapping") throw new MapFileError(`${file}: root element is <${doc.root.name}>, expected <Mapping>`);
  const base = path.dirname(path.resolve(file));
  const out: Mapping[] = [];
  for (const e of elements(doc.root)) {
    if (e.name !== "FileToFile" && e.name !== "Folder" && e.name !== "FileToPath") {
      throw new MapFileError(`${file}: <${e.name}> is not a mapping element (use FileToFile, Folder or FileToPath)`);
    }
    const map = attr(e, "map");
    const to = attr(e, "to");
    if (!map || !to) throw new MapFileError(`${file}: <${e.name}> needs both map="…" and to="…"`);
    out.push({ kind: e.name, map: norm(map), to: path.resolve(base, to.replace(/\\/g, "/")) });
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        re += ".*";
        i++;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, prefix = ""): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const d of entries) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...walk(path.join(dir, d.name), rel));
    else if (d.isFile()) out.push(rel);
  }
  return out;
}

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The solution folder as the packer sees it: the folder's own files overlaid with the mappings. */
export class SourceTree {
  constructor(
    readonly root: string,
    readonly mappings: Mapping[] = [],
  ) {}

  /**
   * Where a solution-relative file really is. `found` is false when a mapping names it but the
   * mapped file does not exist (an output that has not been built): `path` is then where it was expected.
   */
  resolve(rel: string): { path: string; found: boolean; mapped: boolean } {
    rel = norm(rel);
    for (const m of this.mappings) {
      if (m.kind === "FileToFile" && m.map === rel) return { path: m.to, found: isFile(m.to), mapped: true };
    }
    const folders = this.mappings.filter((m) => m.kind === "Folder" && (rel === m.map || rel.startsWith(m.map + "/"))).sort((a, b) => b.map.length - a.map.length);
    for (const m of folders) {
      const p = path.join(m.to, rel.slice(m.map.length + 1));
      if (isFile(p)) return { path: p, found: true, mapped: true };
    }
    for (const m of this.mappings) {
      if (m.kind === "FileToPath" && globToRegExp(m.map).test(rel)) {
        const p = path.join(m.to, path.posix.basename(rel));
        if (isFile(p)) return { path: p, found: true, mapped: true };
      }
    }
    const own = path.join(this.root, rel);
    if (isFile(own)) return { path: own, found: true, mapped: false };
    if (folders.length > 0) return { path: path.join(folders[0].to, rel.slice(folders[0].map.length + 1)), found: false, mapped: true };
    return { path: own, found: false, mapped: false };
  }

  read(rel: string): Uint8Array | undefined {
    const r = this.resolve(rel);
    return r.found ? new Uint8Array(fs.readFileSync(r.path)) : undefined;
  }

  /** Every file under a solution-relative folder (recursive), own and mapped, sorted. */
  list(relDir: string): string[] {
    relDir = norm(relDir);
    const set = new Set<string>();
    const under = (p: string): boolean => relDir === "" || p === relDir || p.startsWith(relDir + "/");
    for (const f of walk(path.join(this.root, relDir))) set.add(relDir ? `${relDir}/${f}` : f);
    for (const m of this.mappings) {
      if (m.kind === "Folder") {
        if (under(m.map)) for (const f of walk(m.to)) set.add(`${m.map}/${f}`);
        else if (relDir.startsWith(m.map + "/")) {
          const sub = relDir.slice(m.map.length + 1);
          for (const f of walk(path.join(m.to, sub))) set.add(`${relDir}/${f}`);
        }
      } else if (m.kind === "FileToFile") {
        if (under(m.map) && isFile(m.to)) set.add(m.map);
      }
    }
    return [...set].sort();
  }

  /** Display path for messages: relative to the current directory when shorter. */
  display(p: string): string {
    const rel = path.relative(process.cwd(), p);
    return (rel && !rel.startsWith("..") ? rel : p).replace(/\\/g, "/");
  }
}
