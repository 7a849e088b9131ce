import type { Machine } from "../model/machine.js";
import { procsRun } from "../model/procs-run.js";
import {
  deviationsOf,
  outOfRange,
  type RangeWarning,
  type Reliance,
} from "../semantics/fidelity.js";
import type { Verdict } from "../syntax/ast.js";

/** What an answer rests on besides the exploration: how faithful the procs it ran are. */
export interface Fidelity {
  /** The procs the executions ran whose release range leaves this kernel out. */
  readonly outOfRange: readonly RangeWarning[];
  /** The behaviour-removing deviations of the procs the executions ran, whatever the verdict. */
  readonly deviations: readonly Reliance[];
  /**
   * With a verdict that claims an absence (Never: no final state satisfies the proposition;
   * Always: none fails it), `deviations`: a kernel path the model lacks could supply the missing
   * final state. Empty otherwise.
   */
  readonly reliesOn: readonly Reliance[];
}

/**
 * The fidelity of one run, judged with `verdict`: the range warnings and deviations of the procs
 * the explored executions ran (`visited`: where the search went, Model.visited), or of every proc
 * `m` inlines at its kernel when that is unknown (a schedule's run: `check`'s view).
 */
export function fidelityOf(
  m: Machine,
  verdict: Verdict | undefined,
  oneExecution: boolean,
  visited: readonly Uint8Array[] | undefined,
): Fidelity {
  const { procs } = m.scenario;
  const ran = visited === undefined ? m.program.procs : procsRun(m.program, visited);
  return withVerdict(
    outOfRange(procs, ran, m.config.release),
    deviationsOf(procs, ran),
    verdict,
    oneExecution,
  );
}

/** A fidelity from its parts: what the verdict relies on follows from the verdict. */
export function withVerdict(
  outOfRange: readonly RangeWarning[],
  deviations: readonly Reliance[],
  verdict: Verdict | undefined,
  oneExecution = false,
): Fidelity {
  const absence = !oneExecution && (verdict === "never" || verdict === "always");
  return { outOfRange, deviations, reliesOn: absence ? deviations : [] };
}
