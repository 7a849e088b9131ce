import type { Scenario } from "./scenario.js";
import type { Value } from "./ir.js";
import { enumValues } from "../primitives/types.js";

/**
 * The built-in monitors (docs/model.md, Monitors) run when a scenario has no condition, or when
 * its condition names one with `fired(…)`: they cost state, so other scenarios go without.
 */
export function monitorsOn(s: Scenario): boolean {
  if (s.condition === undefined) return true;
  for (const r of s.resolved.values()) if (r.kind === "builtin" && r.name === "fired") return true;
  return false;
}

/** The monitors, in the order of their codes. */
export const monitorNames: readonly string[] = enumValues.monitor!;

/** The condition of a scenario that has none: some monitor fired. */
export function anyMonitorFired(): Value {
  return monitorNames
    .map((_, code): Value => ({ k: "call", name: "fired", args: [{ k: "const", v: code }] }))
    .reduce((a, b) => ({ k: "bin", op: "||", a, b }));
}

/** How reports print that condition. */
export const anyMonitorText = `exists (${monitorNames.map((n) => `fired(${n})`).join(" || ")})`;
