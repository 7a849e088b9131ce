import type { SymbolKind } from "vscode-languageserver/node";
import type * as A from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";
import { rangeOf } from "./analysis.js";

/** LSP SymbolKind values used here. */
const Kind = {
  module: 2,
  function: 12,
  event: 24,
  object: 19,
  boolean: 17,
  key: 20,
} as const satisfies Record<string, SymbolKind>;

export interface Symbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: SymbolKind;
  readonly range: ReturnType<typeof rangeOf>;
  readonly selectionRange: ReturnType<typeof rangeOf>;
  readonly children?: Symbol[];
}

/** The outline: init, threads (with their labels), procs, the condition, expectations, schedules. */
export function documentSymbols(a: Analysis): Symbol[] {
  const r = (s: { start: number; end: number }): ReturnType<typeof rangeOf> => rangeOf(a.lines, s);
  const sym = (
    name: string,
    kind: SymbolKind,
    decl: { span: A.Ident["span"] },
    sel: A.Ident["span"],
    detail?: string,
    children?: Symbol[],
  ): Symbol => ({
    name,
    kind,
    range: r(decl.span),
    selectionRange: r(sel),
    ...(detail === undefined ? {} : { detail }),
    ...(children === undefined ? {} : { children }),
  });
  const out: Symbol[] = [];
  for (const d of a.ast?.decls ?? []) {
    switch (d.kind) {
      case "InitDecl":
        out.push(sym("init", Kind.object, d, d.span));
        break;
      case "ThreadDecl": {
        const labels = d.body.stmts.filter((s): s is A.LabelStmt => s.kind === "LabelStmt");
        out.push(
          sym(
            d.name.name,
            Kind.function,
            d,
            d.name.span,
            `${d.isKernel ? "kthread" : "thread"} on ${d.cpu.name}`,
            labels.map((l) => sym(l.name.name, Kind.key, l, l.name.span, "label")),
          ),
        );
        break;
      }
      case "ProcDecl":
        out.push(sym(d.name.name, Kind.function, d, d.name.span, "proc"));
        break;
      case "ScheduleDecl":
        out.push(sym(d.name.name, Kind.event, d, d.name.span, "schedule"));
        break;
      case "ConditionDecl":
        out.push(sym(d.quantifier, Kind.boolean, d, d.span, "condition"));
        break;
      case "ExpectDecl":
        out.push(sym(`expect kernel ${d.kernel.text}`, Kind.boolean, d, d.kernel.span, d.verdict));
        break;
      case "AfterDecl":
        out.push(sym("after", Kind.function, d, d.span));
        break;
      case "FixToggle":
      case "FixDef":
      case "OptionDecl":
        break;
    }
  }
  return out;
}
