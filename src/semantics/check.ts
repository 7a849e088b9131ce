import type { Code } from "../diagnostics/codes.js";
import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Span } from "../diagnostics/span.js";
import type * as A from "../syntax/ast.js";
import { unreachable } from "../syntax/ast.js";
import { builtins, constants } from "../primitives/registry.js";
import { maxValue } from "../primitives/types.js";
import { fixIdForm, isFixId, isKnownRelease, knownReleases } from "./kernel-versions.js";
import { knownOptions } from "./options.js";
import { lower } from "./lower.js";
import { outOfRange, rangeWarningText, type RangeWarning } from "./fidelity.js";
import {
  fixesOn,
  judgedConfigs,
  type FileDef,
  type FixDef,
  type ProcDef,
  type RegionDef,
  type Resolved,
  type Scenario,
  type ThreadDef,
} from "./scenario.js";
import { framesNeeded, initPage, maxFrames, populatedAtStart, universeOf } from "./universe.js";
import {
  forEachExpr,
  forEachStmt,
  stmtExprs,
  TypeChecker,
  unknownFix,
  type Prelude,
} from "./typecheck.js";
import type { Type } from "../primitives/types.js";
import { pageTablesOf } from "./page-tables.js";

export interface CheckResult {
  readonly scenario: Scenario | undefined;
  /** Errors: with any, there is no scenario. */
  readonly diagnostics: readonly Diagnostic[];
  /** Warnings about a scenario that checks (W001: a proc reached outside its release range). */
  readonly warnings: readonly Diagnostic[];
}

const cpuPattern = /^cpu(\d+)$/;
export const maxCpus = 16;

/** How far to check: `lower: false` stops before lowering (see {@link check}). */
export interface CheckDepth {
  readonly lower?: boolean;
}

/**
 * Checks a parsed scenario against the kernel prelude: names, CPU binding, arity and types,
 * schedules, expectations and fixes. Reports every problem it finds; returns a Scenario only
 * when there are none. The last stage lowers the scenario on every judged configuration, as
 * run does (most of the time on a large file); with `lower: false` it is skipped, for an editor
 * that shows the rest at once: with any error before it, lowering would not run anyway.
 */
export function check(
  ast: A.TestFile,
  text: string,
  file: string,
  prelude: Prelude,
  { lower = true }: CheckDepth = {},
): CheckResult {
  const bag = new DiagnosticBag(file);
  const decls = ast.decls;
  const of = <K extends A.Decl["kind"]>(kind: K) =>
    decls.filter((d): d is Extract<A.Decl, { kind: K }> => d.kind === kind);

  if (ast.name === undefined)
    bag.error("E304", { start: 0, end: 0 }, "a scenario starts with `tlb NAME`");

  // ---- the global names ----------------------------------------------------------------
  const globals = new Map<string, { what: string; span: Span }>();
  const declare = (id: A.Ident, what: string): boolean => {
    const prev = globals.get(id.name);
    if (prev !== undefined) {
      bag.error("E100", id.span, `${what} \`${id.name}\` is already declared as a ${prev.what}`);
      return false;
    }
    if (id.name in builtins || id.name in constants || id.name === "store" || id.name === "load") {
      bag.error(
        "E100",
        id.span,
        `\`${id.name}\` is a built-in name; choose another name for this ${what}`,
      );
      return false;
    }
    globals.set(id.name, { what, span: id.span });
    return true;
  };

  const files: FileDef[] = [];
  const regions: RegionDef[] = [];
  const tlbInits: A.TlbInit[] = [];
  const memInits: A.MemInit[] = [];
  const pmds: A.PmdInit[] = [];
  const inits = of("InitDecl");
  for (const extra of inits.slice(1))
    bag.error("E100", extra.span, "a scenario has one `init` block");
  for (const item of inits.flatMap((d) => d.items)) {
    switch (item.kind) {
      case "FileInit":
        if (declare(item.name, "file"))
          files.push({ name: item.name.name, pages: item.pages.map((p) => p.value), decl: item });
        if (item.pages.length === 0)
          bag.error("E202", item.span, `file \`${item.name.name}\` needs at least one page`);
        break;
      case "MapInit":
      case "UnmappedInit":
        if (declare(item.name, "region")) regions.push(regionOf(item, files, bag));
        break;
      case "PmdInit":
        pmds.push(item);
        break;
      case "TlbInit":
        tlbInits.push(item);
        break;
      case "MemInit":
        memInits.push(item);
        break;
      default:
        unreachable(item);
    }
  }
  const pageTables = pageTablesOf(pmds, regions, files, bag);

  // ---- threads and CPUs ------------------------------------------------------------------
  const threads: ThreadDef[] = [];
  const cpuOwner = new Map<number, string>();
  for (const t of of("ThreadDecl")) {
    const m = cpuPattern.exec(t.cpu.name);
    const cpu = m ? Number(m[1]) : -1;
    if (cpu < 0 || cpu >= maxCpus) {
      bag.error(
        "E301",
        t.cpu.span,
        `\`${t.cpu.name}\` is not a CPU; write cpu0 … cpu${maxCpus - 1}`,
      );
    } else if (cpuOwner.has(cpu)) {
      bag.error(
        "E300",
        t.cpu.span,
        `thread \`${t.name.name}\` is bound to ${t.cpu.name}, which already runs \`${cpuOwner.get(cpu)}\`; tlbl runs one thread per CPU`,
      );
    } else cpuOwner.set(cpu, t.name.name);
    if (declare(t.name, "thread"))
      threads.push({ name: t.name.name, cpu, isKernel: t.isKernel, decl: t });
  }
  if (threads.length === 0 && ast.name !== undefined)
    bag.error("E304", ast.name.span, "a scenario needs at least one thread");
  const afters = of("AfterDecl");
  for (const extra of afters.slice(1))
    bag.error("E100", extra.span, "a scenario has one `after` block");

  // ---- procs: the scenario's own, then the prelude's --------------------------------------
  const procs = new Map<string, ProcDef>(prelude.procs);
  const own = new Set<string>();
  for (const p of of("ProcDecl")) {
    const name = p.name.name;
    if (own.has(name)) bag.error("E100", p.name.span, `proc \`${name}\` is already declared`);
    else if (name in builtins || name === "store" || name === "load") {
      bag.error(
        "E100",
        p.name.span,
        `\`${name}\` is a primitive of the model and cannot be redefined`,
      );
    } else if (globals.has(name)) {
      bag.error(
        "E100",
        p.name.span,
        `proc \`${name}\` is already declared as a ${globals.get(name)!.what}`,
      );
    } else {
      const base = prelude.procs.get(name);
      if (base !== undefined && !sameSignature(base.decl, p)) {
        bag.error(
          "E201",
          p.name.span,
          `\`${name}\` overrides the kernel prelude's proc and must keep its signature: ${signature(base.decl)}`,
        );
      }
      own.add(name);
      procs.set(name, { decl: p, file, text });
    }
  }

  // ---- fixes, expectations, options -------------------------------------------------------
  const fixes = new Map<string, FixDef>(prelude.fixes);
  for (const d of of("FixDef")) {
    checkCommitSyntax(d.commit, bag);
    if (!isKnownRelease(d.release.text)) unknownRelease(d.release, bag);
    fixes.set(d.commit.id, {
      commit: d.commit.id,
      release: d.release.text,
      title: d.title.value,
    });
  }
  const checkFixSetting = (s: A.FixSetting): void => {
    if (!checkCommitSyntax(s.commit, bag)) return;
    if (!fixes.has(s.commit.id)) bag.error("E108", s.commit.span, unknownFix(s.commit.id, fixes));
  };
  const fixToggles = of("FixToggle").map((t) => t.setting);
  fixToggles.forEach(checkFixSetting);
  const expects = of("ExpectDecl");
  const seenExpect = new Map<string, A.ExpectDecl>();
  for (const e of expects) {
    if (!isKnownRelease(e.kernel.text)) unknownRelease(e.kernel, bag);
    e.fixes.forEach(checkFixSetting);
    const key = `${e.kernel.text} ${e.fixes.map((f) => `${f.commit.id}=${f.enabled}`).join(",")}`;
    if (seenExpect.has(key))
      bag.error("E100", e.span, `kernel ${e.kernel.text} already has an expectation in this file`);
    seenExpect.set(key, e);
  }
  const options = new Map<string, boolean>();
  for (const o of of("OptionDecl")) {
    if (!(o.name.name in knownOptions)) {
      bag.error(
        "E109",
        o.name.span,
        `unknown option \`${o.name.name}\`${didYouMean(o.name.name, Object.keys(knownOptions))}`,
      );
    } else if (options.has(o.name.name)) {
      bag.error("E100", o.name.span, `option \`${o.name.name}\` is already set`);
    } else options.set(o.name.name, o.enabled);
  }

  const conditions = of("ConditionDecl");
  for (const extra of conditions.slice(1))
    bag.error("E100", extra.span, "a scenario has one condition");
  // Without a condition, expectations judge the built-in monitors (semantics/monitors.ts).

  // ---- bodies, conditions and schedules ---------------------------------------------------
  const types = new Map<A.Expr, Type>(prelude.types);
  const resolved = new Map<A.Expr, Resolved>(prelude.resolved);
  const tc = new TypeChecker(bag, { files, regions, threads, procs, fixes, types, resolved });
  for (const [name, def] of procs) if (own.has(name)) tc.checkProc(def.decl);
  tc.checkRecursion(procs, own);
  for (const t of threads) tc.checkThread(t);
  const after = afters[0];
  if (after !== undefined) tc.checkAfter(after.body);
  for (const item of tlbInits) tc.checkTlbInit(item);
  for (const item of memInits) tc.checkMemInit(item);
  const condition = conditions[0];
  if (condition !== undefined) tc.checkCondition(condition.expr);

  const schedules = of("ScheduleDecl");
  const scheduleNames = new Set<string>();
  for (const s of schedules) {
    if (scheduleNames.has(s.name.name))
      bag.error("E100", s.name.span, `schedule \`${s.name.name}\` is already declared`);
    scheduleNames.add(s.name.name);
    for (const item of s.items) tc.checkScheduleItem(item);
  }

  if (bag.hasErrors || ast.name === undefined)
    return { scenario: undefined, diagnostics: bag.items, warnings: [] };
  const scenario: Scenario = {
    file,
    text,
    ast,
    name: ast.name.name,
    files,
    regions,
    pageTables,
    tlbInits,
    memInits,
    threads,
    after: after,
    procs,
    fixes,
    fixToggles,
    condition,
    expects,
    schedules,
    options,
    types,
    resolved,
    wordsPerPage: tc.wordsPerPage,
  };
  for (const n of bigNumbers(ast))
    bag.error("E202", n.span, `a number in tlbl is at most ${maxValue}, not ${n.text}`);
  // The rules read resolutions and types, so they run on a scenario that checks otherwise.
  for (const rule of rules)
    rule.check(scenario, (code, at, message) => bag.error(code, at.span, message));
  if (bag.hasErrors) return { scenario: undefined, diagnostics: bag.items, warnings: [] };
  if (!lower) return { scenario, diagnostics: [], warnings: [] };
  const lowering = lowerEach(scenario);
  if (lowering.errors.length > 0)
    return { scenario: undefined, diagnostics: lowering.errors, warnings: [] };
  return { scenario, diagnostics: [], warnings: lowering.warnings };
}

/** Every number written in the file that is past the values the model holds. */
function bigNumbers(ast: A.TestFile): A.IntLit[] {
  const out: A.IntLit[] = [];
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== "object") return;
    const node = x as Partial<A.IntLit>;
    if (node.kind === "IntLit" && typeof node.value === "number" && node.value > maxValue)
      out.push(node as A.IntLit);
    for (const v of Object.values(x)) visit(v);
  };
  visit(ast);
  return out;
}

/**
 * What lowering rejects, on every configuration `tlbl run` judges the scenario on. Those checks
 * need procs inlined and static values folded (a kthread's store in a proc, an index past the
 * end of the range a call passed), so they live in lowering, once, and check runs it as run does.
 */
function lowerEach(s: Scenario): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const u = universeOf(s);
  const out = new Map<string, Diagnostic>();
  const key = (d: Diagnostic): string =>
    `${d.code} ${d.file} ${d.span.start} ${d.span.end} ${d.message}`;
  for (const c of judgedConfigs(s)) {
    const lowered = lower(s, u, { release: c.kernel, fixes: fixesOn(s, c) });
    // Most do not depend on the kernel: report each once.
    for (const d of lowered.diagnostics) out.set(key(d), d);
    // Once per proc and release, at the first expectation naming it.
    for (const w of outOfRange(s.procs, lowered.program?.procs ?? [], c.kernel)) {
      const d = rangeWarning(s, w);
      if (!out.has(key(d))) out.set(key(d), d);
    }
  }
  const all = [...out.values()];
  return {
    errors: all.filter((d) => d.severity === "error"),
    warnings: all.filter((d) => d.severity === "warning"),
  };
}

/** W001, at the `expect` line that asks for the release (or the file's start). */
function rangeWarning(s: Scenario, w: RangeWarning): Diagnostic {
  const expect = s.expects.find((e) => e.kernel.text === w.release);
  return {
    code: "W001",
    severity: "warning",
    message: rangeWarningText(w),
    file: s.file,
    span: expect?.kernel.span ?? { start: 0, end: 0 },
  };
}

// ---- rules over a resolved, typed scenario ------------------------------------------------

/** Reports a problem at an AST node (or at a span inside it, such as a loop's header). */
type Report = (code: Code, at: { readonly span: Span }, message: string) => void;

/**
 * A small check of a scenario that otherwise checks: a fact lowering or the model relies on
 * that the type checker does not see. Pure: it reads the scenario and reports.
 */
interface Rule {
  readonly name: string;
  readonly check: (s: Scenario, report: Report) => void;
}

const rules: readonly Rule[] = [
  {
    // Past the frames the model has, a run would run out of them (or not even start).
    name: "the scenario fits the model's page frames",
    check: (s, report) => {
      const need = framesNeeded(s);
      if (need <= maxFrames) return;
      const at = s.regions[s.regions.length - 1]?.decl ?? s.files[s.files.length - 1]?.decl;
      report(
        "E202",
        at ?? s.ast,
        `the model has ${maxFrames} page frames, and this scenario may need ${need}: one for each file page, each page of a region and each thread`,
      );
    },
  },
  {
    // initialState() (model/machine.ts) writes the value into the page's frame, or for a file
    // page onto the disk; an anonymous page with no frame has nowhere to hold it.
    name: "a value written in init lands in a page",
    check: (s, report) => {
      for (const m of s.memInits) {
        const r = initRegionDef(s, m.address);
        if (r !== undefined && !populatedAtStart(s, r) && r.mapping?.source.kind !== "file")
          report("E202", m, "this page is not mapped at the start");
      }
    },
  },
  {
    // A TLB entry caches a translation: the PTE must be present when the scenario starts.
    name: "a TLB entry in init caches a present PTE",
    check: (s, report) => {
      for (const t of s.tlbInits) {
        const r = initRegionDef(s, t.address);
        if (r !== undefined && !populatedAtStart(s, r))
          report(
            "E202",
            t,
            "a TLB entry is built from a present PTE: map this page with `populate`",
          );
      }
    },
  },
  {
    // The model maps `mmap R F[i]`'s pages to F[i], F[i+1]… and moves `mremap`'s pages one for
    // one; past the file's end it would map the next file's pages, past a range's end lowering
    // stops inside the kernel prelude's code.
    name: "ranges fit the steps they are passed to",
    check: (s, report) => new StaticArgs(s, report).run(),
  },
  {
    // The model's transitions are steps: a round of a loop with no step in it would spin inside
    // one transition (code generation cannot even unroll it).
    name: "every round of a loop takes a step",
    check: (s, report) => {
      const flow = new StepFlow(s, (w) =>
        report(
          "E305",
          { span: { start: w.span.start, end: w.cond.span.end } }, // `while COND`
          "this loop can go round without a step: every path through it needs a load, a store, a syscall, `skip` or an `atomic` block",
        ),
      );
      for (const body of ownBodies(s)) flow.block(body);
    },
  },
];

/** What is known at compile time of an argument: a range's size, or a file page as a source. */
type Known =
  | { readonly pages: number }
  | { readonly file: string; readonly first: number }
  | undefined;

const sizeOf = (k: Known): number | undefined => (k && "pages" in k ? k.pages : undefined);

/** Steps (procs and primitives) whose static arguments must fit each other; a message if not. */
const fits: Readonly<
  Record<string, (s: Scenario, name: string, args: Known[]) => string | undefined>
> = {
  mremap: sameSize,
  move_page_tables: sameSize,
  move_ptes: sameSize,
  mmap: withinFile,
  vma_map: withinFile,
};

function sameSize(_: Scenario, name: string, [a, b]: Known[]): string | undefined {
  const from = sizeOf(a);
  const to = sizeOf(b);
  if (from === undefined || to === undefined || from === to) return undefined;
  return `\`${name}\` moves a range to one of the same size, not ${pages(from)} to ${pages(to)}`;
}

function withinFile(s: Scenario, name: string, [r, source]: Known[]): string | undefined {
  const size = sizeOf(r);
  if (size === undefined || source === undefined || !("file" in source)) return undefined;
  const f = s.files.find((x) => x.name === source.file);
  if (f === undefined || source.first + size <= f.pages.length) return undefined;
  return `\`${name}\` maps ${pages(size)} of \`${f.name}\` from page ${source.first}, but \`${f.name}\` has pages 0 to ${f.pages.length - 1}`;
}

const pages = (n: number): string => `${n} page${n === 1 ? "" : "s"}`;

/**
 * Follows static arguments from the threads into the scenario's procs (a proc is checked with
 * what each call passes it) up to the steps of {@link fits}. Sizes that need a `for` variable
 * are left to lowering.
 */
class StaticArgs {
  private readonly visited = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly s: Scenario,
    private readonly report: Report,
  ) {}

  run(): void {
    for (const t of this.s.threads) this.block(t.decl.body, new Map(), 0);
    if (this.s.after) this.block(this.s.after.body, new Map(), 0);
  }

  private block(b: A.Block, env: ReadonlyMap<string, Known>, depth: number): void {
    forEachStmt(b, (st) => {
      for (const root of stmtExprs(st)) forEachExpr(root, (e) => this.call(e, env, depth));
    });
  }

  private call(e: A.Expr, env: ReadonlyMap<string, Known>, depth: number): void {
    if (e.kind !== "CallExpr" && e.kind !== "CommandExpr" && e.kind !== "NameExpr") return;
    const r = this.s.resolved.get(e);
    if (r?.kind !== "proc" && r?.kind !== "builtin") return;
    const args = e.kind === "NameExpr" ? [] : e.args.map((a) => this.known(a, env));
    const message = fits[r.name]?.(this.s, r.name, args);
    const key = `${e.span.start} ${message}`;
    if (message !== undefined && !this.reported.has(key)) {
      this.reported.add(key);
      this.report("E202", e, message);
    }
    const def = r.kind === "proc" ? this.s.procs.get(r.name) : undefined;
    // Into the scenario's own procs only: the prelude's pass on what they are given.
    if (def === undefined || def.file !== this.s.file || depth > 40) return;
    const inner = new Map(def.decl.params.map((p, i) => [p.name.name, args[i]]));
    const visit = `${r.name} ${JSON.stringify([...inner])}`;
    if (this.visited.has(visit)) return;
    this.visited.add(visit);
    this.block(def.decl.body, inner, depth + 1);
  }

  private known(a: A.Expr, env: ReadonlyMap<string, Known>): Known {
    const r = this.s.resolved.get(a);
    const t = this.s.types.get(a);
    switch (a.kind) {
      case "NameExpr":
        if (r?.kind === "local") return env.get(a.name.name);
        if (r?.kind !== "region") return undefined;
        return { pages: this.s.regions.find((x) => x.name === r.name)?.pages ?? 0 };
      case "IndexExpr":
        if (t === "page") return { pages: 1 };
        if (t === "fpage" && a.target.kind === "NameExpr" && a.index.kind === "IntLit")
          return { file: a.target.name.name, first: a.index.value };
        return undefined;
      case "SliceExpr":
        return a.first.kind === "IntLit" && a.last.kind === "IntLit"
          ? { pages: a.last.value - a.first.value + 1 }
          : undefined;
      default:
        return undefined;
    }
  }
}

/** The region holding the page an init address names. */
function initRegionDef(s: Scenario, address: A.Expr): RegionDef | undefined {
  const u = universeOf(s);
  const page = initPage(address, u);
  const name = page === undefined ? undefined : u.pages[page]?.region;
  return s.regions.find((r) => r.name === name);
}

/** The code the scenario itself wrote: thread bodies, the after block, its procs. */
function ownBodies(s: Scenario): A.Block[] {
  return [
    ...s.threads.map((t) => t.decl.body),
    ...(s.after ? [s.after.body] : []),
    ...s.ast.decls.flatMap((d) => (d.kind === "ProcDecl" ? [d.body] : [])),
  ];
}

/** Whether a path through some code can take no step: to its end, or to a `return`. */
interface Flow {
  readonly end: boolean;
  readonly ret: boolean;
}

const stepped: Flow = { end: false, ret: false };
const silent: Flow = { end: true, ret: false };

/**
 * Which code always takes a step, as lowering makes steps: a load or store, a primitive that
 * changes the machine, `skip`, `atomic`, or a proc call whose every path does. Both ways of every
 * branch count (a `fixed(…)` test is folded differently on each kernel), and a loop may run no
 * round, so this errs towards "no step". Reads of shared state are left out: some fold away.
 */
class StepFlow {
  private readonly procs = new Map<string, boolean>();
  private reporting = true;

  constructor(
    private readonly s: Scenario,
    /** Called for each loop that can go round without a step. */
    private readonly onLoop: (w: A.WhileStmt) => void,
  ) {}

  block(b: A.Block): Flow {
    let end = true;
    let ret = false;
    // Every statement is visited, even after a step, so that each loop is checked.
    for (const st of b.stmts) {
      const f = this.stmt(st);
      ret ||= end && f.ret;
      end &&= f.end;
    }
    return { end, ret };
  }

  private stmt(st: A.Stmt): Flow {
    switch (st.kind) {
      case "ExprStmt":
        return this.expr(st.expr) ? stepped : silent;
      case "AssignStmt":
        return this.expr(st.value) ? stepped : silent;
      case "IfStmt": {
        const then = this.block(st.then);
        const other =
          st.else === undefined
            ? silent
            : st.else.kind === "Block"
              ? this.block(st.else)
              : this.stmt(st.else);
        if (this.expr(st.cond)) return stepped;
        return { end: then.end || other.end, ret: then.ret || other.ret };
      }
      case "WhileStmt": {
        const body = this.block(st.body);
        if (this.expr(st.cond)) return stepped;
        if (body.end && this.reporting) this.onLoop(st);
        // `while true` leaves only by `return`; any other loop may run no round.
        return { end: !(st.cond.kind === "BoolLit" && st.cond.value), ret: body.ret };
      }
      case "ForStmt": {
        const body = this.block(st.body);
        // Over a range or a file, at least one round (both have a page); over a page held in a
        // variable, lowering runs none.
        const t = this.s.types.get(st.iterable);
        return t === "range" || t === "file" ? body : { end: true, ret: body.ret };
      }
      case "AtomicStmt":
      case "SkipStmt":
        return stepped;
      case "LabelStmt":
        return silent;
      case "ReturnStmt":
        return st.value !== undefined && this.expr(st.value) ? stepped : { end: false, ret: true };
      default:
        return unreachable(st);
    }
  }

  /** Does every evaluation of this expression take a step? */
  private expr(e: A.Expr): boolean {
    switch (e.kind) {
      case "CallExpr":
      case "CommandExpr":
      case "NameExpr": {
        const r = this.s.resolved.get(e);
        if (r?.kind === "instruction") return true;
        if (r?.kind === "builtin" && builtins[r.name]!.effect === "write") return true;
        if (r?.kind === "proc" && this.procSteps(r.name)) return true;
        return e.kind !== "NameExpr" && e.args.some((a) => this.expr(a));
      }
      case "UnaryExpr":
        return this.expr(e.operand);
      case "BinaryExpr":
        // The right side of `&&` and `||` may not run.
        return this.expr(e.left) || (e.op !== "&&" && e.op !== "||" && this.expr(e.right));
      case "MemberExpr":
        return this.expr(e.target);
      case "IndexExpr":
        return this.expr(e.target) || this.expr(e.index);
      case "SliceExpr":
        return this.expr(e.target);
      default:
        return false;
    }
  }

  private procSteps(name: string): boolean {
    const known = this.procs.get(name);
    if (known !== undefined) return known;
    this.procs.set(name, true); // recursion is E302's; assume a step meanwhile
    const def = this.s.procs.get(name);
    // A scenario proc's loops are reported once, where its declaration is visited.
    const outer = this.reporting;
    this.reporting = false;
    const f = def === undefined ? silent : this.block(def.decl.body);
    this.reporting = outer;
    const steps = !f.end && !f.ret;
    this.procs.set(name, steps);
    return steps;
  }
}

function regionOf(
  item: A.MapInit | A.UnmappedInit,
  files: FileDef[],
  bag: DiagnosticBag,
): RegionDef {
  const maxPages = 8;
  if (item.kind === "UnmappedInit") {
    const pages = item.pages?.value ?? 1;
    if (pages < 1 || pages > maxPages)
      bag.error("E202", item.pages?.span ?? item.span, `a region has 1 to ${maxPages} pages`);
    return { name: item.name.name, pages, mapping: undefined, decl: item };
  }
  const shared = item.sharing.name === "shared";
  const prot = item.prot.name;
  if (prot !== "none" && prot !== "r" && prot !== "rw") {
    bag.error(
      "E201",
      item.prot.span,
      `unknown protection \`${prot}\`; write none, r or rw${didYouMean(prot, ["none", "r", "rw"])}`,
    );
  }
  let populate = false;
  let forked = false;
  let mthp = false;
  for (const o of item.options) {
    if (o.name === "populate") populate = true;
    else if (o.name === "forked") {
      forked = populate = true;
      if (!shared || prot !== "rw" || item.source.kind !== "FileSource")
        bag.error("E109", o.span, "`forked` applies to shared rw file mappings");
    } else if (o.name === "mthp") {
      mthp = populate = true;
      // Anonymous mTHP orders start at 2 (THP_ORDERS_ALL_ANON leaves out order 1).
      const pages = item.source.kind === "AnonSource" ? (item.source.pages?.value ?? 1) : 0;
      if (shared || prot !== "rw" || item.source.kind !== "AnonSource" || pages < 4)
        bag.error(
          "E109",
          o.span,
          "`mthp` applies to private rw anonymous mappings of 4 pages or more (a 16K folio)",
        );
    } else
      bag.error(
        "E109",
        o.span,
        `unknown mmap option \`${o.name}\`${didYouMean(o.name, ["populate", "forked", "mthp"])}`,
      );
  }
  const src = item.source;
  let pages = 1;
  let source: NonNullable<RegionDef["mapping"]>["source"] = { kind: "anon" };
  if (src.kind === "AnonSource") {
    pages = src.pages?.value ?? 1;
  } else {
    const f = files.find((x) => x.name === src.file.name);
    if (f === undefined) {
      bag.error(
        "E102",
        src.file.span,
        `unknown file \`${src.file.name}\`${didYouMean(
          src.file.name,
          files.map((x) => x.name),
        )}`,
      );
    } else {
      const first = src.first?.value ?? 0;
      const last = src.last?.value ?? (src.first === undefined ? f.pages.length - 1 : first);
      pages = last - first + 1;
      if (first >= f.pages.length || last >= f.pages.length || last < first) {
        bag.error("E202", src.span, `file \`${f.name}\` has pages 0 to ${f.pages.length - 1}`);
      }
      source = { kind: "file", file: f.name, first };
    }
  }
  if (pages < 1 || pages > maxPages)
    bag.error("E202", src.span, `a region has 1 to ${maxPages} pages`);
  return {
    name: item.name.name,
    pages,
    mapping: { source, shared, prot: prot as "none" | "r" | "rw", populate, forked, mthp },
    decl: item,
  };
}

function checkCommitSyntax(c: A.CommitLit, bag: DiagnosticBag): boolean {
  if (isFixId(c.id)) return true;
  bag.error("E303", c.span, `\`${c.id}\` is not ${fixIdForm}`);
  return false;
}

function unknownRelease(v: A.VersionLit, bag: DiagnosticBag): void {
  const parts = v.text.split(".");
  const hint =
    parts.length === 3
      ? `; stable releases are not modelled, use the mainline release ${parts[0]}.${parts[1]}`
      : didYouMean(v.text, knownReleases);
  bag.error("E107", v.span, `unknown kernel version \`${v.text}\`${hint}`);
}

function sameSignature(a: A.ProcDecl, b: A.ProcDecl): boolean {
  return signature(a) === signature(b);
}

export function signature(p: A.ProcDecl): string {
  const params = p.params.map((x) => `${x.name.name}: ${x.type.name}`).join(", ");
  return `(${params})${p.result ? `: ${p.result.name}` : ""}`;
}
