import { dirname, join } from "node:path";
import { loadPrelude, preludeDir, type LoadedPrelude } from "../kernel/prelude.js";
import type { ProcDef } from "../semantics/scenario.js";
import type * as A from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";

/** The names a document can refer to: its own declarations, then the kernel prelude's. */

export function prelude(): LoadedPrelude {
  return loadPrelude();
}

/** The absolute path of a prelude file (its ProcDef.file is relative to the package root). */
export function preludePath(file: string): string {
  return join(dirname(dirname(preludeDir())), file);
}

/** The procs the document declares (read from the tree, so they exist before it checks). */
export function ownProcs(a: Analysis): Map<string, ProcDef> {
  const out = new Map<string, ProcDef>();
  for (const d of a.ast?.decls ?? [])
    if (d.kind === "ProcDecl") out.set(d.name.name, { decl: d, file: a.file, text: a.text });
  return out;
}

export function threadsOf(a: Analysis): A.ThreadDecl[] {
  return (a.ast?.decls ?? []).filter((d): d is A.ThreadDecl => d.kind === "ThreadDecl");
}

/** The registers a thread assigns (`w = store X 1`), first assignment first. */
export function registersOf(t: A.ThreadDecl): A.AssignStmt[] {
  const out: A.AssignStmt[] = [];
  const seen = new Set<string>();
  const visit = (b: A.Block): void => {
    for (const s of b.stmts) {
      if (s.kind === "AssignStmt" && !seen.has(s.target.name)) {
        seen.add(s.target.name);
        out.push(s);
      } else if (s.kind === "IfStmt") {
        visit(s.then);
        let e = s.else;
        while (e !== undefined) {
          if (e.kind === "Block") {
            visit(e);
            break;
          }
          visit(e.then);
          e = e.else;
        }
      } else if (s.kind === "ForStmt" || s.kind === "WhileStmt" || s.kind === "AtomicStmt")
        visit(s.body);
    }
  };
  visit(t.body);
  return out;
}
