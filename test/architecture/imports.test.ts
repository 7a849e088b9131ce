import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

/**
 * The pipeline's direction, checked over the real imports of every file under src/: a stage
 * imports only itself and the stages before it. `primitives` (the primitive registry) and
 * `kernel` (the prelude) sit where their users need them; a folder missing here fails the test
 * until it is placed.
 */
const stages = [
  "syntax",
  "primitives",
  "semantics",
  "kernel",
  "model",
  "explore",
  "judge",
  "report",
  "mutate",
  "hunt",
  "lsp",
  "cli",
] as const;

/** Leaves: any stage may import them; they import only these. */
const leaves: Readonly<Record<string, readonly string[]>> = {
  diagnostics: ["diagnostics"],
  format: ["format", "syntax", "diagnostics"],
};

/** The package's entry (src/index.ts) re-exports the public API of any stage. */
const entry = "index";

/** Packages that belong to one folder: the formatter's prettier stays out of the reports. */
const packageOwners: Readonly<Record<string, string>> = {
  prettier: "format",
  "vscode-languageserver": "lsp",
  "vscode-languageserver-textdocument": "lsp",
};

/**
 * Imports against the direction that remain in files this change did not own, each with why.
 * The test fails when one of them is gone, so the list says exactly what is left to do.
 */
const knownExceptions: readonly string[] = [];

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

/** Every import of a file: static and dynamic, values and types, re-exports included. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean): void => {
    if (node !== undefined && ts.isStringLiteral(node))
      out.push({ file, specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node))
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal, true);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined
    )
      add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** The folder of src/ a file belongs to; files directly in src/ are the package's entry. */
function folderOf(srcPath: string): string {
  const parts = srcPath.split("/");
  return parts.length === 1 ? entry : parts[0]!;
}

/** Why an import goes against the direction, or undefined when it is allowed. */
function violation(from: string, to: string): string | undefined {
  if (from === to || from === entry) return undefined;
  const allowed = leaves[from];
  if (allowed !== undefined)
    return allowed.includes(to) ? undefined : `${from} is a leaf: it imports only ${allowed}`;
  if (to in leaves) return undefined;
  const i = stages.indexOf(from as (typeof stages)[number]);
  const j = stages.indexOf(to as (typeof stages)[number]);
  if (i < 0) return `${from} is not placed in the pipeline (test/architecture/imports.test.ts)`;
  if (j < 0) return `${to} is not placed in the pipeline (test/architecture/imports.test.ts)`;
  return j <= i ? undefined : `${from} comes before ${to}`;
}

/** Every import under src/ against the direction, as `file → specifier: why`. */
function violations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles("src")) {
    const from = folderOf(relative("src", file));
    for (const imp of importsOf(file)) {
      if (imp.specifier.startsWith(".")) {
        const target = relative(
          join(root, "src"),
          resolve(join(root, dirname(file)), imp.specifier),
        );
        const why = violation(from, folderOf(target));
        if (why !== undefined) out.push(`${file} → ${imp.specifier}: ${why}`);
      } else {
        const pkg = imp.specifier.split("/")[0]!;
        const owner = packageOwners[pkg];
        if (owner !== undefined && from !== owner)
          out.push(`${file} → ${imp.specifier}: only ${owner} uses ${pkg}`);
      }
    }
  }
  return out.sort();
}

describe("the pipeline's direction over the real imports of src/", () => {
  it("reads value, type, dynamic and re-export imports", () => {
    const imports = sourceFiles("src").flatMap(importsOf);
    expect(imports.length).toBeGreaterThan(200);
    expect(imports.some((i) => i.typeOnly)).toBe(true);
    // cli/fmt-command loads the formatter lazily, with import().
    expect(
      imports.some((i) => i.file.endsWith("fmt-command.ts") && i.specifier.includes("format")),
    ).toBe(true);
  });

  it("judges imports by the order of the stages and the leaves", () => {
    expect(violation("explore", "report")).toBe("explore comes before report");
    expect(violation("report", "explore")).toBeUndefined();
    expect(violation("model", "diagnostics")).toBeUndefined();
    expect(violation("format", "semantics")).toMatch(/leaf/);
    expect(violation("diagnostics", "syntax")).toMatch(/leaf/);
    expect(violation("primitives", "semantics")).toBe("primitives comes before semantics");
    expect(violation("newstage", "syntax")).toMatch(/not placed/);
  });

  it("no file imports a later stage, except the known exceptions", () => {
    expect(violations()).toEqual([...knownExceptions].sort());
  });
});
