/** Shared CLI plumbing: repository root, argument parsing, output sink (injectable for tests). */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
};

/** The repository root: the nearest folder up from here whose package.json has workspaces. */
export function repoRoot(from = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, "utf8")).workspaces) return dir;
      } catch {
        // keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error("cannot find the repository root (a package.json with workspaces)");
    dir = up;
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses `--flag value`, `--flag=value` and boolean `--flag` options; the rest are positionals. */
export function parseArgs(argv: string[], spec: { values?: string[]; flags?: string[] }): { opts: Record<string, string | boolean>; positionals: string[] } {
  const opts: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (spec.values?.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
      opts[name] = v;
    } else if (spec.flags?.includes(name) && eq < 0) opts[name] = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  return { opts, positionals };
}

export const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

/** A path the user typed: npm runs scripts from the package root, so resolve against INIT_CWD. */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
