import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Budget } from "../semantics/budget.js";
import type { Program } from "../semantics/ir.js";
import type * as A from "../syntax/ast.js";
import { lower, type KernelConfig } from "../semantics/lower.js";
import type { Scenario } from "../semantics/scenario.js";
import {
  initPage,
  populatedAtStart,
  universeOf,
  zeroPopulated,
  type Universe,
} from "../semantics/universe.js";
import {
  compileCondition,
  compileObserve,
  compileThread,
  alternativeAt,
  hasChoices,
  type ConditionFn,
  type FireFn,
  type ObserveFn,
} from "./codegen.js";
import { PAGE, PTE, TLBE, VMA } from "../primitives/encoding.js";
import { resultCodes } from "../primitives/registry.js";
import { buildLayout, initialVma, type Layout, type ValueSizing } from "./layout.js";
import { liveIn } from "./liveness.js";
import { Runtime } from "./runtime.js";

/**
 * A scenario compiled for one kernel configuration: the transition functions of its threads,
 * its initial state and its condition. The model of docs/model.md, ready to explore.
 */
export interface Machine {
  readonly scenario: Scenario;
  readonly config: KernelConfig;
  readonly universe: Universe;
  readonly program: Program;
  readonly layout: Layout;
  readonly runtime: Runtime;
  readonly fire: readonly FireFn[];
  readonly condition: ConditionFn | undefined;
  /** The values an outcome line shows, in the order of `program.observed`. */
  readonly observe: ObserveFn;
  readonly initial: Uint32Array;
  /**
   * Threads have second transitions (fire's alt 1): at accesses with the tlb_evict option, and
   * at steps that make a choice (codegen.ts `hasChoices`).
   */
  readonly alternatives: boolean;
  /** Per thread, per node: 1 where fire(…, alt 1) can take a transition (codegen.ts). */
  readonly alternativeAt: readonly Uint8Array[];
  /** Index of the after block's pseudo-thread, or -1. */
  readonly afterThread: number;
}

export type BuildResult =
  | { readonly machine: Machine; readonly diagnostics: readonly [] }
  | { readonly machine: undefined; readonly diagnostics: readonly Diagnostic[] };

export interface BuildOptions {
  /** Hardware options turned on from the command line, on top of the file's `option` lines. */
  readonly options?: readonly string[];
  /** The values the state holds; by default the scenario's numbers (judge/run.ts widens it). */
  readonly sizing?: ValueSizing;
  /** Code generation's copy budget (codegen.ts `copyBudget`); 0 shares every continuation. */
  readonly copyBudget?: number;
  /** The run's limits over building (semantics/budget.ts): BuildStopped ends it. */
  readonly budget?: Budget;
}

export function buildMachine(
  s: Scenario,
  config: KernelConfig,
  opts: BuildOptions = {},
): BuildResult {
  const budget = opts.budget;
  const u = universeOf(s);
  budget?.enter("lowering");
  const lowered = lower(s, u, config, budget);
  if (lowered.program === undefined)
    return { machine: undefined, diagnostics: lowered.diagnostics };
  const program = lowered.program;
  const evict = s.options.get("tlb_evict") === true || (opts.options ?? []).includes("tlb_evict");
  budget?.enter("liveness");
  const live = program.threads.map((t) => liveIn(t, budget));
  budget?.enter("layout");
  const layout = buildLayout(s, u, program, live, opts.sizing, budget);
  const runtime = new Runtime(layout);
  const bag = new DiagnosticBag(s.file);
  const initial = initialState(s, u, program, layout, runtime, bag);
  if (bag.hasErrors) return { machine: undefined, diagnostics: bag.items };
  budget?.enter("code generation");
  const fire = program.threads.map((_, tid) =>
    compileThread(layout, runtime, program, tid, live[tid]!, evict, opts.copyBudget, budget),
  );
  const condition = compileCondition(layout, runtime, program);
  const observe = compileObserve(layout, runtime, program);
  const afterThread = program.threads.findIndex((t) => t.isAfter);
  return {
    machine: {
      scenario: s,
      config,
      universe: u,
      program,
      layout,
      runtime,
      fire,
      condition,
      observe,
      initial,
      afterThread,
      alternatives: evict || hasChoices(program),
      alternativeAt: program.threads.map((t) => alternativeAt(t, evict)),
    },
    diagnostics: [],
  };
}

/** The state the init block describes. Mappings are populated only when asked (MAP_POPULATE). */
function initialState(
  s: Scenario,
  u: Universe,
  p: Program,
  L: Layout,
  R: Runtime,
  bag: DiagnosticBag,
): Uint32Array {
  const t = new Uint32Array(L.words);
  const set = (slot: number, v: number): void => R.wr(t, slot, v + L.slots[slot]!.bias);
  p.threads.forEach((th, i) => set(L.pc[i]!, th.entry));
  // Registers start `unset`: the bits 0 only while the bias is unset's (layout.ts).
  // (Other variables' slots stay 0: a slot no live variable uses is 0 at every resting point.)
  if (L.intBias !== -resultCodes.unset)
    p.threads.forEach((th, tid) => {
      for (const v of th.vars) {
        const slot = L.vars[tid]![v.id]!;
        if (v.isRegister && slot >= 0 && L.slots[slot]!.bias !== 0) set(slot, resultCodes.unset);
      }
    });
  for (const f of s.files) {
    u.files.get(f.name)!.forEach((fp, i) => R.setDisk(t, fp, 0, f.pages[i]!));
  }
  // A value for a file page goes to the disk, before populating reads the page in.
  const fileInits = s.memInits.filter((m) => fpageOfInit(s, u, m.address) !== 0);
  for (const m of fileInits) {
    const fpage = fpageOfInit(s, u, m.address);
    R.setDisk(t, fpage, wordOfInit(m.address), m.value.value);
  }
  for (const r of s.regions) {
    const m = r.mapping;
    if (m === undefined) continue;
    const pages = u.regions.get(r.name)!;
    pages.forEach((page, i) => {
      const fpage = m.source.kind === "file" ? u.files.get(m.source.file)![m.source.first + i]! : 0;
      R.wr(t, L.vma[page]!, initialVma(s, u, page));
      if (!populatedAtStart(s, r)) return;
      // MAP_POPULATE: a read fault for shared mappings (they stay clean), a write fault for
      // private writable ones (populate_vma_page_range()).
      if (fpage !== 0) {
        let f = R.rd(t, L.cache + fpage - 1);
        if (f === 0) {
          f = R.alloc(t);
          R.addToPageCache(t, f, fpage);
          R.readpage(t, f, fpage);
          R.put(t, f);
        }
        if (!m.shared && m.prot === "rw") {
          // FOLL_WRITE (the VMA is writable, not shared): do_cow_fault() maps an anonymous copy
          // and the page cache page keeps only the cache's reference.
          const copy = R.alloc(t);
          R.copy(t, copy, f);
          R.wr(t, L.mapcount + copy - 1, 1);
          R.wr(t, L.flags + copy - 1, PAGE.ANON);
          R.wr(t, L.pte[page]!, PTE.P | PTE.W | PTE.D | (copy << PTE.PFN_SHIFT));
          return;
        }
        R.get(t, f);
        R.wr(t, L.mapcount + f - 1, R.rd(t, L.mapcount + f - 1) + 1);
        // forked: writable and clean, PG_dirty set, as remove_migration_pte() leaves a page
        // that was written before a migration (docs/language.md; fork() copies no such PTE).
        if (m.forked) R.wr(t, L.flags + f - 1, R.rd(t, L.flags + f - 1) | PAGE.DIRTY);
        R.wr(t, L.pte[page]!, PTE.P | (m.forked ? PTE.W : 0) | (f << PTE.PFN_SHIFT));
      } else if (zeroPopulated(s, r)) {
        // A read fault: do_anonymous_page() maps the zero page, read-only, with no rmap.
        R.wr(t, L.pte[page]!, PTE.P | (L.zeroFrame << PTE.PFN_SHIFT));
      } else {
        const f = R.alloc(t);
        R.wr(t, L.mapcount + f - 1, 1);
        R.wr(t, L.flags + f - 1, PAGE.ANON);
        // mTHP: the fault on the first page of each 16K run maps the whole order-2 folio;
        // alloc() hands out the run's frames in a row, as the folio's pages are.
        if (m.mthp && i < pages.length - (pages.length % 4)) {
          const head = i % 4 === 0 ? f : R.rd(t, L.folioHead + f - 2);
          R.wr(t, L.folioHead + f - 1, head);
        }
        const writable = m.prot === "rw" ? PTE.W | PTE.D : 0;
        R.wr(t, L.pte[page]!, PTE.P | writable | (f << PTE.PFN_SHIFT));
      }
    });
  }
  for (const m of s.memInits) {
    if (fpageOfInit(s, u, m.address) !== 0) continue;
    const pte = R.rd(t, L.pte[initPage(m.address, u) ?? 0]!);
    if (pte === 0) bag.error("E202", m.span, "this page is not mapped at the start");
    else R.setData(t, pte >>> PTE.PFN_SHIFT, wordOfInit(m.address), m.value.value);
  }
  for (const init of s.tlbInits) {
    const cpu = Number(init.cpu.name.slice(3));
    const page = initPage(init.address, u) ?? 0;
    const pte = R.rd(t, L.pte[page]!);
    if ((pte & PTE.P) === 0) {
      bag.error(
        "E202",
        init.span,
        "a TLB entry is built from a present PTE: map this page with `populate`",
      );
      continue;
    }
    const names = init.flags.map((f) => f.name);
    const entry =
      TLBE.V |
      (names.includes("rw") ? TLBE.W : 0) |
      (names.includes("dirty") ? TLBE.D : 0) |
      ((pte >>> PTE.PFN_SHIFT) << TLBE.PFN_SHIFT);
    R.wr(t, L.tlb[cpu]![page]!, entry);
  }
  return t;
}

/** The file page an init address names through its region's mapping, or 0 (anonymous memory). */
function fpageOfInit(s: Scenario, u: Universe, address: A.Expr): number {
  return initialVma(s, u, initPage(address, u) ?? 0) >>> VMA.FPAGE_SHIFT;
}

/** The word an init address names: `A[1].2` is word 2. */
function wordOfInit(address: A.Expr): number {
  return address.kind === "MemberExpr" && address.member.kind === "IntLit"
    ? address.member.value
    : 0;
}
