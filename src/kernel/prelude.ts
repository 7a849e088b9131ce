import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { parse } from "../syntax/parse.js";
import type { FixDef, ProcDef, Resolved } from "../semantics/scenario.js";
import type { Type } from "../primitives/types.js";
import type { Expr, ProcDecl } from "../syntax/ast.js";
import { TypeChecker, type Prelude } from "../semantics/typecheck.js";
import { fixIdForm, isFixId, isKnownRelease } from "../semantics/kernel-versions.js";

/**
 * The kernel prelude: the mm paths, written in .tlb, one file per kernel source file
 * (src/kernel/*.tlb). Loaded once per process.
 */

export interface LoadedPrelude extends Prelude {
  /** Source texts by file name, for diagnostics and traces. */
  readonly sources: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** The folder holding the .tlb files: src/kernel of the package, from source or from dist. */
export function preludeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "src", "kernel");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("cannot find the kernel prelude (src/kernel/*.tlb)");
}

let cached: LoadedPrelude | undefined;

export function loadPrelude(): LoadedPrelude {
  cached ??= loadPreludeFrom(preludeDir());
  return cached;
}

/**
 * Rewrites a prelude proc between parsing and checking, so a changed prelude goes through the
 * same checks and lowering as the real one (`tlbl mutate` drops a protective site this way).
 */
export type ProcTransform = (decl: ProcDecl, file: string) => ProcDecl;

export function loadPreludeFrom(dir: string, transform?: ProcTransform): LoadedPrelude {
  const procs = new Map<string, ProcDef>();
  const fixes = new Map<string, FixDef>();
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const root = dirname(dirname(dir));
  const asts = [];
  const types = new Map<Expr, Type>();
  const resolved = new Map<Expr, Resolved>();
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".tlb"))
    .sort()) {
    const path = join(dir, name);
    const file = relative(root, path);
    const text = readFileSync(path, "utf8");
    sources.set(file, text);
    const r = parse(text, file);
    diagnostics.push(...r.diagnostics);
    if (r.ast === undefined) continue;
    const bag = new DiagnosticBag(file);
    for (const d of r.ast.decls) {
      if (d.kind === "ProcDecl") {
        const decl = transform ? transform(d, file) : d;
        if (procs.has(d.name.name))
          bag.error(
            "E100",
            d.name.span,
            `proc \`${d.name.name}\` is already declared in the prelude`,
          );
        procs.set(d.name.name, { decl, file, text });
      } else if (d.kind === "FixDef") {
        if (!isFixId(d.commit.id))
          bag.error("E303", d.commit.span, `\`${d.commit.id}\` is not ${fixIdForm}`);
        if (!isKnownRelease(d.release.text)) bag.error("E107", d.release.span, "unknown release");
        fixes.set(d.commit.id, {
          commit: d.commit.id,
          release: d.release.text,
          title: d.title.value,
        });
      } else {
        bag.error("E203", d.span, "the prelude holds procs and fixes only");
      }
    }
    diagnostics.push(...bag.items);
    asts.push({ file, ast: r.ast });
  }
  for (const { file, ast } of asts) {
    const bag = new DiagnosticBag(file);
    const tc = new TypeChecker(bag, {
      files: [],
      regions: [],
      threads: [],
      procs,
      fixes,
      types,
      resolved,
    });
    for (const d of ast.decls)
      if (d.kind === "ProcDecl") tc.checkProc(procs.get(d.name.name)?.decl ?? d);
    tc.checkRecursion(procs, new Set([...procs.keys()].filter((k) => procs.get(k)!.file === file)));
    diagnostics.push(...bag.items);
  }
  return { procs, fixes, types, resolved, sources, diagnostics };
}
