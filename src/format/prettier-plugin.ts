import type { AstPath, Doc, Parser, Plugin, Printer, SupportLanguage } from "prettier";
// The doc builders alone: the CLI loads this module to print conditions, without all of prettier.
import * as doc from "prettier/doc";
import type * as A from "../syntax/ast.js";
import { unreachable } from "../syntax/ast.js";
import {
  operandPrecedence,
  postfixPrecedence,
  precedence,
  unaryPrecedence,
} from "../syntax/precedence.js";
import { parse } from "../syntax/parse.js";
import { renderDiagnostic } from "../diagnostics/render.js";

/**
 * The prettier plugin for .tlb files: a `tlb` language, parser and printer. Prettier attaches the
 * comments; the printer prints the canonical layout of docs/language.md ("Formatting").
 */

const { fill, group, indent, join, hardline, line, softline } = doc.builders;

/** A comment as prettier wants it: with its text and offsets. */
interface CommentNode {
  readonly kind: "Comment";
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly block: boolean;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
}

type Root = A.TestFile & { comments: CommentNode[] };
type AnyNode =
  | A.Decl
  | A.InitItem
  | A.Stmt
  | A.Block
  | A.ScheduleItem
  | A.Annotation
  | A.TestFile
  | CommentNode;

const tlbParser: Parser<AnyNode> = {
  astFormat: "tlb-ast",
  parse(text, options) {
    const file = (options as { filepath?: string }).filepath ?? "<input>";
    const result = parse(text, file);
    if (result.ast === undefined) {
      const first = result.diagnostics[0]!;
      throw new SyntaxError(renderDiagnostic(first, text, { color: false }));
    }
    const comments: CommentNode[] = result.comments.map((t) => ({
      kind: "Comment",
      text: t.image,
      start: t.startOffset,
      end: (t.endOffset ?? t.startOffset) + 1,
      block: t.image.startsWith("/*"),
    }));
    return { ...result.ast, comments } as Root;
  },
  locStart: (n) => ("span" in n ? n.span.start : n.start),
  locEnd: (n) => ("span" in n ? n.span.end : n.end),
};

/** The nodes a comment may attach to: whole lines of the program. */
function commentChildren(n: AnyNode): AnyNode[] {
  switch (n.kind) {
    case "TestFile":
      return [...n.decls];
    case "InitDecl":
      return [...n.items];
    case "ProcDecl":
      return [...n.annotations, n.body];
    case "ThreadDecl":
    case "AfterDecl":
      return [n.body];
    case "Block":
      return [...n.stmts];
    case "IfStmt":
      return n.else ? [n.then, n.else] : [n.then];
    case "ForStmt":
    case "WhileStmt":
    case "AtomicStmt":
      return [n.body];
    case "ScheduleDecl":
      return [...n.items];
    default:
      return [];
  }
}

const printer: Printer<AnyNode> = {
  print(path, options, print) {
    // Prettier 3 accepts a property name as well as a path; its typings only say path.
    return printNode(path, options.originalText, print as unknown as Print);
  },
  canAttachComment: (n) => n.kind !== "Comment",
  isBlockComment: (n) => n.kind === "Comment" && n.block,
  printComment(path) {
    const c = path.node as CommentNode;
    return c.text.trimEnd();
  },
  getCommentChildNodes: (n) => commentChildren(n),
  getVisitorKeys: (n) => visitorKeys(n),
};

function visitorKeys(n: AnyNode): string[] {
  switch (n.kind) {
    case "TestFile":
      return ["decls"];
    case "InitDecl":
      return ["items"];
    case "ProcDecl":
      return ["annotations", "body"];
    case "ThreadDecl":
    case "AfterDecl":
    case "ForStmt":
    case "WhileStmt":
    case "AtomicStmt":
      return ["body"];
    case "Block":
      return ["stmts"];
    case "IfStmt":
      return n.else ? ["then", "else"] : ["then"];
    case "ScheduleDecl":
      return ["items"];
    default:
      return [];
  }
}

type Print = (selector?: string | number | (string | number)[]) => Doc;

function printNode(path: AstPath<AnyNode>, text: string, print: Print): Doc {
  const n = path.node;
  switch (n.kind) {
    case "TestFile":
      return printFile(path as AstPath<A.TestFile>, text, print);
    case "InitDecl":
      return ["init ", printLines(path, "items", text, print)];
    case "FileInit":
      return `file ${n.name.name} = [${n.pages.map((p) => p.text).join(", ")}]`;
    case "MapInit":
      return [
        n.name.name,
        " = mmap ",
        mapSource(n.source),
        " ",
        n.sharing.name,
        " ",
        n.prot.name,
        ...n.options.map((o) => ` ${o.name}`),
      ];
    case "UnmappedInit":
      return [n.name.name, " = unmapped", n.pages ? `[${n.pages.text}]` : ""];
    case "PmdInit":
      return ["pmd ", n.regions.map((r) => r.name).join(", ")];
    case "TlbInit":
      return ["tlb ", n.cpu.name, " ", expr(n.address), ...n.flags.map((f) => ` ${f.name}`)];
    case "MemInit":
      return [expr(n.address), " = ", n.value.text];
    case "ThreadDecl":
      return [
        n.isKernel ? "kthread " : "thread ",
        n.name.name,
        " on ",
        n.cpu.name,
        " ",
        print("body"),
      ];
    case "ProcDecl": {
      const params = n.params.map((p) => `${p.name.name}: ${p.type.name}`).join(", ");
      const head = [`proc ${n.name.name}(${params})`, n.result ? `: ${n.result.name}` : ""];
      // A doc string and the annotations go one a line under the signature, the body after.
      const lines: Doc[] = [
        ...(n.doc ? [n.doc.text] : []),
        ...path.map(() => print(), "annotations"),
      ];
      return lines.length
        ? [...head, indent(lines.map((l) => [hardline, l])), hardline, print("body")]
        : [...head, " ", print("body")];
    }
    case "ModelsAnnotation":
      return ["models ", n.functions.map((f) => f.name).join(", "), " in ", n.path.text];
    case "FollowsAnnotation":
      return ["follows ", n.ranges.map(releaseRange).join(", ")];
    case "DeviationAnnotation":
      return ["deviation ", n.direction.name, " ", n.reason.text];
    case "AfterDecl":
      return ["after ", print("body")];
    case "ConditionDecl":
      return group([n.quantifier, " (", indent([softline, expr(n.expr)]), softline, ")"]);
    case "ExpectDecl": {
      const fixes = n.fixes.length ? [" with ", join(", ", n.fixes.map(fixSetting))] : [];
      return ["expect kernel ", n.kernel.text, ...fixes, " : ", n.verdict];
    }
    case "FixToggle":
      return fixSetting(n.setting);
    case "FixDef":
      return ["fix ", n.commit.text, " in ", n.release.text, " ", n.title.text];
    case "ScheduleDecl":
      return printSchedule(path as AstPath<A.ScheduleDecl>, print);
    case "ScheduleItem":
      return [n.thread.name, " ", scheduleAmount(n.amount)];
    case "OptionDecl":
      return ["option ", n.name.name, n.enabled ? "" : " off"];
    case "Block":
      return printLines(path, "stmts", text, print);
    case "ExprStmt":
      return expr(n.expr);
    case "AssignStmt":
      return [n.target.name, " = ", expr(n.value)];
    case "IfStmt": {
      const head: Doc[] = ["if ", expr(n.cond), " ", print("then")];
      if (n.else === undefined) return head;
      return [...head, " else ", print("else")];
    }
    case "ForStmt":
      return ["for ", n.variable.name, " in ", expr(n.iterable), " ", print("body")];
    case "WhileStmt":
      return ["while ", expr(n.cond), " ", print("body")];
    case "AtomicStmt":
      return ["atomic ", print("body")];
    case "LabelStmt":
      return ["label ", n.name.name];
    case "ReturnStmt":
      return n.value ? ["return ", expr(n.value)] : "return";
    case "SkipStmt":
      return "skip";
    case "Comment":
      return n.text;
    default:
      return unreachable(n);
  }
}

function printFile(path: AstPath<A.TestFile>, text: string, print: Print): Doc {
  const n = path.node;
  const parts: Doc[] = [];
  if (n.name) {
    parts.push("tlb ", n.name.name);
    if (n.doc) parts.push(hardline, n.doc.text);
  }
  path.each((_, i) => {
    const d = n.decls[i]!;
    const prev = n.decls[i - 1];
    if (parts.length > 0) {
      // One blank line between declarations; runs of one-line declarations of one kind stay
      // together unless the author separated them.
      const together =
        prev !== undefined &&
        prev.kind === d.kind &&
        isOneLine(d.kind) &&
        !blankLineBetween(text, prev.span.end, d.span.start);
      parts.push(hardline);
      if (!together) parts.push(hardline);
    }
    parts.push(print());
  }, "decls");
  parts.push(hardline);
  return parts;
}

function isOneLine(kind: A.Decl["kind"]): boolean {
  return (
    kind === "ExpectDecl" ||
    kind === "FixToggle" ||
    kind === "FixDef" ||
    kind === "OptionDecl" ||
    kind === "ConditionDecl"
  );
}

/** Did the author leave an empty line right after the line where `from` is (prettier's isNextLineEmpty)? */
function blankLineBetween(text: string, from: number, to: number): boolean {
  const eol = text.indexOf("\n", from);
  if (eol < 0 || eol >= to) return false;
  const next = text.indexOf("\n", eol + 1);
  const line = text.slice(eol + 1, next < 0 ? text.length : next);
  return next >= 0 && next < to && line.trim() === "";
}

/** `{`, one child per line (keeping single blank lines the author left), `}`. */
function printLines(
  path: AstPath<AnyNode>,
  key: "items" | "stmts",
  text: string,
  print: Print,
): Doc {
  const node = path.node as unknown as Record<
    string,
    readonly { span: { start: number; end: number } }[]
  >;
  const children = node[key]!;
  const dangling = printDangling(path);
  if (children.length === 0)
    return dangling.length ? ["{", indent([hardline, ...dangling]), hardline, "}"] : "{}";
  const body: Doc[] = [];
  path.each((p, i) => {
    if (i > 0) {
      body.push(hardline);
      if (blankLineBetween(text, children[i - 1]!.span.end, children[i]!.span.start))
        body.push(hardline);
    }
    body.push(print());
  }, key);
  return ["{", indent([hardline, ...body]), hardline, "}"];
}

/** Comments inside an empty block attach to the block itself. */
function printDangling(path: AstPath<AnyNode>): Doc[] {
  const comments = (path.node as { comments?: CommentNode[] }).comments ?? [];
  const out: Doc[] = [];
  for (const c of comments) {
    if (c.leading || c.trailing) continue;
    c.printed = true;
    if (out.length) out.push(hardline);
    out.push(c.text.trimEnd());
  }
  return out;
}

function printSchedule(path: AstPath<A.ScheduleDecl>, print: Print): Doc {
  const n = path.node;
  const head = ["schedule ", n.name.name, n.doc ? [" ", n.doc.text] : ""];
  const hasComments = n.items.some((i) => (i as { comments?: unknown[] }).comments?.length);
  const items = path.map(() => print(), "items");
  if (items.length === 0) return [...head, " {}"];
  if (hasComments) return [...head, " {", indent([hardline, join(hardline, items)]), hardline, "}"];
  // Items fill the lines, separated by `; `, the way the commit messages read.
  const filled: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) filled.push(line);
    filled.push(i < items.length - 1 ? [item, ";"] : item);
  });
  return [...head, " {", indent([hardline, fill(filled)]), hardline, "}"];
}

function scheduleAmount(a: A.ScheduleAmount): string {
  switch (a.kind) {
    case "Statements":
      return a.count.text;
    case "Steps":
      return `step ${a.count.text}`;
    case "UntilLabel":
      return `until ${a.label.name}`;
    case "Evicted":
      return "evicted";
    case "ToEnd":
      return "end";
  }
}

function releaseRange(r: A.ReleaseRange): string {
  return r.dots ? `${r.first?.text ?? ""}..${r.last?.text ?? ""}` : r.first!.text;
}

function fixSetting(s: A.FixSetting): string {
  return `fix ${s.commit.text} ${s.enabled ? "on" : "off"}`;
}

function mapSource(s: A.MapSource): string {
  if (s.kind === "AnonSource") return s.pages ? `anon[${s.pages.text}]` : "anon";
  if (s.first === undefined) return s.file.name;
  return s.last
    ? `${s.file.name}[${s.first.text}..${s.last.text}]`
    : `${s.file.name}[${s.first.text}]`;
}

// ---- expressions ----------------------------------------------------------------------------

/**
 * Prints an expression with the fewest parentheses that keep its tree: a child is wrapped when
 * it binds more loosely than its position requires (`outer`).
 */
export function expr(e: A.Expr, outer = 0): Doc {
  switch (e.kind) {
    case "IntLit":
    case "StringLit":
    case "VersionLit":
    case "CommitLit":
      return e.text;
    case "BoolLit":
      return e.value ? "true" : "false";
    case "NameExpr":
      return e.name.name;
    case "RegisterExpr":
      return `${e.thread.name}:${e.register.name}`;
    case "IndexExpr":
      return [expr(e.target, postfixPrecedence), "[", expr(e.index), "]"];
    case "SliceExpr":
      return [expr(e.target, postfixPrecedence), "[", expr(e.first), "..", expr(e.last), "]"];
    case "MemberExpr":
      return [
        expr(e.target, postfixPrecedence),
        ".",
        e.member.kind === "IntLit" ? e.member.text : e.member.name,
      ];
    case "CallExpr":
      return group([
        e.callee.name,
        "(",
        indent([
          softline,
          join(
            [",", line],
            e.args.map((a) => expr(a)),
          ),
        ]),
        softline,
        ")",
      ]);
    case "CommandExpr":
      return [
        e.callee.name,
        ...e.args.flatMap((a, i) => [
          e.arrows.includes(i) ? " -> " : " ",
          expr(a, postfixPrecedence),
        ]),
      ];
    case "UnaryExpr":
      return [e.op, expr(e.operand, unaryPrecedence)];
    case "BinaryExpr": {
      const operands = operandPrecedence(e.op);
      // A long expression breaks after an operator; the lexer reads the next line on.
      const inner: Doc = [
        expr(e.left, operands.left),
        " ",
        e.op,
        indent([line, expr(e.right, operands.right)]),
      ];
      const wrapped = precedence[e.op] < outer ? ["(", inner, ")"] : inner;
      return group(wrapped);
    }
    default:
      return unreachable(e);
  }
}

export const languages: SupportLanguage[] = [
  {
    name: "tlb",
    parsers: ["tlb"],
    extensions: [".tlb"],
    vscodeLanguageIds: ["tlb"],
  },
];

export const parsers = { tlb: tlbParser };
export const printers = { "tlb-ast": printer };

const plugin: Plugin<AnyNode> = { languages, parsers, printers };
export default plugin;
