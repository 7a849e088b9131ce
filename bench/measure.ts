import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** One timed child process: wall time, peak resident memory, its output. */
export interface Measured {
  readonly wallMs: number;
  readonly rssMb: number | undefined;
  readonly stdout: string;
  readonly status: number;
}

const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Runs a command, under GNU time when there is one (for the peak RSS). */
export function measure(cmd: string, args: readonly string[], cwd?: string): Measured {
  const wrapped = gnuTime
    ? ([gnuTime, ["-f", "%M", cmd, ...args]] as const)
    : ([cmd, args] as const);
  const start = process.hrtime.bigint();
  const r = spawnSync(wrapped[0], [...wrapped[1]], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const lastLine = (r.stderr ?? "").trim().split("\n").pop() ?? "";
  const kb = gnuTime && /^\d+$/.test(lastLine) ? Number(lastLine) : undefined;
  return {
    wallMs,
    rssMb: kb === undefined ? undefined : kb / 1024,
    stdout: r.stdout ?? "",
    status: r.status ?? -1,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}
