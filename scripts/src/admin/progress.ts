/**
 * Progress on the terminal for the long steps (the import, turning flows on, reading every referral):
 * on a terminal one line redrawn in place, "Importing the solution  [█████░░░░░]  48%  (applying
 * customizations)"; elsewhere (CI logs, tests, pipes) only the start and the end, so logs stay short.
 */
export interface ProgressOutput {
  /** Writes raw text (no newline added). */
  write(text: string): void;
  /** True when the output is a terminal that can redraw a line. */
  isTTY: boolean;
}

export interface Progress {
  /** fraction in 0..1; note is a few words about what is happening. */
  update(fraction: number, note?: string): void;
  /** Ends the bar with a final line. */
  done(line: string): void;
}

const WIDTH = 24;

export function bar(fraction: number): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * WIDTH);
  return `[${"█".repeat(full)}${"░".repeat(WIDTH - full)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

export function progress(out: ProgressOutput | undefined, label: string): Progress {
  if (!out) return { update: () => undefined, done: () => undefined };
  let last = "";
  if (!out.isTTY) out.write(`${label}…\n`);
  return {
    update: (fraction, note) => {
      if (!out.isTTY) return;
      const line = `${label}  ${bar(fraction)}${note ? `  ${note}` : ""}`;
      if (line === last) return;
      last = line;
      out.write(`\r\x1b[2K${line}`);
    },
    done: (line) => {
      out.write(out.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}

/** The process's stderr as a progress output (stdout stays for the report and --json). */
export const stderrProgress: ProgressOutput = {
  write: (t) => process.stderr.write(t),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
};
