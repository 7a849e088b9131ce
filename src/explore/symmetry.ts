import type { Node, Program, Value } from "../semantics/ir.js";
import type { Machine } from "../model/machine.js";

/**
 * Symmetry reduction over interchangeable threads. Two user threads are interchangeable when
 * their step programs are the same up to the words of memory they access, those words are
 * theirs alone, and the condition is the same once the threads and their words are swapped (the
 * writers E0…E4 of the benchmark, each storing to its own word of one page). Swapping such
 * threads maps executions to executions, so the search stores one state per orbit: the members'
 * views (pc, variables, TLB entries, their words in every frame and on disk) are sorted.
 *
 * Terminal states are kept up to the swap; the condition cannot tell the members apart, so the
 * verdict is the same. Witness paths are mapped back to real threads by the Expander.
 */
export class Symmetry {
  /** Each class: its threads, and for each member the slots of its view, in one order. */
  private constructor(
    private readonly m: Machine,
    private readonly classes: { threads: number[]; views: number[][] }[],
  ) {}

  /** The symmetry of a machine, or undefined when no two threads are interchangeable. */
  static of(m: Machine): Symmetry | undefined {
    const classes = interchangeable(m);
    return classes.length ? new Symmetry(m, classes) : undefined;
  }

  /**
   * Puts a state in canonical form, in place. With `from`, records for every thread where its
   * new contents came from (the identity outside the classes).
   */
  canon(t: Uint32Array, from?: Int32Array): void {
    if (from) for (let i = 0; i < from.length; i++) from[i] = i;
    const R = this.m.runtime;
    for (const c of this.classes) {
      const views = c.views.map((slots) => slots.map((slot) => R.rd(t, slot)));
      const order = views.map((_, i) => i).sort((a, b) => compare(views[a]!, views[b]!) || a - b);
      if (order.every((o, i) => o === i)) continue;
      const slotsOf = c.views;
      order.forEach((src, dst) => {
        const v = views[src]!;
        slotsOf[dst]!.forEach((slot, k) => R.wr(t, slot, v[k]!));
        if (from) from[c.threads[dst]!] = c.threads[src]!;
      });
    }
  }
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Classes of interchangeable threads, with the slots of each member's view. */
function interchangeable(m: Machine): { threads: number[]; views: number[][] }[] {
  const p = m.program;
  const L = m.layout;
  const words = p.threads.map((t) => wordsOf(t.nodes));
  const shape = p.threads.map((t, i) =>
    t.cpu < 0 || t.isAfter || words[i] === undefined ? undefined : programShape(t.nodes, words[i]!),
  );
  // Words used by more than one thread are not anybody's own.
  const users = new Map<number, number>();
  words.forEach((ws) => ws?.forEach((w) => users.set(w, (users.get(w) ?? 0) + 1)));
  const groups = new Map<string, number[]>();
  shape.forEach((s, i) => {
    if (s === undefined || words[i]!.some((w) => users.get(w)! > 1) || rankedThread(p, i)) return;
    groups.set(s, [...(groups.get(s) ?? []), i]);
  });
  const out: { threads: number[]; views: number[][] }[] = [];
  for (const members of groups.values()) {
    if (members.length < 2 || !conditionSymmetric(p, members, words)) continue;
    const views = members.map((th) => viewSlots(m, th, words[th]!));
    if (views.some((v) => v.length !== views[0]!.length)) continue;
    out.push({ threads: members, views });
  }
  return out;
}

/** The words a thread's accesses use, in order of first use; undefined if it names words elsewhere. */
function wordsOf(nodes: readonly Node[]): number[] | undefined {
  const out: number[] = [];
  for (const n of nodes) {
    if (n.k === "access" && !out.includes(n.word)) out.push(n.word);
    if ((n.k === "step" || n.k === "silent") && JSON.stringify(n.ops).includes("word"))
      return undefined;
  }
  return out;
}

/** A thread's program with its words and CPU replaced by their positions: equal shapes swap. */
function programShape(nodes: readonly Node[], words: number[]): string {
  return JSON.stringify(nodes, (key, value: unknown) => {
    if (key === "origin") return undefined;
    if (key === "word" && typeof value === "number") return `w${words.indexOf(value)}`;
    if (key === "cpu") return "cpu";
    return value;
  });
}

function rankedThread(p: Program, th: number): boolean {
  return p.ranks.some((r) => r.thread === th);
}

/** The slots that make up a member's view, in an order every member shares. */
function viewSlots(m: Machine, th: number, words: number[]): number[] {
  const L = m.layout;
  const t = m.program.threads[th]!;
  const out: number[] = [L.pc[th]!];
  for (const v of t.vars) if (L.vars[th]![v.id]! >= 0) out.push(L.vars[th]![v.id]!);
  for (const slot of L.tlb[t.cpu] ?? []) if (slot >= 0) out.push(slot);
  for (const slot of L.covered[t.cpu] ?? []) if (slot >= 0) out.push(slot);
  for (const w of words) {
    for (let f = 0; f < L.nFrames; f++) out.push(L.data + f * L.wordsPerPage + w);
    for (let fp = 0; fp < L.nFpages; fp++) out.push(L.disk + fp * L.wordsPerPage + w);
  }
  for (const slot of [L.ubc[th]!, L.gatherRange[th]!, L.gatherPages[th]!, L.batchRead[th]!])
    if (slot >= 0) out.push(slot);
  // Variables may share slots: keep each slot once, in first-use order.
  return [...new Set(out)];
}

/**
 * Does the condition stay the same when the members swap (with their words)? Checked for every
 * transposition of two members: the condition, its `&&` and `||` operands sorted, must not change.
 */
function conditionSymmetric(
  p: Program,
  members: number[],
  words: (number[] | undefined)[],
): boolean {
  const cond = p.condition;
  if (cond === undefined) return true;
  const canonical = (v: Value): string => {
    switch (v.k) {
      case "bin":
        if (v.op === "&&" || v.op === "||") {
          const parts: string[] = [];
          const flatten = (x: Value): void =>
            x.k === "bin" && x.op === v.op
              ? (flatten(x.a), flatten(x.b))
              : void parts.push(canonical(x));
          flatten(v);
          return `${v.op}(${parts.sort().join(",")})`;
        }
        return `${v.op}(${canonical(v.a)},${canonical(v.b)})`;
      case "call":
        return `${v.name}(${v.args.map(canonical).join(",")})`;
      case "not":
      case "neg":
        return `${v.k}(${canonical(v.a)})`;
      case "field":
        return `${v.field}(${canonical(v.a)})`;
      default:
        return JSON.stringify(v);
    }
  };
  const original = canonical(cond);
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const a = members[i]!;
      const b = members[j]!;
      const wa = words[a]!;
      const wb = words[b]!;
      const swapWord = (w: number): number =>
        wa.includes(w) ? wb[wa.indexOf(w)]! : wb.includes(w) ? wa[wb.indexOf(w)]! : w;
      const swapped = swap(cond, a, b, swapWord);
      if (canonical(swapped) !== original) return false;
    }
  }
  return true;
}

/** The condition with threads a and b exchanged, and their words. */
function swap(v: Value, a: number, b: number, word: (w: number) => number): Value {
  switch (v.k) {
    case "reg":
      return { ...v, thread: v.thread === a ? b : v.thread === b ? a : v.thread };
    case "call": {
      const args = v.args.map((x) => swap(x, a, b, word));
      // The word of a location the condition reads: mem_word(page, word), file_word(fpage, word).
      if ((v.name === "mem_word" || v.name === "file_word") && args[1]?.k === "const") {
        args[1] = { k: "const", v: word(args[1].v) };
      }
      // disk(F[i].w): a file address, page * 8 + word (see faddrCode).
      if (v.name === "disk" && args[0]?.k === "const") {
        args[0] = { k: "const", v: (args[0].v & ~7) | word(args[0].v & 7) };
      }
      if (v.name === "tlb_entry")
        return { ...v, args: [{ k: "const", v: Number.NaN }, ...args.slice(1)] };
      return { ...v, args };
    }
    case "not":
    case "neg":
    case "field":
      return { ...v, a: swap(v.a, a, b, word) };
    case "bin":
      return { ...v, a: swap(v.a, a, b, word), b: swap(v.b, a, b, word) };
    default:
      return v;
  }
}
