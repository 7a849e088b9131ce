import type { AstPath, Doc, Parser, Plugin, Printer, SupportLanguage } from "prettier";
// The doc builders alone: the CLI loads this module to print conditions, without all of prettier.
import * as doc from "prettier/doc";
import type * as A from "../syntax/ast.js";
import { unreachable } from "../syntax/ast.js";
import {
  endsWithNumber,
  isArgumentAtom,
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

const { breakParent, fill, group, indent, join, hardline, line, lineSuffix, softline } =
  doc.builders;

/** A comment as prettier wants it: with its text and offsets. */
interface CommentNode {
  readonly kind: "Comment";
  readonly text: string;
  /** Prettier names an unprinted comment by its `value`. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly block: boolean;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  enclosingNode?: AnyNode;
  precedingNode?: AnyNode;
  followingNode?: AnyNode;
}

/**
 * Comments the printer places itself (prettier's `comments` holds those it places): comments
 * inside one line of the program, which are printed after that line, and comments on the
 * header line.
 */
interface OwnComments {
  inner?: CommentNode[];
}

type Root = A.TestFile & {
  comments: CommentNode[];
  beforeHeader?: CommentNode[];
  afterHeader?: CommentNode[];
};
type AnyNode = (
  | A.Decl
  | A.InitItem
  | A.Stmt
  | A.Block
  | A.ScheduleItem
  | A.Annotation
  | A.TestFile
  | CommentNode
) &
  OwnComments;

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
      value: t.image,
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
    const printed = printNode(path, options.originalText, print as unknown as Print);
    return path.node.inner ? [printed, innerComments(path.node)] : printed;
  },
  canAttachComment: (n) => n.kind !== "Comment",
  isBlockComment: (n) => n.kind === "Comment" && n.block,
  printComment(path) {
    const c = path.node as CommentNode;
    return c.text.trimEnd();
  },
  getCommentChildNodes: (n) => commentChildren(n),
  getVisitorKeys: (n) => visitorKeys(n),
  handleComments: { ownLine: placeComment, endOfLine: placeComment, remaining: placeComment },
};

/** Nodes whose children are lines of the program: comments between them stay where they are. */
function isContainer(n: AnyNode): boolean {
  return (
    n.kind === "TestFile" ||
    n.kind === "InitDecl" ||
    n.kind === "Block" ||
    n.kind === "ScheduleDecl"
  );
}

/**
 * Where prettier's default placement would break the program or lose the comment, the printer
 * places it: newlines end statements in tlbl, so a comment inside a line (`munmap /* p *\/ X`,
 * `expect kernel 6.18 // c`) is printed at the end of that line, a line comment always just
 * before a line break. Returns true when it took the comment.
 */
function placeComment(c: CommentNode, text: string, _options: unknown, ast: AnyNode): boolean {
  const enclosing = c.enclosingNode;
  if (enclosing === undefined || enclosing.kind === "TestFile") {
    const root = ast as Root;
    if (root.name === undefined) return false;
    if (c.end <= root.name.span.start) {
      (root.beforeHeader ??= []).push(c);
      return true;
    }
    const headerEnd = (root.doc ?? root.name).span.end;
    const firstDecl = root.decls[0];
    const onHeaderLine = afterTrailingComments(text, headerEnd) >= c.start;
    if (c.start < headerEnd || (onHeaderLine && (!firstDecl || c.end <= firstDecl.span.start))) {
      (root.afterHeader ??= []).push(c);
      return true;
    }
    return false;
  }
  if (!isContainer(enclosing) && !c.precedingNode && !c.followingNode) {
    (enclosing.inner ??= []).push(c);
    return true;
  }
  // A comment after a proc's annotation, on its line, stays there (printed after it, as one
  // inside it is): moved into the body, it would move again on the next pass.
  const before = c.precedingNode;
  if (
    enclosing.kind === "ProcDecl" &&
    before !== undefined &&
    before.kind.endsWith("Annotation") &&
    "span" in before &&
    !/[\r\n]/.test(text.slice(before.span.end, c.start))
  ) {
    (before.inner ??= []).push(c);
    return true;
  }
  // A comment before a body (`thread T on cpu1 // c`, `} // c` before `else`) goes into the
  // body: before it, `else // c` would end the statement.
  const body = bodyAfter(enclosing, c.followingNode);
  if (body !== undefined) {
    const first = body.stmts[0] as AnyNode | undefined;
    c.leading = first !== undefined;
    c.trailing = false;
    c.printed = false;
    const owner = (first ?? body) as { comments?: CommentNode[] };
    (owner.comments ??= []).push(c);
    return true;
  }
  return false;
}

/** The block a comment before `following` belongs to, when `following` is a body. */
function bodyAfter(enclosing: AnyNode, following: AnyNode | undefined): A.Block | undefined {
  if (following?.kind === "Block") return following;
  if (following?.kind === "IfStmt" && enclosing.kind === "IfStmt" && enclosing.else === following)
    return following.then;
  return undefined;
}

/**
 * Comments the printer placed after a line: block comments first, inline, then line comments,
 * deferred to the next line break (so a block comment never ends up inside a line comment).
 */
function innerComments(n: AnyNode): Doc {
  const cs = n.inner ?? [];
  if (cs.length === 0) return "";
  const out: Doc[] = [];
  for (const c of cs) c.printed = true;
  for (const c of cs.filter((c) => c.block)) out.push(" ", c.text);
  const lines = cs.filter((c) => !c.block);
  if (lines.length > 0)
    out.push(lineSuffix(lines.map((c) => [" ", c.text.trimEnd()])), breakParent);
  return out;
}

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
      return [
        "tlb ",
        n.cpu.name,
        " ",
        expr(n.address, postfixPrecedence),
        ...n.flags.map((f) => ` ${f.name}`),
      ];
    case "MemInit":
      return [expr(n.address, postfixPrecedence), " = ", n.value.text];
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
  const n = path.node as Root;
  const parts: Doc[] = [];
  for (const c of n.beforeHeader ?? []) {
    c.printed = true;
    parts.push(c.text.trimEnd(), hardline);
  }
  if (n.name) {
    parts.push("tlb ", n.name.name);
    if (n.doc) parts.push(hardline, n.doc.text);
    parts.push(innerComments({ ...n, inner: n.afterHeader }));
  }
  const dangling = printDangling(path);
  if (dangling.length > 0) parts.push(parts.length > 0 ? hardline : "", ...dangling);
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
  // A file with nothing to print (`;`) is empty, as prettier leaves an empty one.
  if (parts.length > 0) parts.push(hardline);
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
function blankLineBetween(text: string, end: number, to: number): boolean {
  const from = afterTrailingComments(text, end);
  const eol = text.indexOf("\n", from);
  if (eol < 0 || eol >= to) return false;
  const next = text.indexOf("\n", eol + 1);
  const line = text.slice(eol + 1, next < 0 ? text.length : next);
  return next >= 0 && next < to && line.trim() === "";
}

/**
 * Past the comments that follow `from` on its line: a multi-line block comment there is printed
 * on that line, so the line after it is the one that counts.
 */
function afterTrailingComments(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (text[i] === " " || text[i] === "\t" || text[i] === "\f") i++;
    if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return i;
      i = close + 2;
    } else return i;
  }
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
  const hasComments = n.items.some(
    (i) => (i as { comments?: unknown[] }).comments?.length || (i as OwnComments).inner?.length,
  );
  const items = path.map(() => print(), "items");
  if (items.length === 0) {
    const dangling = printDangling(path);
    return dangling.length
      ? [...head, " {", indent([hardline, ...dangling]), hardline, "}"]
      : [...head, " {}"];
  }
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
      return a.word;
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
    case "MemberExpr": {
      // `X.1.2` or `(1).2` would lex as a version: `(X.1).2`.
      const target = expr(e.target, postfixPrecedence);
      const glued = e.member.kind === "IntLit" && endsWithNumber(e.target);
      return [
        glued ? ["(", target, ")"] : target,
        ".",
        e.member.kind === "IntLit" ? e.member.text : e.member.name,
      ];
    }
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
        ...e.args.flatMap((a, i) => [e.arrows.includes(i) ? " -> " : " ", argument(a)]),
      ];
    case "UnaryExpr": {
      const inner = [e.op, expr(e.operand, unaryPrecedence)];
      return unaryPrecedence < outer ? ["(", ...inner, ")"] : inner;
    }
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

/**
 * A command's argument: a name, number, version, commit or `true`/`false`, with postfixes
 * (`X[1]`, `pte.dirty`); anything else in parentheses (`(bar(1))`, `(-1)`, `("s")`), as
 * the grammar's `argument` requires.
 */
function argument(e: A.Expr): Doc {
  return isArgumentAtom(e) ? expr(e, postfixPrecedence) : ["(", expr(e), ")"];
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

/** The canonical layout is 100 columns wide; a .prettierrc's printWidth overrides it. */
export const defaultOptions = { printWidth: 100 };

const plugin: Plugin<AnyNode> = { languages, parsers, printers, defaultOptions };
export default plugin;
