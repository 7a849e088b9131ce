import type { Fidelity } from "../judge/fidelity.js";
import { rangeWarningText } from "../semantics/fidelity.js";

/**
 * What a run's answer rests on, one line each: a proc run outside its release range, and the
 * behaviour-removing deviations a Never or Always relies on. tlbl's own lines: herd7's log
 * readers skip lines they do not know.
 */
export function fidelityLines(f: Fidelity): string[] {
  return [
    ...f.outOfRange.map((w) => `Warning: ${rangeWarningText(w)}`),
    ...f.reliesOn.map((r) => `Relies on: ${r.proc}: ${r.reason}`),
  ];
}

/** The same, for `run --json` and `merge --json`. */
export function fidelityJson(f: Fidelity): Record<string, unknown> {
  return {
    outOfRange: f.outOfRange.map((w) => ({
      proc: w.proc,
      follows: w.follows,
      kernel: w.release,
      file: w.file,
    })),
    reliesOn: f.reliesOn.map((r) => ({ proc: r.proc, reason: r.reason })),
  };
}
