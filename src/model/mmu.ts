import { PTE, TLBE } from "../primitives/encoding.js";

/**
 * The x86 MMU rules of docs/model.md ("x86 hardware rules", 1 to 5 and 7) as pure functions over
 * the packed PTE and TLB-entry values of encoding.ts, and `emitAccess`, which compiles the same
 * rules into a thread's transition code (codegen.ts). The generated code is the hot path of the
 * search, so the rules are emitted inline rather than called; test/model/mmu.test.ts checks,
 * over every PTE and TLB entry, that the emitted code and the functions agree.
 */

export type AccessKind = "load" | "store";

/** What the MMU sees of one CPU and one page: the CPU's TLB entry (0: none) and the PTE. */
export interface MmuState {
  readonly entry: number;
  readonly pte: number;
}

export interface MmuOptions {
  /** Walks set A only when something reads it (Layout.trackAccessed): fewer distinct states. */
  readonly trackAccessed: boolean;
}

/** How an access went, and the TLB entry and PTE after it. */
export type AccessOutcome =
  | { readonly via: "hit" | "walk"; readonly frame: number; readonly after: MmuState }
  | { readonly via: "fault"; readonly after: MmuState };

/** No TLB entry: what a fault, a flush or an eviction leaves. */
export const NO_ENTRY = 0;

const FULL = TLBE.V | TLBE.W | TLBE.D;

/**
 * Rules 1 and 3: does the access use the TLB entry without the page table? A load uses any
 * valid entry; a store only a writable, dirty one, because a clean entry's D must reach the PTE
 * (SDM Vol. 3A §4.8, §4.10.2.3).
 */
export function hits(entry: number, kind: AccessKind): boolean {
  return kind === "store" ? (entry & FULL) === FULL : (entry & TLBE.V) !== 0;
}

/**
 * Rules 2, 3 and 5: does a walk of this PTE permit the access? It needs P (PROTNONE and
 * migration entries have P=0: not present to the MMU), and W for a store (SDM Vol. 3A §4.7).
 */
export function walkPermits(pte: number, kind: AccessKind): boolean {
  const needed = kind === "store" ? PTE.P | PTE.W : PTE.P;
  return (pte & needed) === needed;
}

/**
 * Rules 2 and 3: the PTE after a permitted walk. The walk sets A, and a store sets D, in one
 * atomic update of the current PTE (SDM Vol. 3A §4.8); A only where the model keeps it.
 */
export function walkedPte(pte: number, kind: AccessKind, opts: MmuOptions): number {
  const accessed = opts.trackAccessed ? PTE.A : 0;
  return pte | accessed | (kind === "store" ? PTE.D : 0);
}

/**
 * Rules 3 and 5: the TLB entry a walk builds from the (walked) PTE: its frame, its W (the AND
 * of R/W over the walk; the model has one level) and its D (SDM Vol. 3A §4.10.2.2). None from a
 * PTE with P=0: "no TLB entry ... is created with information from a paging-structure entry in
 * which the P flag is 0" (SDM Vol. 3A §4.10.4.3).
 */
export function filledEntry(pte: number): number {
  if ((pte & PTE.P) === 0) return NO_ENTRY;
  return (
    TLBE.V |
    (pte & PTE.W ? TLBE.W : 0) |
    (pte & PTE.D ? TLBE.D : 0) |
    (pteFrame(pte) << TLBE.PFN_SHIFT)
  );
}

export function entryFrame(entry: number): number {
  return entry >>> TLBE.PFN_SHIFT;
}

export function pteFrame(pte: number): number {
  return pte >>> PTE.PFN_SHIFT;
}

/**
 * Rules 1 to 5: one access by one CPU, one atomic step. A hit touches neither entry nor PTE. A
 * walk updates the PTE and refills the entry. A fault leaves the PTE alone and drops the entry
 * ("a page-fault exception ... will invalidate ... any TLB entry for that address's page
 * number", SDM Vol. 3A §4.10.4.1); the kernel's fault handler runs next.
 */
export function access(kind: AccessKind, s: MmuState, opts: MmuOptions): AccessOutcome {
  if (hits(s.entry, kind)) return { via: "hit", frame: entryFrame(s.entry), after: s };
  if (!walkPermits(s.pte, kind)) return { via: "fault", after: { entry: NO_ENTRY, pte: s.pte } };
  const pte = walkedPte(s.pte, kind, opts);
  return { via: "walk", frame: pteFrame(s.pte), after: { entry: filledEntry(pte), pte } };
}

/**
 * Rule 7, `option tlb_evict`: "processors ... may invalidate any TLB entry at any time" (SDM Vol.
 * 3A §4.10.2.2). An eviction matters only to the CPU's next access of the page, so it is that
 * access's second alternative: the entry is dropped, then the access misses. Where the access
 * would not hit anyway, the alternative would repeat the first one, and does not exist.
 */
export function evictedAccess(
  kind: AccessKind,
  s: MmuState,
  opts: MmuOptions,
): AccessOutcome | undefined {
  if (!hits(s.entry, kind)) return undefined;
  return access(kind, { entry: NO_ENTRY, pte: s.pte }, opts);
}

// ---- the emitter ---------------------------------------------------------------------------

/** A slot of the packed state as generated code reads and writes it. */
export interface SlotCode {
  /** An expression with the slot's value. */
  readonly read: string;
  /** A statement storing the value of an expression. */
  write(value: string): string;
  /** A statement storing a constant. */
  writeConst(value: number): string;
}

/** One access site of a thread: where the MMU state lives and what happens after each outcome. */
export interface AccessSite {
  readonly kind: AccessKind;
  readonly opts: MmuOptions;
  readonly entry: SlotCode;
  readonly pte: SlotCode;
  /** With `tlb_evict`: the variable selecting the alternative (1: evicted) and the statement
   * that says the alternative does not exist. */
  readonly evict?: { readonly alt: string; readonly none: string };
  /** A fresh local name. */
  fresh(): string;
  /** Statements after a hit; `entry` names the entry used. They must leave the function. */
  hit(entry: string, frame: string): string;
  /** Statements after a walk (PTE and entry already written). They must leave the function. */
  walked(frame: string): string;
  /** Statements after a fault (entry already dropped): the fault handler. */
  fault(): string;
}

/** The code of `access` (and, with `site.evict`, of `evictedAccess`) at one access site. */
export function emitAccess(site: AccessSite): string {
  const { kind, opts } = site;
  const e = site.fresh();
  const x = site.fresh();
  const hit = hitsCode(e, kind);
  const onHit = `if (${hit}) { ${site.hit(e, entryFrameCode(e))} }`;
  // Alternative 1 drops the entry and falls through to the walk; the fault handler after it
  // sees alternative 0, as its own accesses are ordinary ones.
  const hitOrEvict = site.evict
    ? `if (${site.evict.alt} === 0) { ${onHit} } else { if (!(${hit})) ${site.evict.none} ${site.entry.writeConst(NO_ENTRY)} ${site.evict.alt} = 0; }`
    : onHit;
  const newPte = walkedPteCode(x, kind, opts);
  return [
    `const ${e} = ${site.entry.read};`,
    hitOrEvict,
    `const ${x} = ${site.pte.read};`,
    `if (${walkPermitsCode(x, kind)}) { ${newPte === x ? "" : site.pte.write(newPte)} ${site.entry.write(filledEntryCode(x, kind))} ${site.walked(pteFrameCode(x))} }`,
    site.entry.writeConst(NO_ENTRY),
    site.fault(),
  ].join("\n");
}

function hitsCode(e: string, kind: AccessKind): string {
  return kind === "store" ? `(${e} & ${FULL}) === ${FULL}` : `(${e} & ${TLBE.V}) !== 0`;
}

function walkPermitsCode(x: string, kind: AccessKind): string {
  const needed = kind === "store" ? PTE.P | PTE.W : PTE.P;
  return `(${x} & ${needed}) === ${needed}`;
}

/** `x` itself when the walk leaves the PTE as it is (a load, A not kept). */
function walkedPteCode(x: string, kind: AccessKind, opts: MmuOptions): string {
  const set = (opts.trackAccessed ? PTE.A : 0) | (kind === "store" ? PTE.D : 0);
  return set === 0 ? x : `${x} | ${set}`;
}

/** filledEntry(walkedPte(x)) for a PTE the walk permits: a store's entry is writable and dirty. */
function filledEntryCode(x: string, kind: AccessKind): string {
  const frame = `(${pteFrameCode(x)} << ${TLBE.PFN_SHIFT})`;
  if (kind === "store") return `${FULL} | ${frame}`;
  return `${TLBE.V} | ${copyBit(x, PTE.W, TLBE.W)} | ${copyBit(x, PTE.D, TLBE.D)} | ${frame}`;
}

function copyBit(x: string, from: number, to: number): string {
  return from === to ? `(${x} & ${from})` : `((${x} & ${from}) !== 0 ? ${to} : 0)`;
}

function entryFrameCode(e: string): string {
  return `(${e} >>> ${TLBE.PFN_SHIFT})`;
}

function pteFrameCode(x: string): string {
  return `(${x} >>> ${PTE.PFN_SHIFT})`;
}
