import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { byPosition } from "../diagnostics/diagnostic.js";
import { check, type CheckDepth } from "../semantics/check.js";
import type { Scenario } from "../semantics/scenario.js";
import { parse } from "../syntax/parse.js";
import { loadPrelude } from "./prelude.js";

export interface Loaded {
  readonly file: string;
  readonly text: string | undefined;
  readonly scenario: Scenario | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** About a scenario that checks: W001, a proc reached outside its release range. */
  readonly warnings: readonly Diagnostic[];
}

/** Parses a scenario's text and checks it against the kernel prelude. */
export function checkText(text: string, file: string, depth: CheckDepth = {}): Loaded {
  const parsed = parse(text, file);
  if (parsed.ast === undefined)
    return { file, text, scenario: undefined, diagnostics: parsed.diagnostics, warnings: [] };
  const prelude = loadPrelude();
  if (prelude.diagnostics.length > 0) {
    const first = prelude.diagnostics[0]!;
    throw new Error(`the kernel prelude does not check: ${first.file}: ${first.message}`);
  }
  const r = check(parsed.ast, text, file, prelude, depth);
  return {
    file,
    text,
    scenario: r.scenario,
    diagnostics: [...r.diagnostics].sort(byPosition),
    warnings: [...r.warnings].sort(byPosition),
  };
}
