import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Every .tlb file under a folder of the repository, sorted, as paths relative to the root. */
export function tlbFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".tlb")) out.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

export const scenarioFiles = (): string[] => tlbFiles("scenarios");
export const preludeFiles = (): string[] => tlbFiles("src/kernel");

export function readRepoFile(path: string): string {
  return readFileSync(join(root, path), "utf8");
}

/** A deep copy without spans, for comparing trees of different texts. */
export function withoutSpans(x: unknown): unknown {
  return JSON.parse(
    JSON.stringify(x, (k, v: unknown) => (k === "span" || k === "verdictSpan" ? undefined : v)),
  );
}

/** Golden files: compared, or rewritten when TLBL_ACCEPT=1 (`npm run golden:accept`). */
export const accepting = process.env["TLBL_ACCEPT"] === "1";

/**
 * The built CLI run as a user runs it (npm test builds first): no colour, no width from the
 * terminal, from the repository's root unless told.
 */
export function runTlbl(
  args: readonly string[],
  { cwd = root, env = {} }: { cwd?: string; env?: Record<string, string | undefined> } = {},
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "bin/tlbl.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, COLUMNS: undefined, ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
