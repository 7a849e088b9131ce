import type { Machine } from "../model/machine.js";
import {
  deviationsOf,
  outOfRange,
  type RangeWarning,
  type Reliance,
} from "../semantics/fidelity.js";
import type { Verdict } from "../syntax/ast.js";

/** What an answer rests on besides the exploration: how faithful the procs it ran are. */
export interface Fidelity {
  /** The procs run whose release range leaves this kernel out. */
  readonly outOfRange: readonly RangeWarning[];
  /** The behaviour-removing deviations of the procs run, whatever the verdict. */
  readonly deviations: readonly Reliance[];
  /**
   * With a verdict that claims an absence (Never: no final state satisfies the proposition;
   * Always: none fails it), `deviations`: a kernel path the model lacks could supply the missing
   * final state. Empty otherwise.
   */
  readonly reliesOn: readonly Reliance[];
}

/** The fidelity of one run: `m`'s procs (inlined at its kernel), judged with `verdict`. */
export function fidelityOf(
  m: Machine,
  verdict: Verdict | undefined,
  oneExecution: boolean,
): Fidelity {
  const { procs } = m.scenario;
  const reached = m.program.procs;
  return withVerdict(
    outOfRange(procs, reached, m.config.release),
    deviationsOf(procs, reached),
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
