import type { Machine } from "../model/machine.js";
import { resultCodes } from "../primitives/registry.js";
import { enumValues, type Type } from "../primitives/types.js";
import { monitorNames } from "../semantics/monitors.js";

/**
 * One of herd7's outcome lines: a value for each observed location (the machine's
 * `program.observed`, in that order), how many distinct final states show them, and whether the
 * condition's proposition holds there.
 */
export interface Outcome {
  /** Each location's value as herd prints it: `ok`, `segv`, `1`, `null`. */
  readonly values: readonly string[];
  /** The same values as the model's numbers (they order the lines). */
  readonly raw: readonly number[];
  readonly count: number;
  /**
   * The proposition on this line. Every location the condition names is on the line, so it is
   * the same in every final state the line counts.
   */
  readonly holds: boolean;
}

/**
 * The outcomes and monitor findings of an exploration, tallied one distinct final state at a
 * time (`add` is the explorer's final-state observer).
 */
export class OutcomeTally {
  private readonly byValues = new Map<string, { raw: number[]; count: number; holds: boolean }>();
  private readonly fired: Record<string, number> | undefined;

  constructor(private readonly m: Machine) {
    this.fired =
      m.layout.monitor < 0 ? undefined : Object.fromEntries(monitorNames.map((n) => [n, 0]));
  }

  readonly add = (s: Uint32Array, holds: boolean): void => {
    if (this.fired) for (const n of firedIn(this.m, s)) this.fired[n]!++;
    const raw = this.m.observe(s);
    const key = raw.join(",");
    const o = this.byValues.get(key);
    if (o === undefined) this.byValues.set(key, { raw, count: 1, holds });
    else o.count++;
  };

  /** The outcome lines, in the order of their values (numerically, location by location). */
  outcomes(): Outcome[] {
    const types = this.m.program.observed.map((o) => o.type);
    return [...this.byValues.values()]
      .sort((a, b) => compareTuples(a.raw, b.raw))
      .map((o) => ({
        values: o.raw.map((v, i) => valueText(types[i]!, v)),
        raw: o.raw,
        count: o.count,
        holds: o.holds,
      }));
  }

  /** With monitors on: in how many final states each monitor fired (by name). */
  monitors(): Readonly<Record<string, number>> | undefined {
    return this.fired === undefined ? undefined : { ...this.fired };
  }
}

/** The order of outcome lines: by their values, location by location. */
export function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The monitors that fired on the way to a final state. */
function firedIn(m: Machine, s: Uint32Array): string[] {
  if (m.layout.monitor < 0) return [];
  const bits = m.runtime.rd(s, m.layout.monitor);
  return monitorNames.filter((_, code) => bits & (1 << code));
}

const resultNames = new Map<number, string>(
  Object.entries(resultCodes).map(([name, code]) => [code, name]),
);

/** A register's value as herd prints it: a step result by its name (`ok`, `segv`), else the number. */
export function valueName(v: number): string {
  return resultNames.get(v) ?? String(v);
}

/**
 * A value of a type as an outcome line prints it: numbers and step results as {@link valueName};
 * booleans 0 or 1, as herd7 prints every value as a number or a name (its log reader takes
 * `true` for a keyword); the null frame `null`; enums by their word.
 */
export function valueText(type: Type, v: number): string {
  if (type === "bool") return v ? "1" : "0";
  if (type === "frame" && v === 0) return "null";
  const words = enumValues[type];
  if (words !== undefined) return words[v] ?? String(v);
  return valueName(v);
}
