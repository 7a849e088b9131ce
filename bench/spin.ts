import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import type { Member } from "./family.js";
import { memberName } from "./family.js";
import { measure, type Measured } from "./measure.js";

/**
 * Spin on the same member, as ../shared/bench/spin/run.sh builds and runs it: gen.py's model,
 * `spin -a`, `gcc -O2 -DSAFETY -DMEMLIM=16000 -DNOREDUCE`, `pan -m10000 -wW` (-c0 for a buggy
 * member's full count). gen.py is read from the shared folder; nothing of Spin is copied here.
 */
export interface SpinBuild {
  readonly dir: string;
  readonly buildMs: number;
}

export interface SpinRun {
  readonly states: number;
  readonly transitions: number;
  readonly errors: number;
  readonly panMs: number;
  readonly rssMb: number | undefined;
}

export function buildSpin(m: Member, genPy: string, workDir: string): SpinBuild {
  const dir = join(workDir, `spin-${memberName(m)}`);
  mkdirSync(dir, { recursive: true });
  const gen = spawnSync("python3", [genPy, String(m.n), String(m.k), m.fixed ? "1" : "0"], {
    encoding: "utf8",
  });
  if (gen.status !== 0) throw new Error(`gen.py failed: ${gen.stderr}`);
  writeFileSync(join(dir, "m.pml"), gen.stdout);
  const a = measure("spin", ["-a", "m.pml"], dir);
  const cc = measure(
    "gcc",
    ["-O2", "-DSAFETY", "-DMEMLIM=16000", "-DNOREDUCE", "-o", "pan", "pan.c"],
    dir,
  );
  if (a.status !== 0 || cc.status !== 0)
    throw new Error(`building pan for ${memberName(m)} failed`);
  return { dir, buildMs: a.wallMs + cc.wallMs };
}

/** `pan`: exhaustive (`-c0` keeps going past violations), or until the first violation. */
export function runPan(b: SpinBuild, hashBits: number, exhaustive: boolean): SpinRun {
  const r: Measured = measure(
    "./pan",
    ["-m10000", `-w${hashBits}`, ...(exhaustive ? ["-c0"] : [])],
    b.dir,
  );
  const num = (re: RegExp): number => Number(re.exec(r.stdout)?.[1] ?? NaN);
  return {
    states: num(/(\d+) states, stored/),
    transitions: num(/(\d+) transitions \(= /),
    errors: num(/errors: (\d+)/),
    panMs: r.wallMs,
    rssMb: r.rssMb,
  };
}
