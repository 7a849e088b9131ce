import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { LineMap, type Span } from "../diagnostics/span.js";
import { preludeDir } from "../kernel/prelude.js";
import type * as A from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";
import { rangeOf } from "./analysis.js";
import { labelsIn, wordAt } from "./find.js";
import { ownProcs, prelude, preludePath, registersOf, threadsOf } from "./names.js";

/** A place in a file: an absolute path (the server turns it into a URI) and a range. */
export interface Place {
  readonly path: string;
  readonly range: ReturnType<typeof rangeOf>;
}

/**
 * Go to definition: a step or proc call to its proc (the scenario's own, else the prelude's in
 * src/kernel/*.tlb); a primitive to its registry entry; a fix id to its line in fixes.tlb; a
 * schedule's `until LABEL` and a condition's `T1.LABEL` to the label; `T1:r` to the first
 * assignment of r in T1.
 */
export function definition(a: Analysis, offset: number): Place[] {
  const w = wordAt(a.text, offset);
  if (w === undefined) return [];
  const before = a.text.slice(Math.max(0, w.span.start - 80), w.span.start);
  const here = (span: Span): Place => ({ path: a.file, range: rangeOf(a.lines, span) });
  const threads = threadsOf(a);

  const register = /([A-Za-z_]\w*):$/.exec(before);
  if (register !== null) {
    const t = threads.find((x) => x.name.name === register[1]);
    const assign = t && registersOf(t).find((s) => s.target.name === w.word);
    return assign ? [here(assign.target.span)] : [];
  }
  // `T2 until zapped` in a schedule, `T1.moved` in a condition.
  const label = /([A-Za-z_]\w*)\s+until\s+$/.exec(before) ?? /([A-Za-z_]\w*)\.$/.exec(before);
  if (label !== null) {
    const found = labelPlaces(a, label[1]!, w.word);
    if (found.length > 0) return found;
  }
  const own = ownProcs(a).get(w.word);
  if (own !== undefined) return [here(own.decl.name.span)];
  const p = prelude();
  const proc = p.procs.get(w.word);
  if (proc !== undefined) return [placeIn(proc.file, proc.text, proc.decl.name.span)];
  if (p.fixes.has(w.word)) {
    for (const [file, text] of p.sources) {
      const at = text.search(new RegExp(`^fix ${w.word}\\b`, "m"));
      if (at >= 0) return [placeIn(file, text, { start: at + 4, end: at + 4 + w.word.length })];
    }
  }
  return primitivePlace(w.word);
}

function placeIn(file: string, text: string, span: Span): Place {
  return { path: preludePath(file), range: rangeOf(new LineMap(text), span) };
}

/**
 * Where a thread's label is: in the thread's body, else in a proc it may call (the scenario's,
 * then the prelude's: `until zapped` names a label inside the kernel's zap path).
 */
function labelPlaces(a: Analysis, thread: string, name: string): Place[] {
  const t = threadsOf(a).find((x) => x.name.name === thread);
  const inBody = t ? labelsIn(t.body).filter((l) => l.name.name === name) : [];
  if (inBody.length > 0)
    return inBody.map((l) => ({ path: a.file, range: rangeOf(a.lines, l.name.span) }));
  const out: Place[] = [];
  for (const def of ownProcs(a).values())
    for (const l of labelsIn(def.decl.body))
      if (l.name.name === name) out.push({ path: a.file, range: rangeOf(a.lines, l.name.span) });
  if (out.length > 0) return out;
  for (const def of prelude().procs.values())
    for (const l of labelsIn(def.decl.body as A.Block))
      if (l.name.name === name) out.push(placeIn(def.file, def.text, l.name.span));
  return out;
}

/** A primitive's entry in src/primitives/ (present in a source checkout, not in the npm package). */
function primitivePlace(name: string): Place[] {
  const dir = join(dirname(preludeDir()), "primitives");
  if (!existsSync(dir)) return [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith(".ts"))
    .sort()) {
    const path = join(dir, f);
    const text = readFileSync(path, "utf8");
    // Each family is an object literal keyed by the kernel name: `  ptep_get: {`.
    const m = new RegExp(`^(\\s+)${name}: \\{`, "m").exec(text);
    if (m !== null) {
      const start = m.index + m[1]!.length;
      return [{ path, range: rangeOf(new LineMap(text), { start, end: start + name.length }) }];
    }
  }
  return [];
}
