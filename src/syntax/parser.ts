import { CstParser, type CstNode, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";
import { errorMessages } from "./messages.js";

const { kw } = T;

/**
 * The grammar of docs/language.md, rule for rule; it only describes syntax (the CST), and
 * cst-to-ast.ts gives it meaning. Deviations from the written grammar are marked `Deviation:`.
 */
export class TlbParser extends CstParser {
  /** `validate` checks the grammar itself (ambiguities, left recursion): the tests do. */
  constructor(validate = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: errorMessages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
    // Deviation: chevrotain recovers from an error inside a repetition by recursing, one level
    // per error, so ~1,400 bad lines overflowed the stack. After `maxSyntaxErrors` it stops
    // recovering; the rest of the file is reported as one error (see parse.ts).
    const recover = (this as unknown as Recovering).attemptInRepetitionRecovery;
    (this as unknown as Recovering).attemptInRepetitionRecovery = function (
      this: TlbParser,
      ...args: unknown[]
    ): void {
      if (this.errors.length < maxSyntaxErrors) recover.apply(this, args);
    };
  }

  // file = [ header ] { decl | sep } EOF
  // Deviation: separators between declarations are optional, since declarations are
  // self-delimiting; the formatter prints one per line.
  file = this.RULE("file", () => {
    this.OPTION(() => this.SUBRULE(this.header));
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.sep) }, { ALT: () => this.SUBRULE(this.decl) }]),
    );
  });

  sep = this.RULE("sep", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Newline) }, { ALT: () => this.CONSUME(T.Semicolon) }]);
  });

  // header = "tlb" IDENT [ STRING ]
  header = this.RULE("header", () => {
    this.CONSUME(kw("tlb"));
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
  });

  decl = this.RULE("decl", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.initDecl) },
      { ALT: () => this.SUBRULE(this.threadDecl) },
      { ALT: () => this.SUBRULE(this.procDecl) },
      { ALT: () => this.SUBRULE(this.afterDecl) },
      { ALT: () => this.SUBRULE(this.conditionDecl) },
      { ALT: () => this.SUBRULE(this.expectDecl) },
      { ALT: () => this.SUBRULE(this.fixDecl) },
      { ALT: () => this.SUBRULE(this.scheduleDecl) },
      { ALT: () => this.SUBRULE(this.optionDecl) },
    ]);
  });

  // init = "init" "{" { initItem | sep } "}"
  initDecl = this.RULE("initDecl", () => {
    this.CONSUME(kw("init"));
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.sep) }, { ALT: () => this.SUBRULE(this.initItem) }]),
    );
    this.CONSUME(T.RBrace);
  });

  // initItem = fileInit | tlbInit | pmdInit | bindingInit
  initItem = this.RULE("initItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.fileInit) },
      { ALT: () => this.SUBRULE(this.tlbInit) },
      {
        GATE: () => this.LA(1).image === "pmd" && this.LA(2).tokenType === T.Identifier,
        ALT: () => this.SUBRULE(this.pmdInit),
      },
      { ALT: () => this.SUBRULE(this.bindingInit) },
    ]);
  });

  // pmdInit = "pmd" IDENT { "," IDENT }
  // Deviation: `pmd` is a contextual keyword (a region may be named pmd), read as a name.
  pmdInit = this.RULE("pmdInit", () => {
    this.CONSUME(T.Identifier, { LABEL: "pmd" });
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: "region" }),
    });
  });

  // fileInit = "file" IDENT "=" "[" [ INT { "," INT } ] "]"
  fileInit = this.RULE("fileInit", () => {
    this.CONSUME(kw("file"));
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.integer) });
    this.CONSUME(T.RBracket);
  });

  // tlbInit = "tlb" IDENT postfixExpr { IDENT }
  tlbInit = this.RULE("tlbInit", () => {
    this.CONSUME(kw("tlb"));
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.postfixExpr);
    this.MANY(() => this.CONSUME2(T.Identifier, { LABEL: "flag" }));
  });

  // bindingInit = postfixExpr "=" ( mmapSource | unmappedSource | INT )
  // Deviation: mappings (`X = mmap …`) and memory values (`X.1 = 5`) share a prefix; the
  // AST builder checks that a mapping names a plain identifier.
  bindingInit = this.RULE("bindingInit", () => {
    this.SUBRULE(this.postfixExpr);
    this.CONSUME(T.Equals);
    this.OR([
      { GATE: () => this.LA(1).image === "mmap", ALT: () => this.SUBRULE(this.mmapInit) },
      { ALT: () => this.SUBRULE(this.unmappedInit) },
      { ALT: () => this.SUBRULE(this.integer) },
    ]);
  });

  // mmapInit = "mmap" mapSource ( "shared" | "private" ) IDENT { IDENT }
  // Deviation: `mmap` is a contextual keyword (it is also the name of a step), read as a name.
  mmapInit = this.RULE("mmapInit", () => {
    this.CONSUME(T.Identifier, { LABEL: "mmap" });
    this.SUBRULE(this.mapSource);
    this.OR([
      { ALT: () => this.CONSUME(kw("shared")) },
      { ALT: () => this.CONSUME(kw("private")) },
    ]);
    this.CONSUME2(T.Identifier, { LABEL: "prot" });
    this.MANY(() => this.CONSUME3(T.Identifier, { LABEL: "option" }));
  });

  // mapSource = "anon" [ "[" INT "]" ] | IDENT [ "[" INT [ ".." INT ] "]" ]
  mapSource = this.RULE("mapSource", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(kw("anon"));
          this.OPTION(() => {
            this.CONSUME(T.LBracket);
            this.SUBRULE(this.integer, { LABEL: "pages" });
            this.CONSUME(T.RBracket);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION2(() => {
            this.CONSUME2(T.LBracket);
            this.SUBRULE2(this.integer, { LABEL: "first" });
            this.OPTION3(() => {
              this.CONSUME(T.DotDot);
              this.SUBRULE3(this.integer, { LABEL: "last" });
            });
            this.CONSUME2(T.RBracket);
          });
        },
      },
    ]);
  });

  // unmappedInit = "unmapped" [ "[" INT "]" ]
  unmappedInit = this.RULE("unmappedInit", () => {
    this.CONSUME(kw("unmapped"));
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.SUBRULE(this.integer);
      this.CONSUME(T.RBracket);
    });
  });

  // thread = ( "thread" | "kthread" ) IDENT "on" IDENT block
  threadDecl = this.RULE("threadDecl", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw("thread")) },
      { ALT: () => this.CONSUME(kw("kthread")) },
    ]);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(kw("on"));
    this.CONSUME2(T.Identifier, { LABEL: "cpu" });
    this.SUBRULE(this.block);
  });

  // proc = "proc" IDENT "(" [ param { "," param } ] ")" [ ":" IDENT ] [ STRING ]
  //        { annotation | NEWLINE } block
  procDecl = this.RULE("procDecl", () => {
    this.CONSUME(kw("proc"));
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Identifier, { LABEL: "result" });
    });
    this.OPTION2(() => this.CONSUME(T.StringLiteral));
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.Newline) },
        { ALT: () => this.SUBRULE(this.annotation) },
      ]),
    );
    this.SUBRULE(this.block);
  });

  // annotation = "models" IDENT { "," IDENT } "in" PATH
  //            | "follows" releases { "," releases }
  //            | "deviation" IDENT STRING
  // Deviation: `models`, `follows` and `deviation` are contextual keywords, read as names; the
  // checker reads the deviation's direction (only `removes` is an annotation).
  annotation = this.RULE("annotation", () => {
    this.OR([
      {
        GATE: () => this.LA(1).image === "models",
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: "models" });
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => this.CONSUME2(T.Identifier, { LABEL: "function" }),
          });
          this.CONSUME(kw("in"));
          this.CONSUME(T.SourcePath);
        },
      },
      {
        GATE: () => this.LA(1).image === "follows",
        ALT: () => {
          this.CONSUME3(T.Identifier, { LABEL: "follows" });
          this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE(this.releases) });
        },
      },
      {
        GATE: () => this.LA(1).image === "deviation",
        ALT: () => {
          this.CONSUME4(T.Identifier, { LABEL: "deviation" });
          this.CONSUME5(T.Identifier, { LABEL: "direction" });
          this.CONSUME(T.StringLiteral);
        },
      },
    ]);
  });

  // releases = version [ ".." [ version ] ] | ".." version
  releases = this.RULE("releases", () => {
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.version, { LABEL: "first" });
          this.OPTION(() => {
            this.CONSUME(T.DotDot);
            this.OPTION2(() => this.SUBRULE2(this.version, { LABEL: "last" }));
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.DotDot);
          this.SUBRULE3(this.version, { LABEL: "last" });
        },
      },
    ]);
  });

  // param = IDENT ":" IDENT
  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "type" }) },
      { ALT: () => this.CONSUME(kw("file"), { LABEL: "type" }) },
    ]);
  });

  // after = "after" block
  afterDecl = this.RULE("afterDecl", () => {
    this.CONSUME(kw("after"));
    this.SUBRULE(this.block);
  });

  // condition = ( "exists" | "~" "exists" | "forall" ) expr
  conditionDecl = this.RULE("conditionDecl", () => {
    this.OR([
      { ALT: () => this.CONSUME(kw("exists")) },
      {
        ALT: () => {
          this.CONSUME(T.Tilde);
          this.CONSUME2(kw("exists"), { LABEL: "negatedExists" });
        },
      },
      { ALT: () => this.CONSUME(kw("forall")) },
    ]);
    this.SUBRULE(this.expr);
  });

  // expect = "expect" "kernel" VERSION [ "with" fixSetting { "," fixSetting } ] ":" verdict
  expectDecl = this.RULE("expectDecl", () => {
    this.CONSUME(kw("expect"));
    this.CONSUME(kw("kernel"));
    this.SUBRULE(this.version);
    this.OPTION(() => {
      this.CONSUME(kw("with"));
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.fixSetting) });
    });
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.CONSUME(kw("sometimes"), { LABEL: "verdict" }) },
      { ALT: () => this.CONSUME(kw("never"), { LABEL: "verdict" }) },
      { ALT: () => this.CONSUME(kw("always"), { LABEL: "verdict" }) },
    ]);
  });

  // fixSetting = "fix" commit ( "on" | "off" )
  fixSetting = this.RULE("fixSetting", () => {
    this.CONSUME(kw("fix"));
    this.SUBRULE(this.commit);
    this.SUBRULE(this.onOff);
  });

  // fix = "fix" commit ( ( "on" | "off" ) | "in" VERSION STRING )
  fixDecl = this.RULE("fixDecl", () => {
    this.CONSUME(kw("fix"));
    this.SUBRULE(this.commit);
    this.OR([
      { ALT: () => this.SUBRULE(this.onOff) },
      {
        ALT: () => {
          this.CONSUME(kw("in"));
          this.SUBRULE(this.version);
          this.CONSUME(T.StringLiteral);
        },
      },
    ]);
  });

  onOff = this.RULE("onOff", () => {
    this.OR([{ ALT: () => this.CONSUME(kw("on")) }, { ALT: () => this.CONSUME(kw("off")) }]);
  });

  // commit = COMMIT | IDENT | INT | STRING   (7 to 40 hex digits or "<Message-ID>"; checked later)
  commit = this.RULE("commit", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.CommitId) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Integer) },
    ]);
  });

  // version = VERSION | INT
  version = this.RULE("version", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Version) }, { ALT: () => this.CONSUME(T.Integer) }]);
  });

  // schedule = "schedule" IDENT [ STRING ] "{" { scheduleItem | sep } "}"
  scheduleDecl = this.RULE("scheduleDecl", () => {
    this.CONSUME(kw("schedule"));
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.sep) },
        { ALT: () => this.SUBRULE(this.scheduleItem) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  // scheduleItem = IDENT ( INT | "step" INT | "until" IDENT | "end" | "evicted" | "otherwise" )
  scheduleItem = this.RULE("scheduleItem", () => {
    this.CONSUME(T.Identifier, { LABEL: "thread" });
    this.OR([
      { ALT: () => this.SUBRULE(this.integer, { LABEL: "statements" }) },
      {
        ALT: () => {
          this.CONSUME(kw("step"));
          this.SUBRULE2(this.integer, { LABEL: "steps" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(kw("until"));
          this.CONSUME2(T.Identifier, { LABEL: "label" });
        },
      },
      { ALT: () => this.CONSUME(kw("end")) },
      // Deviation: `evicted` and `otherwise` are contextual keywords, read as names.
      {
        GATE: () => this.LA(1).image === "evicted" || this.LA(1).image === "otherwise",
        ALT: () => this.CONSUME3(T.Identifier, { LABEL: "evicted" }),
      },
    ]);
  });

  // option = "option" IDENT [ "on" | "off" ]
  optionDecl = this.RULE("optionDecl", () => {
    this.CONSUME(kw("option"));
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.onOff));
  });

  // ---- statements ---------------------------------------------------------------------------

  // block = "{" { stmt | sep } "}"
  block = this.RULE("block", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.sep) }, { ALT: () => this.SUBRULE(this.stmt) }]),
    );
    this.CONSUME(T.RBrace);
  });

  stmt = this.RULE("stmt", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.whileStmt) },
      { ALT: () => this.SUBRULE(this.atomicStmt) },
      { ALT: () => this.SUBRULE(this.labelStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.CONSUME(kw("skip")) },
      {
        GATE: () => this.LA(2).tokenType === T.Equals,
        ALT: () => this.SUBRULE(this.assignStmt),
      },
      { ALT: () => this.SUBRULE(this.callStmt) },
    ]);
  });

  // if = "if" expr block [ "else" ( block | if ) ]
  ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(kw("if"));
    this.SUBRULE(this.expr);
    this.SUBRULE(this.block, { LABEL: "then" });
    this.OPTION(() => {
      this.CONSUME(kw("else"));
      this.OR([
        { ALT: () => this.SUBRULE2(this.block, { LABEL: "else" }) },
        { ALT: () => this.SUBRULE(this.ifStmt, { LABEL: "elseIf" }) },
      ]);
    });
  });

  // for = "for" IDENT "in" expr block
  forStmt = this.RULE("forStmt", () => {
    this.CONSUME(kw("for"));
    this.CONSUME(T.Identifier);
    this.CONSUME(kw("in"));
    this.SUBRULE(this.expr);
    this.SUBRULE(this.block);
  });

  // while = "while" expr block
  whileStmt = this.RULE("whileStmt", () => {
    this.CONSUME(kw("while"));
    this.SUBRULE(this.expr);
    this.SUBRULE(this.block);
  });

  // atomic = "atomic" block
  atomicStmt = this.RULE("atomicStmt", () => {
    this.CONSUME(kw("atomic"));
    this.SUBRULE(this.block);
  });

  // label = "label" IDENT
  labelStmt = this.RULE("labelStmt", () => {
    this.CONSUME(kw("label"));
    this.CONSUME(T.Identifier);
  });

  // return = "return" [ expr ]
  returnStmt = this.RULE("returnStmt", () => {
    this.CONSUME(kw("return"));
    this.OPTION(() => this.SUBRULE(this.expr));
  });

  // assign = IDENT "=" ( command | expr )
  // Deviation: `x = f a b` (a command) and `x = e` (an expression) are told apart by the token
  // after the callee: an argument on the same line makes it a command.
  assignStmt = this.RULE("assignStmt", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.OR([
      {
        GATE: () => this.LA(1).tokenType === T.Identifier && startsArgument(this.LA(2).tokenType),
        ALT: () => this.SUBRULE(this.command),
      },
      { ALT: () => this.SUBRULE(this.expr) },
    ]);
  });

  // callStmt = command | call
  callStmt = this.RULE("callStmt", () => {
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => this.SUBRULE(this.callExpr),
      },
      { ALT: () => this.SUBRULE(this.command) },
    ]);
  });

  // command = IDENT { [ "->" ] argument }
  command = this.RULE("command", () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(T.Arrow));
      this.SUBRULE(this.argument);
    });
  });

  // argument = argAtom { postfix }
  argument = this.RULE("argument", () => {
    this.SUBRULE(this.argAtom);
    this.MANY(() => this.SUBRULE(this.postfix));
  });

  // argAtom = IDENT | number | COMMIT | VERSION | "true" | "false" | "anon" | "shared" | "private" | "(" expr ")"
  argAtom = this.RULE("argAtom", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.SUBRULE(this.integer) },
      { ALT: () => this.CONSUME(T.CommitId) },
      { ALT: () => this.CONSUME(T.Version) },
      { ALT: () => this.CONSUME(kw("true")) },
      { ALT: () => this.CONSUME(kw("false")) },
      { ALT: () => this.CONSUME(kw("anon"), { LABEL: "word" }) },
      { ALT: () => this.CONSUME(kw("shared"), { LABEL: "word" }) },
      { ALT: () => this.CONSUME(kw("private"), { LABEL: "word" }) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
    ]);
  });

  // ---- expressions --------------------------------------------------------------------------

  // expr = andExpr { "||" andExpr }
  expr = this.RULE("expr", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.OrOr);
      this.SUBRULE2(this.andExpr);
    });
  });

  // andExpr = cmpExpr { "&&" cmpExpr }
  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.cmpExpr);
    this.MANY(() => {
      this.CONSUME(T.AndAnd);
      this.SUBRULE2(this.cmpExpr);
    });
  });

  // cmpExpr = addExpr [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) addExpr ]
  cmpExpr = this.RULE("cmpExpr", () => {
    this.SUBRULE(this.addExpr);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq) },
        { ALT: () => this.CONSUME(T.NotEq) },
        { ALT: () => this.CONSUME(T.LessEq) },
        { ALT: () => this.CONSUME(T.GreaterEq) },
        { ALT: () => this.CONSUME(T.Less) },
        { ALT: () => this.CONSUME(T.Greater) },
      ]);
      this.SUBRULE2(this.addExpr);
    });
  });

  // addExpr = unaryExpr { ( "+" | "-" ) unaryExpr }
  addExpr = this.RULE("addExpr", () => {
    this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.unaryExpr);
    });
  });

  // unaryExpr = ( "!" | "-" ) unaryExpr | postfixExpr
  unaryExpr = this.RULE("unaryExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Bang) }, { ALT: () => this.CONSUME(T.Minus) }]);
          this.SUBRULE(this.unaryExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.postfixExpr) },
    ]);
  });

  // postfixExpr = primary { postfix }
  postfixExpr = this.RULE("postfixExpr", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.postfix));
  });

  // postfix = "[" expr [ ".." expr ] "]" | "." ( IDENT | INT )
  postfix = this.RULE("postfix", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.SUBRULE(this.expr);
          this.OPTION(() => {
            this.CONSUME(T.DotDot);
            this.SUBRULE2(this.expr, { LABEL: "last" });
          });
          this.CONSUME(T.RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.OR2([
            { ALT: () => this.CONSUME(T.Identifier, { LABEL: "member" }) },
            { ALT: () => this.CONSUME(T.Integer, { LABEL: "member" }) },
          ]);
        },
      },
    ]);
  });

  // primary = number | COMMIT | VERSION | STRING | "true" | "false" | "(" expr ")"
  //         | callExpr | registerExpr | IDENT | "anon" | "shared" | "private"
  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.integer) },
      { ALT: () => this.CONSUME(T.CommitId) },
      { ALT: () => this.CONSUME(T.Version) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(kw("true")) },
      { ALT: () => this.CONSUME(kw("false")) },
      { ALT: () => this.CONSUME(kw("anon"), { LABEL: "word" }) },
      { ALT: () => this.CONSUME(kw("shared"), { LABEL: "word" }) },
      { ALT: () => this.CONSUME(kw("private"), { LABEL: "word" }) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { GATE: () => this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.callExpr) },
      {
        GATE: () => this.LA(2).tokenType === T.Colon,
        ALT: () => this.SUBRULE(this.registerExpr),
      },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RParen);
  });

  // callExpr = IDENT "(" [ expr { "," expr } ] ")"
  callExpr = this.RULE("callExpr", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr) });
    this.CONSUME(T.RParen);
  });

  // registerExpr = ( IDENT | "after" ) ":" IDENT
  registerExpr = this.RULE("registerExpr", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: "thread" }) },
      { ALT: () => this.CONSUME(kw("after"), { LABEL: "thread" }) },
    ]);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier, { LABEL: "register" });
  });

  // integer = INT | HEX
  integer = this.RULE("integer", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Integer) }, { ALT: () => this.CONSUME(T.HexInteger) }]);
  });
}

/** Syntax errors recovered from before the parser gives up on the rest of a file. */
export const maxSyntaxErrors = 100;

/** chevrotain's in-repetition recovery, an internal method (see the constructor). */
interface Recovering {
  attemptInRepetitionRecovery: (this: TlbParser, ...args: unknown[]) => void;
}

/** Tokens that can begin a command argument (see `argAtom`). */
function startsArgument(t: TokenType): boolean {
  return (
    t === T.Identifier ||
    t === T.Integer ||
    t === T.HexInteger ||
    t === T.CommitId ||
    t === T.Version ||
    t === T.Arrow ||
    t === kw("true") ||
    t === kw("false") ||
    t === kw("anon") ||
    t === kw("shared") ||
    t === kw("private")
  );
}

/** One parser instance is reused: chevrotain's self-analysis is the expensive part. */
let shared: TlbParser | undefined;

export function parserInstance(): TlbParser {
  shared ??= new TlbParser();
  return shared;
}

export type { CstNode, IToken };
