import { createHash } from "node:crypto";
import { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { Judgement } from "../judge/judge.js";
import { valueText, type Outcome } from "../judge/outcomes.js";
import { enumValues, type Type } from "../primitives/types.js";
import { isObservation } from "../semantics/lower/condition.js";
import { constantCode, enumCode } from "../semantics/lower/ir-values.js";
import type { Observed } from "../semantics/ir.js";
import { anyMonitorText, monitorNames } from "../semantics/monitors.js";
import type { Scenario } from "../semantics/scenario.js";
import type * as A from "../syntax/ast.js";
import { expressionText } from "../syntax/expression-text.js";
import { lex } from "../syntax/lexer.js";
import { capitalized } from "./verdict.js";

/**
 * herd7's log format, as herd7 writes it (herd/top_herd.ml) and as herdtools' log reader reads
 * it (tools/lexLog_tools.mll, used by mcompare7 and msum7); docs/output.md states the rules.
 *
 * One block per scenario and kernel configuration:
 *
 *   Test NAME KIND                      KIND: Allowed (exists), Forbidden (~exists), Required (forall)
 *   …tlbl's lines…                      the reader skips every line up to `States`
 *   States N                            then N outcome lines: COUNT *>loc=v; … (*> where the
 *   Ok | No                             proposition holds, :> elsewhere)
 *   Witnesses
 *   Positive: P Negative: N
 *   Condition exists (loc=v /\ …)       only when herd's syntax can say it
 *   Observation NAME Sometimes|Always|Never P N
 *   Time NAME 0.01
 *   Hash=…
 *   …tlbl's lines…                      the reader skips every line up to the next `Test`
 *
 * A block that settles nothing (an incomplete search, or no final state) has a `Fatal:` line
 * before `States`: herd's reader drops the test there, so no herd tool reads a partial count as
 * No or Never. What follows it is for people: `Undecided` where Ok/No stands, no Observation.
 */

/** One block of the log: what the judge answered for one configuration, ready to print. */
export interface LogBlock {
  readonly test: string;
  readonly kernel: string;
  readonly fixes: readonly string[];
  readonly quantifier: A.Quantifier | undefined;
  /** The condition as the file writes it, and in herd's syntax when that can say it (else it is
   * written after the block). */
  readonly condition: { readonly tlbl: string; readonly herd: string | undefined } | undefined;
  readonly locations: readonly string[];
  readonly outcomes: readonly Outcome[];
  readonly judgement: Judgement;
  readonly positive: number;
  readonly negative: number;
  /** tlbl's lines before `States`: the kernel, what was explored, the monitors. */
  readonly header: readonly string[];
  /** Why nothing is settled: the search stopped, or no execution finished. */
  readonly undecidedWhy: string | undefined;
  readonly timeMs: number | undefined;
  readonly hash: string;
  /** tlbl's lines after `Hash`: the expectation, warnings. */
  readonly footer: readonly string[];
}

/**
 * The block's test name: the scenario's name, `+` and the kernel (herd joins a test name's parts
 * with `+`), then each fix toggled away from the release's own set. A log holds every
 * configuration a run judges, so each needs its own name: herd's reader merges or rejects two
 * blocks of one name. Only herd's test-name characters are kept.
 */
export function logTestName(test: string, kernel: string, fixes: readonly string[]): string {
  const fix = (f: string): string => {
    const at = f.lastIndexOf("=");
    const id = f.slice(0, at).replace(/[<>]/g, "");
    return `${id}-${f.slice(at + 1)}`;
  };
  return [test, kernel, ...fixes.map(fix)].map((p) => p.replace(/[^\w./\-[\]]+/g, ".")).join("+");
}

/** herd's kind of test: what its quantifier asks. */
export function logKind(q: A.Quantifier | undefined): string {
  return q === "forall" ? "Required" : q === "~exists" ? "Forbidden" : "Allowed";
}

/**
 * The locations as an outcome line names them. herd's reader takes a location only as a name
 * (letters, digits, `_`, `.`), `name[n]`, or `n:reg` with a numbered thread; tlbl's threads have
 * names, so `T1:w` is written `T1.w`, and every other character becomes a dot: `disk(F[0])` is
 * `disk.F.0`, `pte(X).dirty` is `pte.X.dirty`. Two that would meet get `_2`, `_3` on the later.
 */
export function logLocations(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  return texts.map((t) => {
    const base = /^[A-Za-z][\w.]*(\[\d+\])?$/.test(t)
      ? t
      : t
          .replace(/[^\w.]+/g, ".")
          .replace(/\.{2,}/g, ".")
          .replace(/^\.+|\.+$/g, "");
    let name = base;
    for (let k = 2; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}

/** An outcome line: its count, `*>` where the proposition holds (`:>` elsewhere), its values. */
export function outcomeLine(names: readonly string[], o: Outcome): string {
  const values = o.values.map((v, i) => `${names[i]}=${v};`).join(" ");
  return `${String(o.count).padEnd(8)}${o.holds ? "*>" : ":>"}${values}`;
}

/**
 * The condition in herd's syntax over the outcome lines' location names (`exists (T1.w=ok /\
 * X=1)`), or undefined when herd's syntax cannot say it (`<`, `+`, …): herd's reader checks a
 * condition it parses against the outcome lines, so it must name their locations and values.
 */
export function herdCondition(s: Scenario, observed: readonly Observed[]): string | undefined {
  const names = logLocations(observed.map((o) => o.text));
  const atom = (e: A.Expr): number | undefined => {
    if (!isObservation(s, e)) return undefined;
    const i = observed.findIndex((o) => o.text === expressionText(e));
    return i < 0 ? undefined : i;
  };
  const constant = (e: A.Expr, type: Type): string | undefined => {
    const code = constantValue(s, e, type);
    return code === undefined ? undefined : valueText(type, code);
  };
  const prop = (e: A.Expr, outer: "/\\" | "\\/" | undefined): string | undefined => {
    const i = atom(e);
    if (i !== undefined) return observed[i]!.type === "bool" ? `${names[i]}=1` : undefined;
    switch (e.kind) {
      case "BoolLit":
        return e.value ? "true" : "false";
      case "UnaryExpr": {
        const p = e.op === "!" ? prop(e.operand, undefined) : undefined;
        return p === undefined ? undefined : `~(${p})`;
      }
      case "BinaryExpr": {
        if (e.op === "&&" || e.op === "||") {
          const op = e.op === "&&" ? "/\\" : "\\/";
          const l = prop(e.left, op);
          const r = prop(e.right, op);
          if (l === undefined || r === undefined) return undefined;
          const text = `${l} ${op} ${r}`;
          return outer !== undefined && outer !== op ? `(${text})` : text;
        }
        if (e.op !== "==" && e.op !== "!=") return undefined;
        const eq = equality(e.left, e.right) ?? equality(e.right, e.left);
        return eq === undefined ? undefined : e.op === "==" ? eq : `~(${eq})`;
      }
      default:
        return undefined;
    }
  };
  const equality = (a: A.Expr, b: A.Expr): string | undefined => {
    const i = atom(a);
    if (i === undefined) return undefined;
    const j = atom(b);
    // A location against another: herd writes the right one in brackets.
    if (j !== undefined)
      return /^[A-Za-z][\w.]*$/.test(names[j]!) ? `${names[i]}=[${names[j]}]` : undefined;
    const v = constant(b, observed[i]!.type);
    return v === undefined ? undefined : `${names[i]}=${v}`;
  };
  if (s.condition === undefined) {
    const fired = monitorNames.map(
      (n) => names[observed.findIndex((o) => o.text === `fired(${n})`)],
    );
    return `exists (${fired.map((n) => `${n}=1`).join(" \\/ ")})`;
  }
  const p = prop(s.condition.expr, undefined);
  return p === undefined ? undefined : `${s.condition.quantifier} (${p})`;
}

/** A constant of a condition as the model's number for it, read as a value of `type`. */
function constantValue(s: Scenario, e: A.Expr, type: Type): number | undefined {
  switch (e.kind) {
    case "IntLit":
      return e.value;
    case "BoolLit":
      return e.value ? 1 : 0;
    case "UnaryExpr":
      if (e.op !== "-" || e.operand.kind !== "IntLit") return undefined;
      return -e.operand.value;
    case "NameExpr": {
      const r = s.resolved.get(e);
      if (r?.kind === "const") return constantCode(r.name);
      if (r?.kind === "enum" && enumValues[type]?.includes(r.value)) return enumCode(type, r.value);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The condition as the file writes it (a scenario without one asks whether a monitor fired). */
export function conditionText(s: Scenario): string {
  return s.condition
    ? `${s.condition.quantifier} (${expressionText(s.condition.expr)})`
    : anyMonitorText;
}

/**
 * herd's Hash line identifies the test, not the model that ran it, so that logs of two models
 * compare; tlbl's is the MD5 of the scenario's tokens (comments and layout do not count).
 */
export function scenarioHash(s: Scenario): string {
  const tokens = lex(s.text, new DiagnosticBag(s.file)).tokens.map((t) => t.image);
  return createHash("md5").update(tokens.join(" ")).digest("hex");
}

/** The lines of one block (see the module's comment). */
export function logLines(b: LogBlock): string[] {
  const name = logTestName(b.test, b.kernel, b.fixes);
  const j = b.judgement;
  const decided = j.verdict !== undefined;
  const lines = [`Test ${name} ${logKind(b.quantifier)}`, ...b.header];
  if (!decided)
    lines.push(`Fatal: Undecided: ${b.undecidedWhy ?? "nothing settles the condition"}`);
  const names = logLocations(b.locations);
  lines.push(`States ${b.outcomes.length}`, ...b.outcomes.map((o) => outcomeLine(names, o)));
  lines.push(
    !decided ? "Undecided" : j.conditionOk === undefined ? "??" : j.conditionOk ? "Ok" : "No",
  );
  // herd counts the witnesses of the question asked: for ~exists, the final states without P.
  const [pos, neg] =
    b.quantifier === "~exists" ? [b.negative, b.positive] : [b.positive, b.negative];
  lines.push("Witnesses", `Positive: ${pos} Negative: ${neg}`);
  if (b.condition?.herd !== undefined) lines.push(`Condition ${b.condition.herd}`);
  if (decided)
    lines.push(`Observation ${name} ${capitalized(j.verdict!)} ${b.positive} ${b.negative}`);
  if (b.timeMs !== undefined) lines.push(`Time ${name} ${(b.timeMs / 1000).toFixed(2)}`);
  lines.push(`Hash=${b.hash}`);
  // A condition herd's syntax cannot say is written after the block, where the reader skips.
  if (b.condition !== undefined && b.condition.herd === undefined)
    lines.push(`Condition ${b.condition.tlbl}`);
  return [...lines, ...b.footer];
}
