import { primitives } from "../primitives/registry.js";
import type { Analysis } from "./analysis.js";
import { rangeOf } from "./analysis.js";
import {
  describeCallee,
  describeConstant,
  describeFix,
  describeKernel,
  describePrimitive,
} from "./describe.js";
import { wordAt } from "./find.js";
import { ownProcs, prelude, registersOf, threadsOf } from "./names.js";

export interface HoverAnswer {
  readonly contents: { readonly kind: "markdown"; readonly value: string };
  readonly range: ReturnType<typeof rangeOf>;
}

/**
 * Hover on a step, proc or primitive (signature, doc, the C it models and its releases), a fix id
 * (release and title), a kernel version (the fixes it applies), a constant, or `T1:r`.
 */
export function hover(a: Analysis, offset: number): HoverAnswer | undefined {
  const w = wordAt(a.text, offset);
  if (w === undefined) return undefined;
  const value = describeWord(a, w.word, w.span.start);
  return value === undefined
    ? undefined
    : { contents: { kind: "markdown", value }, range: rangeOf(a.lines, w.span) };
}

function describeWord(a: Analysis, word: string, start: number): string | undefined {
  const p = prelude();
  const before = a.text.slice(Math.max(0, start - 16), start);
  // `4.13` anywhere; `kernel 5` (a release written as an integer) after `kernel`.
  if (/^\d+\.\d+(\.\d+)?$/.test(word) || (/^\d+$/.test(word) && /\bkernel\s+$/.test(before)))
    return describeKernel(word, p.fixes.values());
  const fix = p.fixes.get(word);
  if (fix !== undefined) return describeFix(fix);
  // `T1:r`: the register and where its thread assigns it.
  const reg = /([A-Za-z_]\w*):$/.exec(a.text.slice(Math.max(0, start - 64), start));
  if (reg !== null) {
    const thread = threadsOf(a).find((t) => t.name.name === reg[1]);
    const assign = thread && registersOf(thread).find((s) => s.target.name === word);
    if (assign !== undefined) {
      const line = a.lines.position(assign.span.start).line;
      const src = a.lines.lineText(line).trim();
      return `register \`${word}\` of thread \`${reg[1]}\`\n\n\`\`\`tlb\n${src}\n\`\`\`\n\nline ${line}`;
    }
  }
  const callee = describeCallee(word, ownProcs(a), p, a.file);
  if (callee !== undefined) return callee;
  // Primitives only the conditions' lowering uses are still worth a hover in a condition.
  const internal = primitives.get(word);
  if (internal !== undefined) return describePrimitive(internal);
  return describeConstant(word);
}
