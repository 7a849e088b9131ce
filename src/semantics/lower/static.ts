import type { DiagnosticBag } from "../../diagnostics/diagnostic.js";
import type { Span } from "../../diagnostics/span.js";
import type * as A from "../../syntax/ast.js";
import type { Value } from "../ir.js";
import type { Scenario } from "../scenario.js";
import { enumValues, type Type } from "../../primitives/types.js";
import { faddrCode, type Universe } from "../universe.js";
import { allFpagesName } from "../typecheck.js";
import type { Binding } from "./env.js";
import { constantCode, enumCode, foldBin } from "./ir-values.js";

/**
 * Static evaluation: what is known at compile time. Pages, files, enum words, constants and
 * `fixed(…)` are; so are loop variables (`for` is unrolled) and proc parameters bound to such
 * values at a call site.
 */

/** A value known at compile time. */
export type Static =
  | { readonly t: "page"; readonly id: number }
  | { readonly t: "range"; readonly ids: readonly number[] }
  | { readonly t: "file"; readonly ids: readonly number[] }
  | { readonly t: "fpage"; readonly id: number }
  | { readonly t: "addr"; readonly page: number; readonly word: number }
  | { readonly t: "faddr"; readonly fpage: number; readonly word: number }
  | { readonly t: "int"; readonly v: number }
  | { readonly t: "anon" };

/** What static evaluation reads: the checked scenario, its pages, the fixes applied. */
export interface StaticScope {
  readonly s: Scenario;
  readonly u: Universe;
  /** `fixed(C)` is whether C is applied in the kernel configuration being lowered. */
  readonly fixes: ReadonlyMap<string, boolean>;
  /** Indices and slices out of range are reported here (E202). */
  readonly bag: DiagnosticBag;
}

/** The compile-time value of an expression, if it has one. */
export function staticOf(
  scope: StaticScope,
  e: A.Expr,
  bindings: ReadonlyMap<string, Binding>,
  want?: Type,
): Static | undefined {
  const { s, u, bag } = scope;
  const of = (x: A.Expr, w?: Type): Static | undefined => staticOf(scope, x, bindings, w);
  switch (e.kind) {
    case "IntLit":
      return { t: "int", v: e.value };
    case "BoolLit":
      return { t: "int", v: e.value ? 1 : 0 };
    case "NameExpr": {
      // The checker's resolution wins: an enum word or a region is never shadowed by a local.
      const r = s.resolved.get(e);
      const b = bindings.get(e.name.name);
      if (b !== undefined && (r === undefined || r.kind === "local"))
        return b.k === "static" ? b.s : undefined;
      if (r === undefined) return undefined;
      switch (r.kind) {
        case "region":
          return { t: "range", ids: u.regions.get(r.name)! };
        case "file":
          return {
            t: "file",
            ids: r.name === allFpagesName ? [...u.files.values()].flat() : u.files.get(r.name)!,
          };
        case "const":
          return { t: "int", v: constantCode(r.name) };
        case "enum": {
          if (r.value === "anon") return { t: "anon" };
          const type = s.types.get(e) ?? want;
          return type !== undefined && enumValues[type]
            ? { t: "int", v: enumCode(type, r.value) }
            : undefined;
        }
        default:
          return undefined;
      }
    }
    case "IndexExpr": {
      const target = of(e.target);
      const index = of(e.index);
      if (target === undefined || index?.t !== "int") return undefined;
      const ids =
        target.t === "range" || target.t === "file"
          ? target.ids
          : target.t === "page"
            ? [target.id]
            : undefined;
      const id = ids?.[index.v];
      if (ids === undefined) return undefined;
      if (id === undefined) {
        bag.error(
          "E202",
          e.index.span,
          `index ${index.v} is past the last page (${ids.length - 1})`,
        );
        return { t: "int", v: 0 };
      }
      return target.t === "file" ? { t: "fpage", id } : { t: "page", id };
    }
    case "SliceExpr": {
      const target = of(e.target);
      const first = of(e.first);
      const last = of(e.last);
      // A range parameter may hold a page: a call passed `X[1]`.
      const ids =
        target?.t === "range" ? target.ids : target?.t === "page" ? [target.id] : undefined;
      if (ids === undefined || first?.t !== "int" || last?.t !== "int") return undefined;
      const bad = (span: Span, message: string): Static => {
        bag.error("E202", span, message);
        return { t: "range", ids }; // the whole range, so that no error follows from this one
      };
      const end = ids.length - 1;
      if (first.v < 0) return bad(e.first.span, `index ${first.v} is before the first page (0)`);
      if (last.v > end) return bad(e.last.span, `index ${last.v} is past the last page (${end})`);
      if (last.v < first.v)
        return bad(
          { start: e.first.span.start, end: e.last.span.end },
          `a slice's last page (${last.v}) is before its first (${first.v})`,
        );
      return { t: "range", ids: ids.slice(first.v, last.v + 1) };
    }
    case "MemberExpr": {
      if (e.member.kind !== "IntLit") return undefined;
      const target = of(e.target);
      const word = e.member.value;
      if (target?.t === "page") return { t: "addr", page: target.id, word };
      if (target?.t === "range") return { t: "addr", page: target.ids[0]!, word };
      if (target?.t === "fpage") return { t: "faddr", fpage: target.id, word };
      return undefined;
    }
    case "CallExpr": {
      const r = s.resolved.get(e);
      if (r?.kind === "fixed") return { t: "int", v: scope.fixes.get(r.commit) ? 1 : 0 };
      if (r?.kind !== "builtin") return undefined;
      const args = e.args.map((a) => of(a));
      if (r.name === "same_ptl") {
        // pte_lockptr(): one split PTL per page-table page, as the scenario places the regions.
        const [a, b] = args.map((x) => addressOf(x)?.page);
        if (a === undefined || b === undefined) return undefined;
        return { t: "int", v: u.pageTable[a] === u.pageTable[b] ? 1 : 0 };
      }
      if (r.name === "fault_around_pages") {
        // do_fault_around()'s window: the fault's region (docs/model.md, fault-around).
        const a = addressOf(args[0])?.page;
        if (a === undefined) return undefined;
        return { t: "range", ids: [...u.regions.get(u.pages[a]!.region)!] };
      }
      if (r.name === "file_page") {
        const a = asFaddr(args[0]);
        return a ? { t: "fpage", id: a.fpage } : undefined;
      }
      if (r.name === "file_page_word") {
        const a = asFaddr(args[0]);
        return a ? { t: "int", v: a.word } : undefined;
      }
      return undefined;
    }
    case "UnaryExpr": {
      const a = of(e.operand);
      if (a?.t !== "int") return undefined;
      return { t: "int", v: e.op === "!" ? (a.v ? 0 : 1) : -a.v };
    }
    case "BinaryExpr": {
      const a = of(e.left);
      // Short-circuit at compile time: `fixed(X) && …` needs no value on the right when false.
      if (a?.t === "int" && ((e.op === "&&" && a.v === 0) || (e.op === "||" && a.v !== 0)))
        return { t: "int", v: a.v ? 1 : 0 };
      const b = of(e.right, s.types.get(e.left));
      if (a?.t !== "int" || b?.t !== "int") return undefined;
      const v = foldBin(e.op, { k: "const", v: a.v }, { k: "const", v: b.v });
      return v.k === "const" ? { t: "int", v: v.v } : undefined;
    }
    default:
      return undefined;
  }
}

/** A static value as an IR value: pages and file pages by id, ranges as runs of page ids. */
export function staticValue(s: Static): Value {
  switch (s.t) {
    case "page":
    case "fpage":
      return { k: "const", v: s.id };
    case "range":
    case "file":
      return { k: "pages", ids: s.ids };
    case "int":
      return { k: "const", v: s.v };
    case "addr":
      return { k: "const", v: s.page };
    case "faddr":
      return { k: "const", v: faddrCode(s.fpage, s.word) };
    case "anon":
      return { k: "const", v: 0 };
  }
}

/** How many rounds `for` unrolls to over a static value: its pages (0 when not static). */
export function roundsOver(over: Static | undefined): number {
  if (over?.t === "range" || over?.t === "file") return over.ids.length;
  return over?.t === "page" ? 1 : 0;
}

/** The page and word a static address names: a page or range means its first page's word 0. */
export function addressOf(at: Static | undefined): { page: number; word: number } | undefined {
  if (at?.t === "addr") return at;
  if (at?.t === "page") return { page: at.id, word: 0 };
  if (at?.t === "range") return { page: at.ids[0]!, word: 0 };
  return undefined;
}

function asFaddr(s: Static | undefined): { fpage: number; word: number } | undefined {
  if (s?.t === "faddr") return s;
  if (s?.t === "fpage") return { fpage: s.id, word: 0 };
  return undefined;
}
