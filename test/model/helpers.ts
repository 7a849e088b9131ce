import { expect } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { runScenario, type RunResult } from "../../src/judge/run.js";
import { buildMachine, type Machine } from "../../src/model/machine.js";
import { fixesFor } from "../../src/semantics/kernel-versions.js";
import type { Scenario } from "../../src/semantics/scenario.js";

export function scenarioOf(text: string, file = "t.tlb"): Scenario {
  const r = checkText(text, file);
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.scenario!;
}

export function machineOf(text: string, release = "6.18"): Machine {
  const s = scenarioOf(text);
  const built = buildMachine(s, { release, fixes: fixesFor(release, s.fixes.values()) });
  expect(built.diagnostics).toEqual([]);
  return built.machine!;
}

/** Runs the search on every expectation of a scenario text (or one kernel). */
export async function judge(text: string, kernels: string[] = []): Promise<RunResult[]> {
  const s = scenarioOf(text);
  const out = await runScenario(s, { kernels, fixes: [], schedule: undefined, order: "bfs" });
  expect(out.diagnostics).toEqual([]);
  return out.results;
}

/** The verdict of the only run of a scenario text. */
export async function verdict(text: string, kernel = "6.18"): Promise<string | undefined> {
  const [r] = await judge(text, [kernel]);
  return r!.verdict;
}
