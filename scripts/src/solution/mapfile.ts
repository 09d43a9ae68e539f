/**
 * The SolutionPackager mapping file (`/map:` of SolutionPackager, `--map` of `pac solution pack`),
 * read with SolutionPackager's own semantics so that the same source and map pack the same way with
 * our packer and with Microsoft's tools:
 *
 *   <Mapping>
 *     <FileToFile map="WebResources/pcs_/scripts/opportunity.js" to="../../plugins-ts/build/webresources/pcs_/scripts/opportunity.js" />
 *     <FileToPath map="Workflows/*.json" to="../../flows" />
 *     <Folder map="Assets" to="../../assets" />
 *   </Mapping>
 *
 * Rules (Microsoft's "SolutionPackager tool" page, power-platform/alm/solution-packager-tool.md,
 * and SolutionPackagerLib 9.1.1.146 as it behaves under mono):
 * - `map` and `to` are relative to the solution folder (/folder), not to the mapping file:
 *   "Relative paths are always evaluated from the folder specified by the /folder parameter."
 * - %NAME% is replaced by the environment variable (the whole file is expanded before parsing).
 * - Directives apply in file order; the first whose target exists wins. A file that a directive
 *   matches but no directive finds is an error ("Matched file … was not found in any mapping.
 *   Pack operation is aborted."): it is never read from the solution folder instead.
 * - Folder: every file whose folder starts with `map` (case-insensitive string prefix, as
 *   SolutionPackager compares) is read from the same place under `to`.
 * - FileToFile: `map` names one file (a folder ending in ** matches any sub-folder; no folder:
 *   any folder); `to` names the file (a ** folder is searched recursively).
 * - FileToPath: like FileToFile, but the file name may be *.ext or *.*, and `to` is the folder
 *   the same-named file is read from.
 * - Mappings change where files are READ, never which components exist: SolutionPackager finds
 *   components by listing the solution folder itself (Workflows/*.data.xml, WebResources/*.data.xml,
 *   Controls/<name>/ControlManifest.xml …). Only folders that hold no component type (e.g.
 *   environmentvariabledefinitions/) also take files a Folder or FileToFile mapping provides.
 * Stricter than SolutionPackager (which logs "The mapping will be ignored" and goes on): an
 * unknown directive, a missing attribute or a wildcard where none is allowed is an error here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { attr, elements, parseXml } from "./xml";

export interface Mapping {
  kind: "FileToFile" | "Folder" | "FileToPath";
  /** The `map` attribute, forward slashes, relative to the solution folder. */
  map: string;
  /** The `to` attribute, forward slashes, relative to the solution folder. */
  to: string;
  /** Where the directive is, for messages: `<file>:<line>`. */
  at: string;
}

export class MapFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MapFileError";
  }
}

const slashes = (p: string): string => p.replace(/\\/g, "/");
const trimSlash = (p: string): string => p.replace(/\/+$/, "");
const expandEnv = (s: string): string => s.replace(/%([A-Za-z_][A-Za-z0-9_]*)%/g, (m, name: string) => process.env[name] ?? m);

export function readMapFile(file: string): Mapping[] {
  let text: string;
  try {
    text = expandEnv(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new MapFileError(`${file}: cannot read: ${(e as Error).message}`);
  }
  let doc;
  try {
    doc = parseXml(text);
  } catch (e) {
    throw new MapFileError(`${file}: not well-formed XML (SolutionPackager and pac refuse it too): ${(e as Error).message}`);
  }
  if (doc.root.name !== "Mapping") throw new MapFileError(`${file}: root element is <${doc.root.name}>; SolutionPackager expects <Mapping>`);
  const out: Mapping[] = [];
  const lineOf = (name: string, n: number): number => {
    // the n-th start tag of this name, for messages
    let from = 0;
    for (let k = 0; k <= n; k++) from = text.indexOf(`<${name}`, from) + 1;
    return text.slice(0, from).split("\n").length;
  };
  const seen = new Map<string, number>();
  for (const e of elements(doc.root)) {
    const n = seen.get(e.name) ?? 0;
    seen.set(e.name, n + 1);
    const at = `${file}:${lineOf(e.name, n)}`;
    if (e.name !== "FileToFile" && e.name !== "Folder" && e.name !== "FileToPath") throw new MapFileError(`${at}: <${e.name}> is not a mapping directive (use Folder, FileToFile or FileToPath)`);
    const map = attr(e, "map");
    const to = attr(e, "to");
    if (!map?.trim() || !to?.trim()) throw new MapFileError(`${at}: <${e.name}> needs both map="…" and to="…"`);
    const m: Mapping = { kind: e.name, map: trimSlash(slashes(map.trim())), to: trimSlash(slashes(to.trim())), at };
    const mapName = path.posix.basename(m.map);
    const toName = path.posix.basename(m.to);
    if (m.kind === "Folder" && /[*?]/.test(m.map + m.to)) throw new MapFileError(`${at}: a Folder mapping takes no wildcards ("Folder wildcards aren't supported")`);
    if (m.kind === "FileToFile" && /[*?]/.test(mapName + toName)) throw new MapFileError(`${at}: FileToFile names one file on each side ("File name wildcards are not supported")`);
    if (m.kind === "FileToPath" && /[*?]/.test(mapName) && !/^\*\.(\*|[^*?]+)$/.test(mapName)) throw new MapFileError(`${at}: FileToPath file names may only be *.ext or *.* ("No other pattern is supported")`);
    for (const side of [m.kind === "Folder" ? m.map : path.posix.dirname(m.map), m.kind === "FileToFile" ? path.posix.dirname(m.to) : m.to]) {
      const segs = side.split("/");
      if (segs.some((x, k) => x.includes("*") && (x !== "**" || k !== segs.length - 1)))
        throw new MapFileError(`${at}: "**" may only be the last folder of a path ("It can only be used as the final part of a path")`);
    }
    out.push(m);
  }
  return out;
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

const lower = (s: string): string => s.toLowerCase();

/** The result of looking a solution-relative file up in the mappings. */
export type MapResult = { mapped: false } | { mapped: true; found: boolean; path: string; directive: Mapping };

/** One directive, resolved against the solution folder. */
class Directive {
  private readonly mapDir: string;
  private readonly mapDirWildcard: boolean;
  private readonly mapName: string;
  private readonly toPath: string;
  private readonly toWildcard: boolean;

  constructor(
    readonly m: Mapping,
    private readonly root: string,
  ) {
    const [mapDir, mapName] = m.kind === "Folder" ? [m.map, ""] : [path.posix.dirname(m.map) === "." ? "" : path.posix.dirname(m.map), path.posix.basename(m.map)];
    this.mapDirWildcard = mapDir === "**" || mapDir.endsWith("/**");
    this.mapDir = path.resolve(root, mapDir.replace(/\/?\*\*$/, ""));
    this.mapName = mapName;
    const toDir = m.kind === "FileToFile" ? path.posix.dirname(m.to) : m.to;
    this.toWildcard = toDir === "**" || toDir.endsWith("/**");
    const toBase = path.resolve(root, toDir.replace(/\/?\*\*$/, ""));
    this.toPath = m.kind === "FileToFile" ? path.join(toBase, path.posix.basename(m.to)) : toBase;
  }

  /** Where the directive sends `abs` (absolute path inside the solution folder), or undefined when it does not match. */
  target(abs: string): string | undefined {
    const dir = path.dirname(abs);
    const file = path.basename(abs);
    if (this.m.kind === "Folder") {
      if (!lower(dir).startsWith(lower(this.mapDir))) return undefined;
      return this.toPath + abs.slice(this.mapDir.length);
    }
    const folderOk = this.mapDir === this.root ? true : this.mapDirWildcard ? lower(dir).startsWith(lower(this.mapDir)) : lower(dir) === lower(this.mapDir);
    if (!folderOk) return undefined;
    const n = this.mapName;
    const nameOk = n === "*.*" ? true : n.startsWith("*.") ? path.extname(file) === n.slice(1) : lower(file) === lower(n);
    if (!nameOk) return undefined;
    const wanted = this.m.kind === "FileToFile" ? this.toPath : path.join(this.toPath, file);
    if (!this.toWildcard) return wanted;
    // "**" in `to`: the file is searched for anywhere under the folder (first match in name order)
    const base = this.m.kind === "FileToFile" ? path.dirname(this.toPath) : this.toPath;
    const hit = walk(base).sort().find((r) => lower(path.posix.basename(r)) === lower(path.basename(wanted)));
    return hit ? path.join(base, hit) : wanted;
  }

  /** Files this directive adds to folders that hold no component type (SolutionPackager's GetMappedFiles). */
  extraFiles(): Array<{ rel: string; path: string }> {
    if (this.m.kind === "Folder") return walk(this.toPath).map((r) => ({ rel: `${this.m.map}/${r}`, path: path.join(this.toPath, r) }));
    if (this.m.kind === "FileToFile" && !this.toWildcard && isFile(this.toPath)) return [{ rel: this.m.map, path: this.toPath }];
    return [];
  }
}

/** The solution folder as SolutionPackager sees it: its own files, with reads redirected by the mappings. */
export class SourceTree {
  private readonly directives: Directive[];

  constructor(
    readonly root: string,
    readonly mappings: Mapping[] = [],
  ) {
    this.directives = mappings.map((m) => new Directive(m, root));
  }

  /** Looks a solution-relative file up in the mappings (first directive whose target exists wins). */
  map(rel: string): MapResult {
    const abs = path.join(this.root, ...rel.split("/"));
    let first: { path: string; directive: Mapping } | undefined;
    for (const d of this.directives) {
      const t = d.target(abs);
      if (t === undefined) continue;
      if (isFile(t)) return { mapped: true, found: true, path: t, directive: d.m };
      first ??= { path: t, directive: d.m };
    }
    return first ? { mapped: true, found: false, ...first } : { mapped: false };
  }

  /** Where a solution-relative file is read from, and whether it is there. */
  resolve(rel: string): { path: string; found: boolean; mapped: boolean; directive?: Mapping } {
    const m = this.map(rel);
    if (m.mapped) return { path: m.path, found: m.found, mapped: true, directive: m.directive };
    const own = path.join(this.root, ...rel.split("/"));
    return { path: own, found: isFile(own), mapped: false };
  }

  read(rel: string): Uint8Array | undefined {
    const r = this.resolve(rel);
    return r.found ? new Uint8Array(fs.readFileSync(r.path)) : undefined;
  }

  /** The folder's own files under a solution-relative folder (recursive), sorted. Mappings add none. */
  list(relDir = ""): string[] {
    const rel = relDir.replace(/^\/+|\/+$/g, "");
    return walk(path.join(this.root, rel), rel).sort();
  }

  /** Files the mappings add outside the component folders (e.g. a Folder mapping for a data folder). */
  extraFiles(componentFolders: ReadonlySet<string>): Array<{ rel: string; path: string; directive: Mapping }> {
    const out: Array<{ rel: string; path: string; directive: Mapping }> = [];
    for (const d of this.directives) {
      const top = d.m.map.split("/")[0];
      if (componentFolders.has(top)) continue;
      for (const f of d.extraFiles()) out.push({ ...f, directive: d.m });
    }
    return out;
  }

  /** Directives whose `map` lies under a folder (to refuse mappings SolutionPackager ignores). */
  directivesUnder(top: string): Mapping[] {
    return this.mappings.filter((m) => m.map.split("/")[0].toLowerCase() === top.toLowerCase());
  }

  /** Display path for messages: relative to the current directory when shorter. */
  display(p: string): string {
    const rel = path.relative(process.cwd(), p);
    return (rel && !rel.startsWith("..") ? rel : p).replace(/\\/g, "/");
  }
}
