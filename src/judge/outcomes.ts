import type { Machine } from "../model/machine.js";
import { resultCodes } from "../primitives/registry.js";
import { monitorNames } from "../semantics/monitors.js";

/** One of herd7's outcome lines: the final register values, and how many final states show them. */
export interface Outcome {
  readonly text: string;
  readonly count: number;
  /** The condition's proposition in the first final state found with these values. */
  readonly holds: boolean;
}

/**
 * The outcomes and monitor findings of an exploration, tallied one distinct final state at a
 * time (`add` is the explorer's final-state observer).
 */
export class OutcomeTally {
  private readonly byText = new Map<string, { count: number; holds: boolean }>();
  private readonly fired: Record<string, number> | undefined;
  private readonly registers: readonly { name: string; slot: number; bias: number }[];

  constructor(private readonly m: Machine) {
    this.fired =
      m.layout.monitor < 0 ? undefined : Object.fromEntries(monitorNames.map((n) => [n, 0]));
    this.registers = registersOf(m);
  }

  readonly add = (s: Uint32Array, holds: boolean): void => {
    const fired = firedIn(this.m, s);
    if (this.fired) for (const n of fired) this.fired[n]!++;
    const regs = this.registers.map(
      (x) => `${x.name}=${valueName(this.m.runtime.rd(s, x.slot) - x.bias)};`,
    );
    const text = [...regs, ...(fired.length ? [`fired: ${fired.join(", ")}`] : [])].join(" ");
    const o = this.byText.get(text) ?? { count: 0, holds };
    o.count++;
    this.byText.set(text, o);
  };

  /** The outcome lines, sorted by their text. */
  outcomes(): Outcome[] {
    return [...this.byText]
      .map(([text, o]) => ({ text, ...o }))
      .sort((a, b) => a.text.localeCompare(b.text));
  }

  /** With monitors on: in how many final states each monitor fired (by name). */
  monitors(): Readonly<Record<string, number>> | undefined {
    return this.fired === undefined ? undefined : { ...this.fired };
  }
}

/** The monitors that fired on the way to a final state. */
function firedIn(m: Machine, s: Uint32Array): string[] {
  if (m.layout.monitor < 0) return [];
  const bits = m.runtime.rd(s, m.layout.monitor);
  return monitorNames.filter((_, code) => bits & (1 << code));
}

/** Registers of every thread, for the outcome lines. */
function registersOf(m: Machine): { name: string; slot: number; bias: number }[] {
  return m.program.threads.flatMap((t, tid) =>
    t.vars
      .filter((v) => v.isRegister)
      .map((v) => {
        const slot = m.layout.vars[tid]![v.id]!;
        return { name: `${t.name}:${v.name}`, slot, bias: m.layout.slots[slot]!.bias };
      }),
  );
}

const resultNames = new Map<number, string>(
  Object.entries(resultCodes).map(([name, code]) => [code, name]),
);

/** A register's value as herd prints it: a step result by its name (`ok`, `segv`), else the number. */
export function valueName(v: number): string {
  return resultNames.get(v) ?? String(v);
}
