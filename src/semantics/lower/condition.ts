import type { DiagnosticBag } from "../../diagnostics/diagnostic.js";
import type * as A from "../../syntax/ast.js";
import type { ThreadProgram, Value } from "../ir.js";
import type { Scenario } from "../scenario.js";
import type { Type } from "../../primitives/types.js";
import { enumValues } from "../../primitives/types.js";
import { faddrCode, type Universe } from "../universe.js";
import { constantCode, enumCode, fieldName, foldBin } from "./ir-values.js";
import { paramTypesOf } from "./signatures.js";

/** The scenario's condition over the final state, and the labels it orders. */

/** A label a condition orders (`T0.cleared < T1.scanned`): its rank id is its index. */
export interface RankedLabel {
  readonly thread: number;
  readonly label: string;
}

/** The labels the condition names, each once, in the order the checker resolved them. */
export function rankedLabels(s: Scenario): RankedLabel[] {
  const out: RankedLabel[] = [];
  for (const [, r] of s.resolved) {
    if (r.kind !== "label") continue;
    const thread = s.threads.findIndex((t) => t.name === r.thread);
    if (!out.some((x) => x.thread === thread && x.label === r.label))
      out.push({ thread, label: r.label });
  }
  return out;
}

/** The rank id of a thread's label, or undefined when no condition orders it. */
export function rankOf(
  ranks: readonly RankedLabel[],
  thread: number,
  label: string,
): number | undefined {
  const id = ranks.findIndex((r) => r.thread === thread && r.label === label);
  return id < 0 ? undefined : id;
}

interface ConditionScope {
  readonly s: Scenario;
  readonly u: Universe;
  readonly threads: readonly ThreadProgram[];
  readonly ranks: readonly RankedLabel[];
  readonly bag: DiagnosticBag;
}

/** A condition expression as a value over the final state: registers by thread, memory by page. */
export function lowerCondition(cx: ConditionScope, e: A.Expr): Value {
  const r = cx.s.resolved.get(e);
  switch (e.kind) {
    case "IntLit":
      return { k: "const", v: e.value };
    case "BoolLit":
      return { k: "const", v: e.value ? 1 : 0 };
    case "RegisterExpr": {
      const thread = r?.kind === "register" ? cx.threads.findIndex((t) => t.name === r.thread) : -1;
      const v = cx.threads[thread]?.vars.find((x) => x.isRegister && x.name === e.register.name);
      if (v === undefined) {
        cx.bag.error("E105", e.span, "this register is never written");
        return { k: "const", v: 0 };
      }
      return { k: "reg", thread, v: v.id };
    }
    case "NameExpr":
      if (r?.kind === "const") return { k: "const", v: constantCode(r.name) };
      if (r?.kind === "region") return location(cx, e);
      if (r?.kind === "cpu") return { k: "const", v: r.index };
      if (r?.kind === "enum") {
        const type = cx.s.types.get(e);
        if (type !== undefined && enumValues[type])
          return { k: "const", v: enumCode(type, r.value) };
      }
      return { k: "const", v: 0 };
    case "IndexExpr":
    case "MemberExpr": {
      if (r?.kind === "label") {
        const thread = cx.threads.findIndex((t) => t.name === r.thread);
        return { k: "rank", id: rankOf(cx.ranks, thread, r.label) ?? -1 };
      }
      const t = cx.s.types.get(e);
      if (t === "addr" || t === "page" || t === "faddr" || t === "fpage") return location(cx, e);
      const m = e as A.MemberExpr;
      return {
        k: "field",
        field: fieldName(cx.s.types.get(m.target) ?? "pte", m.member),
        a: lowerCondition(cx, m.target),
      };
    }
    case "CallExpr": {
      const types = paramTypesOf(e.callee.name);
      return {
        k: "call",
        name: e.callee.name,
        args: e.args.map((a, i) => argument(cx, a, types[i])),
      };
    }
    case "UnaryExpr":
      return e.op === "!"
        ? { k: "not", a: lowerCondition(cx, e.operand) }
        : { k: "neg", a: lowerCondition(cx, e.operand) };
    case "BinaryExpr":
      return foldBin(e.op, lowerCondition(cx, e.left), lowerCondition(cx, e.right));
    default:
      return { k: "const", v: 0 };
  }
}

/** `X.1` or `F[0]` as a value: memory through the page table, or the file as pread sees it. */
function location(cx: ConditionScope, e: A.Expr): Value {
  const a = address(cx, e);
  if (a === undefined) return { k: "const", v: 0 };
  return {
    k: "call",
    name: a.file ? "file_word" : "mem_word",
    args: [
      { k: "const", v: a.id },
      { k: "const", v: a.word },
    ],
  };
}

function address(
  cx: ConditionScope,
  e: A.Expr,
): { file: boolean; id: number; word: number } | undefined {
  if (e.kind === "MemberExpr" && e.member.kind === "IntLit") {
    const base = address(cx, e.target);
    return base ? { ...base, word: e.member.value } : undefined;
  }
  if (e.kind === "NameExpr") {
    const ids = cx.u.regions.get(e.name.name);
    return ids ? { file: false, id: ids[0]!, word: 0 } : undefined;
  }
  if (e.kind === "IndexExpr" && e.target.kind === "NameExpr" && e.index.kind === "IntLit") {
    const pages = cx.u.regions.get(e.target.name.name);
    if (pages) return { file: false, id: pages[e.index.value]!, word: 0 };
    const fps = cx.u.files.get(e.target.name.name);
    if (fps) return { file: true, id: fps[e.index.value]!, word: 0 };
  }
  return undefined;
}

/** Arguments of the condition primitives: pages, file pages and CPUs are constants. */
function argument(cx: ConditionScope, e: A.Expr, type: Type | undefined): Value {
  const r = cx.s.resolved.get(e);
  if (type === "cpu" && r?.kind === "cpu") return { k: "const", v: r.index };
  const a = address(cx, e);
  if (a !== undefined && (type === "page" || type === "fpage")) return { k: "const", v: a.id };
  if (a !== undefined && type === "faddr") return { k: "const", v: faddrCode(a.id, a.word) };
  return lowerCondition(cx, e);
}
