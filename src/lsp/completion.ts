import type { CompletionItemKind } from "vscode-languageserver/node";
import { builtins } from "../primitives/registry.js";
import { enumValues } from "../primitives/types.js";
import { knownReleases } from "../semantics/kernel-versions.js";
import { knownOptions } from "../semantics/options.js";
import { reservedWords, stepNames } from "../syntax/keywords.js";
import type { Analysis } from "./analysis.js";
import { describeFix, describePrimitive, describeProc, procSignature } from "./describe.js";
import { labelsIn } from "./find.js";
import { ownProcs, prelude, registersOf, threadsOf } from "./names.js";

/** LSP CompletionItemKind values used here. */
const Kind = {
  function: 3,
  variable: 6,
  keyword: 14,
  value: 12,
  constant: 21,
  event: 23,
  reference: 18,
} as const satisfies Record<string, CompletionItemKind>;

export interface Item {
  readonly label: string;
  readonly kind: CompletionItemKind;
  readonly detail?: string;
  readonly documentation?: { readonly kind: "markdown"; readonly value: string };
  readonly sortText?: string;
}

const md = (value: string): Item["documentation"] => ({ kind: "markdown", value });

/**
 * Completion from what the line says before the cursor: a release after `kernel`, a fix id after
 * `fix` or `fixed(`, a label after `until`, a register after `T1:`, an option after `option`;
 * elsewhere steps, procs, primitives, registers, constants and keywords. `a` may be the last
 * version of the document that parsed (a half-typed word rarely parses).
 */
export function completion(a: Analysis, lineBefore: string): Item[] {
  const p = prelude();
  if (/\bkernel\s+[\d.]*$/.test(lineBefore))
    return [...knownReleases].reverse().map((v, i) => ({
      label: v,
      kind: Kind.value,
      detail: `kernel ${v}`,
      sortText: String(i).padStart(3, "0"),
    }));
  if (/\bfix(?:ed\s*\(\s*|\s+)[\w<"]*$/.test(lineBefore))
    return [...p.fixes.values()].map((f) => ({
      label: f.commit.startsWith("<") ? `"${f.commit}"` : f.commit,
      kind: Kind.reference,
      detail: `${f.release}: ${f.title}`,
      documentation: md(describeFix(f)),
    }));
  const until = /\b([A-Za-z_]\w*)\s+until\s+\w*$/.exec(lineBefore);
  if (until !== null) return labelItems(a, until[1]!);
  const reg = /\b([A-Za-z_]\w*):\w*$/.exec(lineBefore);
  if (reg !== null) {
    const t = threadsOf(a).find((x) => x.name.name === reg[1]);
    return (t ? registersOf(t) : []).map((s) => ({
      label: s.target.name,
      kind: Kind.variable,
      detail: `register of ${reg[1]}`,
    }));
  }
  if (/\boption\s+\w*$/.test(lineBefore))
    return Object.entries(knownOptions).map(([k, doc]) => ({
      label: k,
      kind: Kind.keyword,
      detail: doc,
    }));

  const items = new Map<string, Item>();
  const add = (i: Item): void => {
    if (!items.has(i.label)) items.set(i.label, i);
  };
  for (const [name, def] of ownProcs(a))
    add({
      label: name,
      kind: Kind.function,
      detail: procSignature(def.decl),
      documentation: md(describeProc(def, "scenario")),
      sortText: `0${name}`,
    });
  for (const name of stepNames) {
    const def = p.procs.get(name);
    add({
      label: name,
      kind: Kind.function,
      detail: def ? procSignature(def.decl) : `${name} (instruction)`,
      documentation: def ? md(describeProc(def, "prelude")) : undefined,
      sortText: `1${name}`,
    });
  }
  for (const [name, def] of p.procs)
    add({
      label: name,
      kind: Kind.function,
      detail: procSignature(def.decl),
      documentation: md(describeProc(def, "prelude")),
      sortText: `2${name}`,
    });
  for (const [name, b] of Object.entries(builtins))
    add({
      label: name,
      kind: Kind.function,
      detail: b.doc,
      documentation: md(describePrimitive(b)),
      sortText: `3${name}`,
    });
  for (const t of threadsOf(a))
    for (const s of registersOf(t)) {
      add({
        label: `${t.name.name}:${s.target.name}`,
        kind: Kind.variable,
        detail: `register of ${t.name.name}`,
        sortText: `4${t.name.name}`,
      });
      add({
        label: s.target.name,
        kind: Kind.variable,
        detail: `register of ${t.name.name}`,
        sortText: `4${s.target.name}`,
      });
    }
  for (const values of Object.values(enumValues))
    for (const v of values ?? []) add({ label: v, kind: Kind.constant, sortText: `5${v}` });
  for (const c of ["ok", "segv", "sigbus", "null"])
    add({ label: c, kind: Kind.constant, sortText: `5${c}` });
  for (const k of reservedWords) add({ label: k, kind: Kind.keyword, sortText: `6${k}` });
  return [...items.values()];
}

/** The labels a schedule item `T until …` may name: the thread's own, then its procs'. */
function labelItems(a: Analysis, thread: string): Item[] {
  const out = new Map<string, Item>();
  const t = threadsOf(a).find((x) => x.name.name === thread);
  for (const l of t ? labelsIn(t.body) : [])
    out.set(l.name.name, {
      label: l.name.name,
      kind: Kind.event,
      detail: `label in ${thread}`,
      sortText: `0${l.name.name}`,
    });
  for (const [name, def] of ownProcs(a))
    for (const l of labelsIn(def.decl.body))
      out.has(l.name.name) ||
        out.set(l.name.name, {
          label: l.name.name,
          kind: Kind.event,
          detail: `label in proc ${name}`,
          sortText: `1${l.name.name}`,
        });
  for (const [name, def] of prelude().procs)
    for (const l of labelsIn(def.decl.body))
      out.has(l.name.name) ||
        out.set(l.name.name, {
          label: l.name.name,
          kind: Kind.event,
          detail: `label in ${name} (${def.file})`,
          sortText: `2${l.name.name}`,
        });
  return [...out.values()];
}
