import type { CstElement, CstNode, IToken } from "chevrotain";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";
import type * as A from "./ast.js";
import * as T from "./tokens.js";

/**
 * Builds the AST from a CST that parsed without errors. chevrotain's end offsets are inclusive;
 * this is the one place where they become half-open spans.
 */

type Children = Record<string, CstElement[] | undefined>;

const isToken = (e: CstElement): e is IToken => "image" in e;

function nodes(c: Children, name: string): CstNode[] {
  return (c[name] ?? []).filter((e): e is CstNode => !isToken(e));
}
function node(c: Children, name: string): CstNode | undefined {
  return nodes(c, name)[0];
}
function need(c: Children, name: string): CstNode {
  const n = node(c, name);
  if (n === undefined) throw new Error(`CST: missing ${name}`);
  return n;
}
function tokens(c: Children, name: string): IToken[] {
  return (c[name] ?? []).filter(isToken);
}
function token(c: Children, name: string): IToken | undefined {
  return tokens(c, name)[0];
}
function needToken(c: Children, name: string): IToken {
  const t = token(c, name);
  if (t === undefined) throw new Error(`CST: missing token ${name}`);
  return t;
}

export function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}
function nodeSpan(n: CstNode): Span {
  const loc = n.location;
  if (loc === undefined || Number.isNaN(loc.startOffset))
    throw new Error("CST: node without location");
  return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
}
function ident(t: IToken): A.Ident {
  return { kind: "Ident", name: t.image, span: tokenSpan(t) };
}
/**
 * A string as written, but a line break in it is LF whatever the file uses: CRLF and a lone CR
 * are line breaks (tokens.ts), and the formatter writes LF (prettier normalizes them all).
 */
function stringText(t: IToken): string {
  return t.image.replace(/\r\n?/g, "\n");
}
function stringLit(t: IToken): A.StringLit {
  const text = stringText(t);
  return { kind: "StringLit", value: unquote(text), text, span: tokenSpan(t) };
}
function unquote(s: string): string {
  return s
    .slice(1, -1)
    .replace(/\\(.)/g, (_, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
}
/** Every token of a node, in source order: the children arrays are per-name. */
function allTokens(n: CstNode): IToken[] {
  const out: IToken[] = [];
  for (const list of Object.values(n.children)) {
    for (const e of list) {
      if (isToken(e)) out.push(e);
      else out.push(...allTokens(e));
    }
  }
  return out.sort((a, b) => a.startOffset - b.startOffset);
}

export function buildFile(root: CstNode, textLength: number, bag: DiagnosticBag): A.TestFile {
  const c = root.children;
  const header = node(c, "header");
  const decls = nodes(c, "decl").map((d) => buildDecl(d, bag));
  const name = header ? ident(needToken(header.children, "Identifier")) : undefined;
  const docToken = header ? token(header.children, "StringLiteral") : undefined;
  return {
    kind: "TestFile",
    name,
    doc: docToken ? stringLit(docToken) : undefined,
    decls,
    span: { start: 0, end: textLength },
  };
}

function buildDecl(n: CstNode, bag: DiagnosticBag): A.Decl {
  const [inner] = Object.values(n.children).flat() as CstNode[];
  if (inner === undefined) throw new Error("CST: empty decl");
  const c = inner.children;
  const span = nodeSpan(inner);
  switch (inner.name) {
    case "initDecl":
      return {
        kind: "InitDecl",
        items: nodes(c, "initItem").map((i) => buildInitItem(i, bag)),
        span,
      };
    case "threadDecl":
      return {
        kind: "ThreadDecl",
        isKernel: token(c, "Kw_kthread") !== undefined,
        name: ident(needToken(c, "name")),
        cpu: ident(needToken(c, "cpu")),
        body: buildBlock(need(c, "block")),
        span,
      };
    case "procDecl": {
      const result = token(c, "result");
      const doc = token(c, "StringLiteral");
      return {
        kind: "ProcDecl",
        name: ident(needToken(c, "name")),
        params: nodes(c, "param").map((p) => ({
          kind: "Param",
          name: ident(needToken(p.children, "name")),
          type: ident(needToken(p.children, "type")),
          span: nodeSpan(p),
        })),
        result: result ? ident(result) : undefined,
        doc: doc ? stringLit(doc) : undefined,
        annotations: nodes(c, "annotation").map(buildAnnotation),
        body: buildBlock(need(c, "block")),
        span,
      };
    }
    case "afterDecl":
      return { kind: "AfterDecl", body: buildBlock(need(c, "block")), span };
    case "conditionDecl": {
      const quantifier: A.Quantifier = token(c, "negatedExists")
        ? "~exists"
        : token(c, "Kw_forall")
          ? "forall"
          : "exists";
      return { kind: "ConditionDecl", quantifier, expr: buildExpr(need(c, "expr")), span };
    }
    case "expectDecl": {
      const v = needToken(c, "verdict");
      return {
        kind: "ExpectDecl",
        kernel: buildVersion(need(c, "version")),
        fixes: nodes(c, "fixSetting").map(buildFixSetting),
        verdict: v.image as A.Verdict,
        verdictSpan: tokenSpan(v),
        span,
      };
    }
    case "fixDecl": {
      const commit = buildCommit(need(c, "commit"));
      const onOff = node(c, "onOff");
      if (onOff !== undefined) {
        return {
          kind: "FixToggle",
          setting: { kind: "FixSetting", commit, enabled: isOn(onOff), span },
          span,
        };
      }
      return {
        kind: "FixDef",
        commit,
        release: buildVersion(need(c, "version")),
        title: stringLit(needToken(c, "StringLiteral")),
        span,
      };
    }
    case "scheduleDecl": {
      const doc = token(c, "StringLiteral");
      return {
        kind: "ScheduleDecl",
        name: ident(needToken(c, "Identifier")),
        doc: doc ? stringLit(doc) : undefined,
        items: nodes(c, "scheduleItem").map(buildScheduleItem),
        span,
      };
    }
    case "optionDecl": {
      const onOff = node(c, "onOff");
      return {
        kind: "OptionDecl",
        name: ident(needToken(c, "Identifier")),
        enabled: onOff === undefined ? true : isOn(onOff),
        span,
      };
    }
    default:
      throw new Error(`CST: unknown decl ${inner.name}`);
  }
}

function buildAnnotation(n: CstNode): A.Annotation {
  const c = n.children;
  const span = nodeSpan(n);
  if (token(c, "models")) {
    const path = needToken(c, "SourcePath");
    return {
      kind: "ModelsAnnotation",
      functions: tokens(c, "function").map(ident),
      path: { text: path.image, span: tokenSpan(path) },
      span,
    };
  }
  if (token(c, "follows"))
    return { kind: "FollowsAnnotation", ranges: nodes(c, "releases").map(buildReleases), span };
  return {
    kind: "DeviationAnnotation",
    direction: ident(needToken(c, "direction")),
    reason: stringLit(needToken(c, "StringLiteral")),
    span,
  };
}

function buildReleases(n: CstNode): A.ReleaseRange {
  const c = n.children;
  const first = node(c, "first");
  const last = node(c, "last");
  return {
    kind: "ReleaseRange",
    first: first ? buildVersion(first) : undefined,
    last: last
      ? buildVersion(last)
      : first && !token(c, "DotDot")
        ? buildVersion(first)
        : undefined,
    dots: token(c, "DotDot") !== undefined,
    span: nodeSpan(n),
  };
}

const isOn = (n: CstNode): boolean => token(n.children, "Kw_on") !== undefined;

function buildFixSetting(n: CstNode): A.FixSetting {
  const c = n.children;
  return {
    kind: "FixSetting",
    commit: buildCommit(need(c, "commit")),
    enabled: isOn(need(c, "onOff")),
    span: nodeSpan(n),
  };
}

function buildCommit(n: CstNode): A.CommitLit {
  const [t] = allTokens(n);
  const text = t!.tokenType === T.StringLiteral ? stringText(t!) : t!.image;
  const id = t!.tokenType === T.StringLiteral ? unquote(text) : text;
  return { kind: "CommitLit", text, id, span: tokenSpan(t!) };
}

function buildVersion(n: CstNode): A.VersionLit {
  const [t] = allTokens(n);
  return { kind: "VersionLit", text: t!.image, span: tokenSpan(t!) };
}

function buildInteger(n: CstNode): A.IntLit {
  const [t] = allTokens(n);
  const text = t!.image;
  return { kind: "IntLit", value: Number(text), text, span: tokenSpan(t!) };
}

function buildScheduleItem(n: CstNode): A.ScheduleItem {
  const c = n.children;
  const statements = node(c, "statements");
  const steps = node(c, "steps");
  const label = token(c, "label");
  const endToken = token(c, "Kw_end");
  const evicted = token(c, "evicted");
  const amount: A.ScheduleAmount = statements
    ? { kind: "Statements", count: buildInteger(statements) }
    : steps
      ? { kind: "Steps", count: buildInteger(steps) }
      : label
        ? { kind: "UntilLabel", label: ident(label) }
        : evicted
          ? {
              kind: "Evicted",
              word: evicted.image === "otherwise" ? "otherwise" : "evicted",
              span: tokenSpan(evicted),
            }
          : { kind: "ToEnd", span: tokenSpan(endToken!) };
  return { kind: "ScheduleItem", thread: ident(needToken(c, "thread")), amount, span: nodeSpan(n) };
}

function buildInitItem(n: CstNode, bag: DiagnosticBag): A.InitItem {
  const inner = Object.values(n.children).flat()[0] as CstNode;
  const c = inner.children;
  const span = nodeSpan(inner);
  switch (inner.name) {
    case "fileInit":
      return {
        kind: "FileInit",
        name: ident(needToken(c, "Identifier")),
        pages: nodes(c, "integer").map(buildInteger),
        span,
      };
    case "pmdInit":
      return { kind: "PmdInit", regions: tokens(c, "region").map(ident), span };
    case "tlbInit":
      return {
        kind: "TlbInit",
        cpu: ident(needToken(c, "Identifier")),
        address: buildPostfix(need(c, "postfixExpr")),
        flags: tokens(c, "flag").map(ident),
        span,
      };
    case "bindingInit": {
      const target = buildPostfix(need(c, "postfixExpr"));
      const mmap = node(c, "mmapInit");
      const unmapped = node(c, "unmappedInit");
      if (mmap === undefined && unmapped === undefined) {
        return { kind: "MemInit", address: target, value: buildInteger(need(c, "integer")), span };
      }
      // Deviation: `X.1 = mmap …` parses, since mappings share a prefix with `X.1 = 5`.
      if (target.kind !== "NameExpr") {
        bag.error(
          "E010",
          target.span,
          "a mapping must be named by a plain name, as in `X = mmap …`",
        );
      }
      const name: A.Ident =
        target.kind === "NameExpr" ? target.name : { kind: "Ident", name: "?", span: target.span };
      if (unmapped !== undefined) {
        const pages = node(unmapped.children, "integer");
        return { kind: "UnmappedInit", name, pages: pages ? buildInteger(pages) : undefined, span };
      }
      const mc = mmap!.children;
      return {
        kind: "MapInit",
        name,
        source: buildMapSource(need(mc, "mapSource")),
        sharing: ident(token(mc, "Kw_shared") ?? needToken(mc, "Kw_private")),
        prot: ident(needToken(mc, "prot")),
        options: tokens(mc, "option").map(ident),
        span,
      };
    }
    default:
      throw new Error(`CST: unknown init item ${inner.name}`);
  }
}

function buildMapSource(n: CstNode): A.MapSource {
  const c = n.children;
  const span = nodeSpan(n);
  if (token(c, "Kw_anon") !== undefined) {
    const pages = node(c, "pages");
    return { kind: "AnonSource", pages: pages ? buildInteger(pages) : undefined, span };
  }
  const first = node(c, "first");
  const last = node(c, "last");
  return {
    kind: "FileSource",
    file: ident(needToken(c, "Identifier")),
    first: first ? buildInteger(first) : undefined,
    last: last ? buildInteger(last) : undefined,
    span,
  };
}

// ---- statements -----------------------------------------------------------------------------

function buildBlock(n: CstNode): A.Block {
  return { kind: "Block", stmts: nodes(n.children, "stmt").map(buildStmt), span: nodeSpan(n) };
}

function buildStmt(n: CstNode): A.Stmt {
  const skip = token(n.children, "Kw_skip");
  if (skip !== undefined) return { kind: "SkipStmt", span: tokenSpan(skip) };
  const inner = Object.values(n.children).flat()[0] as CstNode;
  const c = inner.children;
  const span = nodeSpan(inner);
  switch (inner.name) {
    case "ifStmt":
      return buildIf(inner);
    case "forStmt":
      return {
        kind: "ForStmt",
        variable: ident(needToken(c, "Identifier")),
        iterable: buildExpr(need(c, "expr")),
        body: buildBlock(need(c, "block")),
        span,
      };
    case "whileStmt":
      return {
        kind: "WhileStmt",
        cond: buildExpr(need(c, "expr")),
        body: buildBlock(need(c, "block")),
        span,
      };
    case "atomicStmt":
      return { kind: "AtomicStmt", body: buildBlock(need(c, "block")), span };
    case "labelStmt":
      return { kind: "LabelStmt", name: ident(needToken(c, "Identifier")), span };
    case "returnStmt": {
      const e = node(c, "expr");
      return { kind: "ReturnStmt", value: e ? buildExpr(e) : undefined, span };
    }
    case "assignStmt": {
      const cmd = node(c, "command");
      return {
        kind: "AssignStmt",
        target: ident(needToken(c, "Identifier")),
        value: cmd ? buildCommand(cmd) : buildExpr(need(c, "expr")),
        span,
      };
    }
    case "callStmt": {
      const call = node(c, "callExpr");
      return {
        kind: "ExprStmt",
        expr: call ? buildCall(call) : buildCommand(need(c, "command")),
        span,
      };
    }
    default:
      throw new Error(`CST: unknown statement ${inner.name}`);
  }
}

function buildIf(n: CstNode): A.IfStmt {
  const c = n.children;
  const elseBlock = node(c, "else");
  const elseIf = node(c, "elseIf");
  return {
    kind: "IfStmt",
    cond: buildExpr(need(c, "expr")),
    then: buildBlock(need(c, "then")),
    else: elseBlock ? buildBlock(elseBlock) : elseIf ? buildIf(elseIf) : undefined,
    span: nodeSpan(n),
  };
}

/** A command with no arguments is just a name: `flush_tlb_all`. */
function buildCommand(n: CstNode): A.CommandExpr | A.NameExpr {
  const c = n.children;
  const callee = ident(needToken(c, "Identifier"));
  const args = nodes(c, "argument").map(buildArgument);
  const arrowTokens = tokens(c, "Arrow");
  if (args.length === 0) return { kind: "NameExpr", name: callee, span: callee.span };
  // An arrow belongs to the first argument that starts after it.
  const arrows = arrowTokens.map((t) => args.findIndex((a) => a.span.start > t.startOffset));
  return { kind: "CommandExpr", callee, args, arrows, span: nodeSpan(n) };
}

function buildArgument(n: CstNode): A.Expr {
  const atom = need(n.children, "argAtom");
  let e = buildAtom(atom);
  for (const p of nodes(n.children, "postfix")) e = applyPostfix(e, p);
  return e;
}

function buildAtom(n: CstNode): A.Expr {
  const c = n.children;
  const paren = node(c, "parenExpr");
  if (paren !== undefined) return buildExpr(need(paren.children, "expr"));
  const integer = node(c, "integer");
  if (integer !== undefined) return buildInteger(integer);
  const t = allTokens(n)[0]!;
  const span = tokenSpan(t);
  switch (t.tokenType) {
    case T.CommitId:
      return { kind: "CommitLit", text: t.image, id: t.image, span };
    case T.Version:
      return { kind: "VersionLit", text: t.image, span };
    case T.StringLiteral:
      return stringLit(t);
    case T.kw("true"):
    case T.kw("false"):
      return { kind: "BoolLit", value: t.image === "true", span };
    default:
      return { kind: "NameExpr", name: ident(t), span };
  }
}

// ---- expressions ----------------------------------------------------------------------------

function buildExpr(n: CstNode): A.Expr {
  return buildLeftAssoc(n, "andExpr", buildAnd);
}
function buildAnd(n: CstNode): A.Expr {
  return buildLeftAssoc(n, "cmpExpr", buildCmp);
}

/** `a op b op c`, left-associative; operators and operands come back in source order. */
function buildLeftAssoc(n: CstNode, operandRule: string, build: (n: CstNode) => A.Expr): A.Expr {
  const operands = nodes(n.children, operandRule).map(build);
  const ops = Object.entries(n.children)
    .filter(([k]) => k !== operandRule)
    .flatMap(([, v]) => (v ?? []).filter(isToken))
    .sort((a, b) => a.startOffset - b.startOffset);
  let e = operands[0]!;
  ops.forEach((op, i) => {
    const right = operands[i + 1]!;
    e = {
      kind: "BinaryExpr",
      op: op.image as A.BinaryOp,
      left: e,
      right,
      span: { start: e.span.start, end: right.span.end },
    };
  });
  return e;
}

function buildCmp(n: CstNode): A.Expr {
  return buildLeftAssoc(n, "addExpr", buildAdd);
}
function buildAdd(n: CstNode): A.Expr {
  return buildLeftAssoc(n, "unaryExpr", buildUnary);
}

function buildUnary(n: CstNode): A.Expr {
  const c = n.children;
  const postfix = node(c, "postfixExpr");
  if (postfix !== undefined) return buildPostfix(postfix);
  const op = (token(c, "Bang") ?? needToken(c, "Minus")).image as A.UnaryOp;
  return { kind: "UnaryExpr", op, operand: buildUnary(need(c, "unaryExpr")), span: nodeSpan(n) };
}

function buildPostfix(n: CstNode): A.Expr {
  let e = buildPrimary(need(n.children, "primary"));
  for (const p of nodes(n.children, "postfix")) e = applyPostfix(e, p);
  return e;
}

function applyPostfix(target: A.Expr, p: CstNode): A.Expr {
  const c = p.children;
  const end = nodeSpan(p).end;
  const span = { start: target.span.start, end };
  const index = node(c, "expr");
  const last = node(c, "last");
  if (index !== undefined && last !== undefined)
    return { kind: "SliceExpr", target, first: buildExpr(index), last: buildExpr(last), span };
  if (index !== undefined) return { kind: "IndexExpr", target, index: buildExpr(index), span };
  const m = needToken(c, "member");
  const member: A.Ident | A.IntLit =
    m.tokenType === T.Integer
      ? { kind: "IntLit", value: Number(m.image), text: m.image, span: tokenSpan(m) }
      : ident(m);
  return { kind: "MemberExpr", target, member, span };
}

function buildPrimary(n: CstNode): A.Expr {
  const c = n.children;
  const call = node(c, "callExpr");
  if (call !== undefined) return buildCall(call);
  const reg = node(c, "registerExpr");
  if (reg !== undefined) {
    return {
      kind: "RegisterExpr",
      thread: ident(needToken(reg.children, "thread")),
      register: ident(needToken(reg.children, "register")),
      span: nodeSpan(reg),
    };
  }
  return buildAtom(n);
}

function buildCall(n: CstNode): A.CallExpr {
  const c = n.children;
  return {
    kind: "CallExpr",
    callee: ident(needToken(c, "Identifier")),
    args: nodes(c, "expr").map(buildExpr),
    span: nodeSpan(n),
  };
}
