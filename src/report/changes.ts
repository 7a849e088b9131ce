import { valueName } from "../judge/outcomes.js";
import { describePte, describeTlbEntry, PAGE, VMA } from "../primitives/encoding.js";
import type { Machine } from "../model/machine.js";
import type { Slot } from "../model/layout.js";
import { monitorNames } from "../semantics/monitors.js";

/** One state change of a step, in kernel words: `PTE X: P|W|D frame 1 → none`. */
export interface Change {
  readonly kind: string;
  readonly text: string;
}

/** Kinds of state a trace shows by default: what the races are about. */
const shown = new Set([
  "pte",
  "swap_map",
  "folio",
  "ksm",
  "tlb",
  "flags",
  "data",
  "disk",
  "cache",
  "i_size",
  "vma",
  "mm",
  "register",
  "monitor",
]);

/** A frame in words: the zero page is named, not numbered (its number is nFrames + 1). */
const frameNamer =
  (m: Machine) =>
  (f: number): string =>
    f === 0 ? "no frame" : f === m.layout.zeroFrame ? "the zero page" : `frame ${f}`;

/** The changes between two states, in slot order. */
export function changesBetween(
  m: Machine,
  before: Uint32Array,
  after: Uint32Array,
  all = false,
): Change[] {
  const out: Change[] = [];
  const R = m.runtime;
  m.layout.slots.forEach((slot, i) => {
    const a = R.rd(before, i);
    const b = R.rd(after, i);
    if (a === b) return;
    const kind = slot.kind === "var" ? (registerName(m, i) ? "register" : "var") : slot.kind;
    if (!all && !shown.has(kind)) return;
    out.push({ kind, text: describe(m, kind, slot, i, a - slot.bias, b - slot.bias) });
  });
  return out;
}

function registerName(m: Machine, slot: number): string | undefined {
  for (const [tid, t] of m.program.threads.entries()) {
    for (const v of t.vars)
      if (v.isRegister && m.layout.vars[tid]![v.id] === slot) return `${t.name}:${v.name}`;
  }
  return undefined;
}

function describe(
  m: Machine,
  kind: string,
  slot: Slot,
  index: number,
  a: number,
  b: number,
): string {
  const name = slot.name;
  const frameName = frameNamer(m);
  switch (kind) {
    case "pte": {
      const slotName = (fp: number): string => m.layout.fpageNames[fp] ?? `slot ${fp}`;
      return `${name}: ${describePte(a, frameName, slotName)} → ${describePte(b, frameName, slotName)}`;
    }
    case "tlb":
      return `${name}: ${describeTlbEntry(a, frameName)} → ${describeTlbEntry(b, frameName)}`;
    case "flags": {
      const frame = frameName(slot.of.frame!);
      const parts: string[] = [];
      if ((a ^ b) & PAGE.DIRTY)
        parts.push(`PG_dirty(${frame}) ${b & PAGE.DIRTY ? "set" : "cleared"}`);
      if ((a ^ b) & PAGE.ANON)
        parts.push(`${frame} ${b & PAGE.ANON ? "anonymous" : "no longer anonymous"}`);
      if (b & ~a & PAGE.COPIED) parts.push(`${frame} copied away: a store to it now is lost`);
      if ((a ^ b) & PAGE.LAZYFREE)
        parts.push(`${frame} ${b & PAGE.LAZYFREE ? "lazyfree (!PG_swapbacked)" : "swap-backed"}`);
      if ((a ^ b) & PAGE.ISOLATED)
        parts.push(`${frame} ${b & PAGE.ISOLATED ? "isolated from the LRU" : "back on the LRU"}`);
      if ((a ^ b) & PAGE.BATCH_LRU)
        parts.push(
          `${frame} ${b & PAGE.BATCH_LRU ? "off the LRU (in a batch)" : "back on the LRU"}`,
        );
      m.layout.lruBatchBit.forEach((bit, tid) => {
        if (bit === 0 || ((a ^ b) & bit) === 0) return;
        const batch = `${m.program.threads[tid]!.name}'s lru_lazyfree batch`;
        parts.push(b & bit ? `${frame} in ${batch}` : `${frame} drained from ${batch}`);
      });
      return parts.join(", ");
    }
    case "monitor": {
      const parts: string[] = [];
      monitorNames.forEach((n, code) => {
        if (b & ~a & (1 << code)) parts.push(`MONITOR ${n} fired`);
      });
      return parts.join(", ");
    }
    case "data":
    case "disk":
      return `${name}: ${m.runtime.wordValue(a)} → ${m.runtime.wordValue(b)}`;
    case "cache": {
      const fpage = m.layout.fpageNames[slot.of.fpage!]!;
      if (m.runtime.isSwapSlot(slot.of.fpage!))
        return b === 0
          ? `${fpage} dropped from the swap cache`
          : `${fpage} in the swap cache as ${frameName(b)}`;
      return b === 0
        ? `${fpage} dropped from the page cache`
        : `${fpage} cached in ${frameName(b)}`;
    }
    case "i_size": {
      const fpage = m.layout.fpageNames[slot.of.fpage!]!;
      return b === 1 ? `${fpage} now beyond i_size` : `${fpage} within i_size again`;
    }
    case "folio": {
      const frame = frameName(slot.of.frame!);
      return b === 0 ? `${frame} split off its folio` : `${frame} in the folio of ${frameName(b)}`;
    }
    case "ksm":
      return b === 1
        ? `${frameName(slot.of.frame!)} is a KSM page`
        : `${frameName(slot.of.frame!)} no longer a KSM page`;
    case "vma":
      return `${name}: ${describeVma(m, a)} → ${describeVma(m, b)}`;
    case "register":
      return `${registerName(m, index)} = ${valueName(b)}`;
    default:
      return `${name}: ${a} → ${b}`;
  }
}

function describeVma(m: Machine, v: number): string {
  if (v === 0) return "none";
  const prot = v & VMA.WRITE ? "rw" : v & VMA.READ ? "r" : "none";
  const fpage = v >>> VMA.FPAGE_SHIFT;
  const backing = v & VMA.ANON ? "anon" : (m.universe.fpages[fpage]?.name ?? "?");
  const detached = v & VMA.VALID ? "" : " detached"; // out of the mm's tree, still in the rmap trees
  return `${backing} ${v & VMA.SHARED ? "shared" : "private"} ${prot}${v & VMA.UFFD_WP ? " uffd-wp" : ""}${detached}`;
}
