import { runScenario, type RunResult } from "../judge/run.js";
import { formatText } from "../report/text.js";
import type { Scenario } from "../semantics/scenario.js";
import { searchAll } from "../explore/run.js";

/** What the run action runs: the whole file, one `expect` line, or one `schedule` block. */
export type RunTarget =
  | { readonly kind: "file" }
  | { readonly kind: "expect"; readonly index: number }
  | { readonly kind: "schedule"; readonly name: string };

/** The run action's answer: one verdict per configuration, and the text `tlbl run` prints. */
export interface RunAnswer {
  readonly results: readonly {
    readonly kernel: string;
    readonly fixes: readonly string[];
    readonly mode: "search" | "schedule";
    readonly verdict: string | null;
    readonly expected: string | null;
    readonly ok: boolean | null;
    readonly complete: boolean;
    readonly states: number;
    readonly schedule: string | null;
  }[];
  /** Errors that stopped a run (a model limit, a schedule that names no thread). */
  readonly errors: readonly string[];
  /** The log blocks, witnesses in per-CPU columns and schedules, uncoloured. */
  readonly text: string;
}

/** A run from the editor stops at a limit rather than hang the server. */
const editorLimits = { timeoutMs: 60_000, maxStates: 5_000_000 };

export async function runInEditor(s: Scenario, target: RunTarget): Promise<RunAnswer> {
  const scenario: Scenario =
    target.kind === "expect" ? { ...s, expects: [s.expects[target.index]!] } : s;
  const schedule =
    target.kind === "schedule" ? s.schedules.find((x) => x.name.name === target.name) : undefined;
  const out = await runScenario(scenario, {
    ...searchAll,
    schedule: schedule?.items,
    ...editorLimits,
  });
  const errors = [...out.diagnostics.map((d) => `${d.code}: ${d.message}`)];
  if (out.modelError) errors.push(`the model is too small for this run: ${out.modelError}`);
  const text = out.results
    .map((r: RunResult) =>
      formatText(r, { color: false, width: 120, quiet: false, fullTrace: false }),
    )
    .join("\n\n");
  return {
    results: out.results.map((r) => ({
      kernel: r.kernel,
      fixes: r.fixOverrides,
      mode: r.mode,
      verdict: r.verdict ?? null,
      expected: r.expected ?? null,
      ok: r.ok ?? null,
      complete: r.complete,
      states: r.states,
      schedule: r.schedule ?? null,
    })),
    errors,
    text: [text, ...errors].filter((x) => x !== "").join("\n\n") + "\n",
  };
}

/** One line for a message box: `kernel 4.12: Sometimes (expected sometimes: ok)`. */
export function summary(a: RunAnswer): string {
  const lines = a.results.map((r) => {
    const fixes = r.fixes.length ? ` with ${r.fixes.join(", ")}` : "";
    const exp =
      r.expected === null
        ? ""
        : ` (expected ${r.expected}: ${r.ok === null ? "undecided" : r.ok ? "ok" : "FAILS"})`;
    return `kernel ${r.kernel}${fixes}: ${r.verdict ?? "undecided"}${exp}`;
  });
  return [...lines, ...a.errors].join("; ");
}
