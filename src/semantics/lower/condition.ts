import type { DiagnosticBag } from "../../diagnostics/diagnostic.js";
import type * as A from "../../syntax/ast.js";
import type { Observed, ThreadProgram, Value } from "../ir.js";
import { expressionText } from "../../syntax/expression-text.js";
import { monitorNames } from "../monitors.js";
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

/**
 * Is this part of a condition one observation of the final state, herd7's "location": a
 * register, a memory or file word, a label (ordered by rank), a field of a PTE or TLB entry, or
 * a call such as `disk(F[0])` or `fired(stale_tlb)`? Constants and operators are not; an
 * observation's arguments are part of it.
 */
export function isObservation(s: Scenario, e: A.Expr): boolean {
  switch (e.kind) {
    case "RegisterExpr":
    case "CallExpr":
    case "IndexExpr":
    case "MemberExpr":
      return true;
    case "NameExpr":
      return s.resolved.get(e)?.kind === "region";
    default:
      return false;
  }
}

/**
 * What the outcome lines show: the condition's observations in the order it names them (the
 * monitors' when there is no condition), then every register it does not name, then the other
 * monitors when they run.
 */
export function observedOf(cx: ConditionScope, monitors: boolean): Observed[] {
  const out: Observed[] = [];
  const add = (o: Observed): void => {
    if (!out.some((x) => x.text === o.text)) out.push(o);
  };
  const walk = (e: A.Expr): void => {
    if (isObservation(cx.s, e)) {
      const type = cx.s.types.get(e);
      const r = cx.s.resolved.get(e);
      const numeric = r?.kind === "label" || r?.kind === "region" || isLocationType(type);
      add({
        text: expressionText(e),
        type: numeric || type === undefined ? "int" : type,
        value: lowerCondition(cx, e),
      });
    } else if (e.kind === "UnaryExpr") walk(e.operand);
    else if (e.kind === "BinaryExpr") {
      walk(e.left);
      walk(e.right);
    }
  };
  const fired = monitorNames.map(
    (name, code): Observed => ({
      text: `fired(${name})`,
      type: "bool",
      value: { k: "call", name: "fired", args: [{ k: "const", v: code }] },
    }),
  );
  if (cx.s.condition) walk(cx.s.condition.expr);
  else fired.forEach(add);
  cx.threads.forEach((t, thread) => {
    for (const v of t.vars)
      if (v.isRegister)
        add({
          text: `${t.name}:${v.name}`,
          type: v.type,
          value: { k: "reg", thread, v: v.id },
        });
  });
  if (monitors) fired.forEach(add);
  return out;
}

const isLocationType = (t: string | undefined): boolean =>
  t === "addr" || t === "page" || t === "faddr" || t === "fpage" || t === "range";

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
