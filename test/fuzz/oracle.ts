import { checkText } from "../../src/kernel/load.js";
import { formatTlb } from "../../src/format/format.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { parse } from "../../src/syntax/parse.js";
import { LineMap } from "../../src/diagnostics/span.js";
import { withoutSpans } from "../helpers.js";

/** What went wrong with one input; `undefined` from `examine` means nothing did. */
export interface Failure {
  readonly kind:
    | "crash"
    | "format-crash"
    | "ast-change"
    | "not-idempotent"
    | "lost-comment"
    | "slow"
    | "model-crash"
    | "model-hang"
    | "model-memory";
  readonly detail: string;
}

export interface Examined {
  /** Did the input parse (so that the formatter ran on it)? */
  readonly parsed: boolean;
  /** Did the checker run and pass it (so that the model may run on it)? */
  readonly checked: boolean;
  readonly failure: Failure | undefined;
}

/**
 * parse → check → format → parse (same AST, spans aside) → format (no change), every comment
 * kept. Only our own bugs throw, so any exception is a failure; a bad input is fine as long as
 * its diagnostics render.
 */
export async function examine(
  text: string,
  o: { readonly check?: boolean; readonly slowMs?: number | undefined } = {},
): Promise<Examined> {
  const started = performance.now();
  let parsed;
  let checked = false;
  try {
    parsed = parse(text, "f.tlb");
    const lines = new LineMap(text);
    for (const d of parsed.diagnostics) renderDiagnostic(d, lines, { color: false });
    if (o.check !== false) {
      const loaded = checkText(text, "f.tlb");
      for (const d of loaded.diagnostics)
        if (d.file === "f.tlb") renderDiagnostic(d, lines, { color: false });
      checked = loaded.scenario !== undefined;
    }
  } catch (e) {
    return { parsed: false, checked, failure: { kind: "crash", detail: describe(e) } };
  }
  const ok = parsed.ast !== undefined;
  const failure = ok ? await formatting(text, parsed.ast) : undefined;
  if (failure !== undefined) return { parsed: ok, checked, failure };
  const ms = performance.now() - started;
  const slow = ms > (o.slowMs ?? 2000);
  return {
    parsed: ok,
    checked,
    failure: slow ? { kind: "slow", detail: `${Math.round(ms)} ms` } : undefined,
  };
}

async function formatting(text: string, ast: unknown): Promise<Failure | undefined> {
  let once: string;
  let twice: string;
  try {
    once = await formatTlb(text, "f.tlb");
  } catch (e) {
    return { kind: "format-crash", detail: describe(e) };
  }
  const reparsed = parse(once, "f.tlb");
  if (reparsed.ast === undefined)
    return { kind: "ast-change", detail: `output does not parse:\n${once}` };
  const before = JSON.stringify(withoutSpans(ast));
  const after = JSON.stringify(withoutSpans(reparsed.ast));
  if (before !== after) return { kind: "ast-change", detail: `output:\n${once}` };
  for (const c of parse(text, "f.tlb").comments) {
    const body = c.image.trimEnd().replace(/\r\n?/g, "\n");
    if (!once.includes(body)) return { kind: "lost-comment", detail: `${body}\noutput:\n${once}` };
  }
  try {
    twice = await formatTlb(once, "f.tlb");
  } catch (e) {
    return { kind: "format-crash", detail: `on its own output: ${describe(e)}` };
  }
  if (twice !== once) return { kind: "not-idempotent", detail: `once:\n${once}\ntwice:\n${twice}` };
  return undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e);
}
