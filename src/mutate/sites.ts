import { LineMap } from "../diagnostics/span.js";
import type { LoadedPrelude } from "../kernel/prelude.js";
import { primitives } from "../primitives/registry.js";
import type { ProcDef } from "../semantics/scenario.js";
import { forEachExpr, forEachStmt } from "../semantics/typecheck.js";
import type * as A from "../syntax/ast.js";
import { expressionText } from "../syntax/expression-text.js";

/**
 * The protective sites of the kernel prelude, found from its AST (docs/hunt.md, "Sites"):
 *
 * - flush: a statement calling `flush_tlb_*`, `tlb_flush_mmu*`, `try_to_unmap_flush*`;
 * - lock: a lock call and its unlocks. A lock is a call whose name has the word `lock` where the
 *   name with `unlock` instead is a primitive or a prelude proc (`pte_lock`/`pte_unlock`,
 *   `lock_page`/`unlock_page`, `rmap_walk_lock`/`rmap_walk_unlock`); its unlocks are the calls
 *   of that partner in the same proc, after it in the source and before the next call of the
 *   same lock, whose arguments read the same (or that take none). A lock with no unlock in its
 *   proc (taken for a caller) is no site: the caller's pair is. `vma_start_write` (6.4+) is a
 *   lock site alone: no call releases it, mmap_write_unlock()/mmap_write_downgrade() do
 *   (vma_end_write_all());
 * - pending: an `inc_tlb_flush_pending` (`set_tlb_flush_pending` before 4.13) and its decrements
 *   paired as a lock is; an increment whose proc has none pairs with the decrement of the proc a
 *   caller calls after it (tlb_gather_mmu() … tlb_finish_mmu());
 * - recheck: an `if` without `else` after a lock still held (the lock call precedes it in its
 *   block or an enclosing one, with no unlock of it in between at those levels), whose condition
 *   reads shared state under that lock (calls a primitive whose effect is `read`, directly or
 *   through a local assigned after the lock), and whose branch unlocks that lock and ends in
 *   `return`: the kernel's `lock; if (!pte_same(…)) { unlock; return; }`.
 *
 * Removing a site deletes its statements: the call, the lock and its unlocks, the increment and
 * its decrements, or the recheck's `if` (its early return is never taken).
 */

export type SiteKind = "flush" | "lock" | "pending" | "recheck";

/** A statement of the prelude, by the file it is in and where its text starts. */
export interface StmtRef {
  readonly file: string;
  readonly proc: string;
  readonly start: number;
  readonly line: number;
}

export interface Site {
  /** `FILE:PROC:LINE` of its first statement (`src/kernel/mremap.tlb:move_ptes:112`). */
  readonly id: string;
  readonly kind: SiteKind;
  readonly file: string;
  readonly proc: string;
  readonly line: number;
  /** What is removed, as the source reads (`flush_tlb_range(old)`). */
  readonly what: string;
  /** The statements removed, in source order. */
  readonly removes: readonly StmtRef[];
  /** The procs whose bodies change. */
  readonly procs: readonly string[];
}

const flushCall = /^(flush_tlb_\w+|tlb_flush_mmu\w*|try_to_unmap_flush\w*)$/;
const pendingPartner: Readonly<Record<string, string>> = {
  inc_tlb_flush_pending: "dec_tlb_flush_pending",
  set_tlb_flush_pending: "clear_tlb_flush_pending",
};

interface Call {
  readonly stmt: A.ExprStmt;
  readonly callee: string;
  readonly args: string;
}

function callOf(s: A.Stmt): Call | undefined {
  if (s.kind !== "ExprStmt") return undefined;
  const e = s.expr;
  if (e.kind === "NameExpr") return { stmt: s, callee: e.name.name, args: "" };
  return { stmt: s, callee: e.callee.name, args: e.args.map((a) => expressionText(a)).join(", ") };
}

function callsIn(body: A.Block): Call[] {
  const out: Call[] = [];
  forEachStmt(body, (s) => {
    const c = callOf(s);
    if (c !== undefined) out.push(c);
  });
  return out.sort((a, b) => a.stmt.span.start - b.stmt.span.start);
}

/** Locks no call releases: the mmap_lock writer's unlock or downgrade ends them all. */
const releasedImplicitly: ReadonlySet<string> = new Set(["vma_start_write"]);

/** The unlock a lock call pairs with: its name with the word `lock` made `unlock`. */
export function unlockOf(callee: string, known: (name: string) => boolean): string | undefined {
  const words = callee.split("_");
  const i = words.lastIndexOf("lock");
  if (i < 0) return undefined;
  const partner = [...words.slice(0, i), "unlock", ...words.slice(i + 1)].join("_");
  return known(partner) ? partner : undefined;
}

/** Every protective site of the prelude, in file and line order. */
export function findSites(prelude: LoadedPrelude): Site[] {
  const known = (n: string): boolean => primitives.has(n) || prelude.procs.has(n);
  const lines = new Map([...prelude.sources].map(([f, t]) => [f, new LineMap(t)]));
  const procs = [...prelude.procs.values()].sort(
    (a, b) => a.file.localeCompare(b.file) || a.decl.span.start - b.decl.span.start,
  );
  const ref = (p: ProcDef, s: A.Stmt): StmtRef => ({
    file: p.file,
    proc: p.decl.name.name,
    start: s.span.start,
    line: lines.get(p.file)!.position(s.span.start).line,
  });
  const site = (kind: SiteKind, what: string, removes: StmtRef[]): Site => {
    const first = removes[0]!;
    return {
      id: `${first.file}:${first.proc}:${first.line}`,
      kind,
      file: first.file,
      proc: first.proc,
      line: first.line,
      what,
      removes,
      procs: [...new Set(removes.map((r) => r.proc))],
    };
  };
  const out: Site[] = [];
  const danglingInc: { proc: ProcDef; call: Call; partner: string }[] = [];
  const danglingDec = new Map<string, { proc: ProcDef; calls: Call[] }>();
  for (const p of procs) {
    const calls = callsIn(p.decl.body);
    const paired = new Set<A.Stmt>();
    for (const c of calls) {
      if (flushCall.test(c.callee)) out.push(site("flush", show(c), [ref(p, c.stmt)]));
      if (releasedImplicitly.has(c.callee)) out.push(site("lock", show(c), [ref(p, c.stmt)]));
      const unlock = unlockOf(c.callee, known);
      const dec = pendingPartner[c.callee];
      const partner = unlock ?? dec;
      if (partner === undefined) continue;
      const after = calls.filter((u) => u.stmt.span.start > c.stmt.span.start);
      const relock = after.find((u) => u.callee === c.callee && u.args === c.args);
      const ends = after.filter(
        (u) =>
          u.callee === partner &&
          (u.args === c.args || u.args === "") &&
          (relock === undefined || u.stmt.span.start < relock.stmt.span.start),
      );
      ends.forEach((u) => paired.add(u.stmt));
      if (ends.length > 0)
        out.push(
          site(
            unlock ? "lock" : "pending",
            `${show(c)} … ${show(ends[0]!)}${ends.length > 1 ? ` (×${ends.length})` : ""}`,
            [c, ...ends].map((x) => ref(p, x.stmt)),
          ),
        );
      else if (dec) danglingInc.push({ proc: p, call: c, partner: dec });
    }
    for (const c of calls)
      if (Object.values(pendingPartner).includes(c.callee) && !paired.has(c.stmt)) {
        const d = danglingDec.get(p.decl.name.name) ?? { proc: p, calls: [] };
        d.calls.push(c);
        danglingDec.set(p.decl.name.name, d);
      }
    out.push(...rechecks(p, known).map((s) => site("recheck", rechecked(s), [ref(p, s)])));
  }
  out.push(...pendingAcrossProcs(procs, danglingInc, danglingDec, ref, site));
  return out.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.kind.localeCompare(b.kind),
  );
}

/**
 * An increment with no decrement in its proc pairs with the unmatched decrements of the proc a
 * caller calls after it: `tlb_gather_mmu` … `tlb_finish_mmu(r)` in zap_page_range().
 */
function pendingAcrossProcs(
  procs: readonly ProcDef[],
  incs: readonly { proc: ProcDef; call: Call; partner: string }[],
  decs: ReadonlyMap<string, { proc: ProcDef; calls: Call[] }>,
  ref: (p: ProcDef, s: A.Stmt) => StmtRef,
  site: (kind: SiteKind, what: string, removes: StmtRef[]) => Site,
): Site[] {
  const out: Site[] = [];
  for (const inc of incs) {
    const name = inc.proc.decl.name.name;
    const partners = new Set<string>();
    for (const caller of procs) {
      const calls = callsIn(caller.decl.body);
      const at = calls.findIndex((c) => c.callee === name);
      if (at < 0) continue;
      const next = calls
        .slice(at + 1)
        .find((c) => decs.get(c.callee)?.calls.some((d) => d.callee === inc.partner));
      if (next) partners.add(next.callee);
    }
    const ends = [...partners].flatMap((q) =>
      decs
        .get(q)!
        .calls.filter((d) => d.callee === inc.partner)
        .map((d) => ref(decs.get(q)!.proc, d.stmt)),
    );
    if (ends.length > 0)
      out.push(
        site(
          "pending",
          `${show(inc.call)} … ${[...partners].map((q) => `${inc.partner} in ${q}`).join(", ")}`,
          [ref(inc.proc, inc.call.stmt), ...ends],
        ),
      );
  }
  return out;
}

function show(c: Call): string {
  return c.args === "" ? c.callee : `${c.callee}(${c.args})`;
}

function rechecked(s: A.IfStmt): string {
  return `if ${expressionText(s.cond)} { … return }`;
}

/** The rechecks of one proc (the definition is at the top of this file). */
function rechecks(p: ProcDef, known: (name: string) => boolean): A.IfStmt[] {
  const params = new Set(p.decl.params.map((x) => x.name.name));
  const assigns: { name: string; start: number; value: A.Expr }[] = [];
  forEachStmt(p.decl.body, (s) => {
    if (s.kind === "AssignStmt")
      assigns.push({ name: s.target.name, start: s.span.start, value: s.value });
  });
  const locals = new Set(assigns.map((a) => a.name));
  const isVariable = (n: string): boolean => params.has(n) || locals.has(n);
  /** The reads an expression makes, as `callee(args)`. */
  const readsOf = (e: A.Expr): string[] => {
    const out: string[] = [];
    forEachExpr(e, (x) => {
      const name =
        x.kind === "CallExpr" || x.kind === "CommandExpr"
          ? x.callee.name
          : x.kind === "NameExpr" && !isVariable(x.name.name)
            ? x.name.name
            : undefined;
      if (name !== undefined && primitives.get(name)?.effect === "read")
        out.push(x.kind === "NameExpr" ? name : expressionText(x));
    });
    return out;
  };
  const namesOf = (e: A.Expr): string[] => {
    const out: string[] = [];
    forEachExpr(e, (x) => {
      if (x.kind === "NameExpr" && isVariable(x.name.name)) out.push(x.name.name);
    });
    return out;
  };
  const found: A.IfStmt[] = [];
  const walk = (b: A.Block, held: readonly Call[]): void => {
    let live = [...held];
    for (const s of b.stmts) {
      const c = callOf(s);
      if (c !== undefined) {
        const unlock = unlockOf(c.callee, known);
        if (unlock !== undefined) live.push(c);
        else
          live = live.filter(
            (l) =>
              !(unlockOf(l.callee, known) === c.callee && (c.args === l.args || c.args === "")),
          );
      }
      if (s.kind === "IfStmt") {
        if (live.some((l) => isRecheck(s, l))) found.push(s);
        walk(s.then, live);
        for (let e = s.else; e !== undefined; e = e.kind === "IfStmt" ? e.else : undefined) {
          walk(e.kind === "IfStmt" ? e.then : e, live);
          if (e.kind === "Block") break;
        }
      } else if (s.kind === "ForStmt" || s.kind === "WhileStmt" || s.kind === "AtomicStmt")
        walk(s.body, live);
    }
  };
  /** Reads shared state under `lock`, and gives it up and returns when the check fails. */
  const isRecheck = (s: A.IfStmt, lock: Call): boolean => {
    const last = s.then.stmts[s.then.stmts.length - 1];
    if (s.else !== undefined || last?.kind !== "ReturnStmt") return false;
    const partner = unlockOf(lock.callee, known);
    const releases = s.then.stmts.some((u) => {
      const c = callOf(u);
      return c !== undefined && c.callee === partner && (c.args === lock.args || c.args === "");
    });
    const at = lock.stmt.span.start;
    const readAfter = (n: string): boolean =>
      assigns.some(
        (a) =>
          a.name === n && a.start > at && a.start < s.span.start && readsOf(a.value).length > 0,
      );
    return releases && (readsOf(s.cond).length > 0 || namesOf(s.cond).some(readAfter));
  };
  walk(p.decl.body, []);
  return found;
}
