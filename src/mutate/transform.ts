import {
  loadPreludeFrom,
  preludeDir,
  type LoadedPrelude,
  type ProcTransform,
} from "../kernel/prelude.js";
import type * as A from "../syntax/ast.js";
import type { Site } from "./sites.js";

/**
 * The prelude without one site: its statements replaced by `skip` in the AST between parsing and
 * checking, so the mutant is checked and lowered as the real prelude is. A `skip` changes no
 * state; it keeps a step where the site was, so that a loop whose only steps were the site's (a
 * user access retried after a fault that now takes no lock, a retry loop around lock_page())
 * still goes round one step at a time, as the C's takes time, where a loop with no step could
 * not be built at all.
 */
export function preludeWithout(site: Site, dir = preludeDir()): LoadedPrelude {
  return loadPreludeFrom(dir, without(site));
}

/** A transform replacing the site's statements (found again by file and offset) by `skip`. */
export function without(site: Site): ProcTransform {
  return (decl, file) => {
    const starts = new Set(site.removes.filter((r) => r.file === file).map((r) => r.start));
    if (starts.size === 0 || !site.procs.includes(decl.name.name)) return decl;
    return { ...decl, body: block(decl.body, starts) };
  };
}

function block(b: A.Block, starts: ReadonlySet<number>): A.Block {
  return {
    ...b,
    stmts: b.stmts.map(
      (s): A.Stmt =>
        starts.has(s.span.start) ? { kind: "SkipStmt", span: s.span } : stmt(s, starts),
    ),
  };
}

function stmt(s: A.Stmt, starts: ReadonlySet<number>): A.Stmt {
  switch (s.kind) {
    case "IfStmt":
      return ifStmt(s, starts);
    case "ForStmt":
    case "WhileStmt":
    case "AtomicStmt":
      return { ...s, body: block(s.body, starts) };
    default:
      return s;
  }
}

function ifStmt(s: A.IfStmt, starts: ReadonlySet<number>): A.IfStmt {
  const e = s.else;
  return {
    ...s,
    then: block(s.then, starts),
    else: e === undefined ? e : e.kind === "Block" ? block(e, starts) : ifStmt(e, starts),
  };
}
