import {
  annotationKeywords,
  conditionKeywords,
  constantKeywords,
  contextualKeywords,
  controlKeywords,
  declarationKeywords,
  initKeywords,
  reservedWords,
  stepNames,
  verdictKeywords,
} from "./keywords.js";

/**
 * The TextMate grammar of `.tlb` (grammar/tlb.tmLanguage.json, written by `npm run grammar`),
 * built from the lexer's word lists so that the editor and the lexer cannot disagree on a keyword.
 * Regexes follow src/syntax/tokens.ts; TextMate matches line by line, so only strings, block
 * comments and the few regions that need context (init, proc signatures, schedules) span lines.
 */

export interface TmCaptures {
  readonly [group: string]: { readonly name: string };
}

export interface TmRule {
  readonly name?: string;
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly captures?: TmCaptures;
  readonly beginCaptures?: TmCaptures;
  readonly endCaptures?: TmCaptures;
  readonly patterns?: readonly TmRule[];
  readonly include?: string;
}

export interface TmGrammar {
  readonly $schema: string;
  readonly information_for_contributors: readonly string[];
  readonly name: string;
  readonly scopeName: string;
  readonly fileTypes: readonly string[];
  readonly patterns: readonly TmRule[];
  readonly repository: Readonly<Record<string, TmRule>>;
}

/**
 * Words whose one home is the primitive registry, a later stage (src/primitives): the caller
 * passes them in (scripts/gen-grammar.ts, from src/lsp/grammar-words.ts).
 */
export interface ValueWords {
  /** Step results and named constants: `ok`, `segv`, `sigbus`, `null`. */
  readonly results: readonly string[];
  /** madvise advice: `dontneed`, `free`, … */
  readonly advice: readonly string[];
  /** Protections: `none`, `r`, `rw` (only where a protection is written: `r` is a common name). */
  readonly prot: readonly string[];
}

type Word<L extends readonly string[]> = L[number];

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";
/** A kernel release as the parser accepts it: VERSION or INT. */
const RELEASE = "\\d+(?:\\.\\d+){0,2}";

/** Whole words only: `\b` keeps `for` out of `format`, and `tlb` out of `tlb_evict`. */
const words = (list: readonly string[]): string => `\\b(?:${list.join("|")})\\b`;
const oneOf = (list: readonly string[]): string => `(?:${list.join("|")})`;
const inc = (name: string): TmRule => ({ include: `#${name}` });
const caps = (...names: string[]): TmCaptures =>
  Object.fromEntries(names.map((name, i) => [String(i + 1), { name }]));
const whole = (name: string): TmCaptures => ({ "0": { name } });

// Typed picks from the lists: renaming a keyword in keywords.ts breaks the build here.
const decl = (w: Word<typeof declarationKeywords>): string => w;
const control = (w: Word<typeof controlKeywords>): string => w;
const cond = (w: Word<typeof conditionKeywords>): string => w;
const init = (w: Word<typeof initKeywords>): string => w;
const thread = [decl("thread"), decl("kthread")];
const quantifiers = [cond("exists"), cond("forall")];
const afterThread = `${oneOf([control("step"), control("until"), control("end")])}\\b`;

const DECL = "keyword.other.declaration.tlb";
const CONTROL = "keyword.control.tlb";
const INIT = "keyword.other.init.tlb";
const QUANTIFIER = "keyword.operator.quantifier.tlb";
const COMMIT = "constant.other.commit.tlb";
/** A commit id (or what may lex as one), or a patch mail's quoted `"<Message-ID>"`. */
const FIX_NAME = '\\w+|"<[^"<>]+>"';
const VERSION = "constant.numeric.version.tlb";
const THREAD = "entity.name.thread.tlb";
const LABEL = "entity.name.label.tlb";
const TYPE = "entity.name.type.tlb";
const COLON = "punctuation.separator.colon.tlb";
const CALL = "entity.name.function.call.tlb";
const REGISTER = "variable.other.register.tlb";
const REGION = "variable.other.constant.region.tlb";
const FILE = "variable.other.constant.file.tlb";
const PROT = "support.constant.protection.tlb";
const ADVICE = "support.constant.advice.tlb";
const STEP = "support.function.step.tlb";
/** Where a statement of one line ends. */
const STATEMENT_END = "(?=$|;|//|/\\*|\\})";
/**
 * A region or file named outside init: upper case by convention (`X`, `F`, `A2`); not a thread
 * (`T1:w`, `T0.moved`, taken earlier) nor a call.
 */
const NAMED = `\\b[A-Z][A-Z0-9_]*\\b(?!\\s*\\(|:[A-Za-z_]|\\.[A-Za-z_])`;

/** A region that starts at a keyword and ends after its `{ … }` block, scoped by `block`. */
function region(name: string, begin: string, beginNames: string[], block: TmRule[]): TmRule {
  return {
    name,
    begin,
    beginCaptures: caps(...beginNames),
    end: "(?<=\\})",
    patterns: [
      inc("comments"),
      inc("strings"),
      {
        begin: "\\{",
        beginCaptures: whole("punctuation.section.block.begin.tlb"),
        end: "\\}",
        endCaptures: whole("punctuation.section.block.end.tlb"),
        patterns: block,
      },
    ],
  };
}

export function buildTextMateGrammar(values: ValueWords): TmGrammar {
  const otherCondition = conditionKeywords.filter((w) => !quantifiers.includes(w));
  // The plain reserved words, by class; steps are separate because `mmap` is a keyword in init.
  const keywords: TmRule[] = [
    { name: DECL, match: words(declarationKeywords) },
    { name: CONTROL, match: words(controlKeywords) },
    { name: INIT, match: words(initKeywords) },
    { name: QUANTIFIER, match: words(quantifiers) },
    { name: "keyword.other.tlb", match: words(otherCondition) },
    { name: "constant.language.verdict.tlb", match: words(verdictKeywords) },
    { name: "constant.language.tlb", match: words(constantKeywords) },
  ];

  const repository: Record<string, TmRule> = {
    comments: {
      patterns: [
        {
          name: "comment.line.double-slash.tlb",
          begin: "//",
          beginCaptures: whole("punctuation.definition.comment.tlb"),
          end: "$",
        },
        {
          name: "comment.block.tlb",
          begin: "/\\*",
          beginCaptures: whole("punctuation.definition.comment.begin.tlb"),
          end: "\\*/",
          endCaptures: whole("punctuation.definition.comment.end.tlb"),
        },
      ],
    },
    // Strings may span lines (doc strings); the lexer accepts any escaped character.
    strings: {
      name: "string.quoted.double.tlb",
      begin: '"',
      beginCaptures: whole("punctuation.definition.string.begin.tlb"),
      end: '"',
      endCaptures: whole("punctuation.definition.string.end.tlb"),
      patterns: [{ name: "constant.character.escape.tlb", match: "\\\\." }],
    },
    header: {
      match: `\\b(${decl("tlb")})\\s+(${IDENT})`,
      captures: caps(DECL, "entity.name.section.tlb"),
    },
    init: region(
      "meta.init.tlb",
      `\\b(${decl("init")})\\b`,
      [DECL],
      [
        inc("comments"),
        inc("strings"),
        // `tlb cpu1 X rw`: a TLB entry; `X = mmap F[0] shared rw populate`: a mapping.
        {
          match: `\\b(${decl("tlb")})\\s+(${IDENT})(?:\\s+(${IDENT}))?`,
          captures: caps(DECL, "variable.other.cpu.tlb", REGION),
        },
        // `file F = …`, `X = mmap …`, `Y = unmapped`, `mmap F[0]`: the names they declare and use.
        {
          match: `\\b(${init("file")})\\s+(${IDENT})`,
          captures: caps(INIT, FILE),
        },
        {
          match: `^\\s*(${IDENT})\\s*(=)\\s*(?=mmap\\b|${init("unmapped")}\\b)`,
          captures: caps(REGION, "keyword.operator.assignment.tlb"),
        },
        {
          match: `\\b(mmap)\\s+(?!${init("anon")}\\b)(${IDENT})`,
          captures: caps(INIT, FILE),
        },
        { name: PROT, match: words(values.prot) },
        { name: REGION, match: NAMED },
        { name: INIT, match: words(contextualKeywords) },
        ...keywords,
        inc("numbers"),
        inc("operators"),
        inc("punctuation"),
      ],
    ),
    threads: {
      match: `\\b(${oneOf(thread)})\\s+(${IDENT})(?:\\s+(${control("on")})\\s+(${IDENT}))?`,
      captures: caps(DECL, THREAD, CONTROL, "variable.other.cpu.tlb"),
    },
    // From `proc` to the body's `{`; a doc string and the annotations may sit on lines of their
    // own before the body.
    proc: {
      name: "meta.function.tlb",
      begin: `\\b(${decl("proc")})\\b(?:\\s+(${IDENT}))?`,
      beginCaptures: caps(DECL, "entity.name.function.tlb"),
      end: "(?=\\{)",
      patterns: [
        inc("comments"),
        inc("strings"),
        {
          match: `\\b(${IDENT})\\s*(:)\\s*(${IDENT})`,
          captures: caps("variable.parameter.tlb", COLON, TYPE),
        },
        { match: `(:)\\s*(${IDENT})`, captures: caps(COLON, TYPE) },
        // The fidelity annotations between the signature and the body.
        {
          match: `\\b(${control("in")})\\s+(${IDENT}(?:/[A-Za-z0-9_.-]+)+)`,
          captures: caps(CONTROL, "string.unquoted.path.tlb"),
        },
        { name: "keyword.other.annotation.tlb", match: words(annotationKeywords) },
        inc("numbers"),
        inc("operators"),
        inc("punctuation"),
      ],
    },
    schedule: region(
      "meta.schedule.tlb",
      `\\b(${decl("schedule")})\\b(?:\\s+(${IDENT}))?`,
      [DECL, "entity.name.section.tlb"],
      [
        inc("comments"),
        { match: `\\b(${control("until")})\\s+(${IDENT})`, captures: caps(CONTROL, LABEL) },
        // `T1 2`, `T1 step 3`, `T2 until moved`, `T2 end`: the thread comes first.
        { name: THREAD, match: `\\b(?!${afterThread})${IDENT}(?=\\s+(?:\\d|${afterThread}))` },
        ...keywords,
        inc("numbers"),
        inc("punctuation"),
      ],
    ),
    // `fix C on`, `fix C in 4.9 "title"`: the commit may also lex as an identifier or integer;
    // a patch without a known commit id is named by its mail, `fix "<message-id>" on`.
    fix: {
      match: `\\b(${decl("fix")})\\s+(${FIX_NAME})(?:\\s+(${control("in")})\\s+(${RELEASE})\\b)?`,
      captures: caps(DECL, COMMIT, CONTROL, VERSION),
    },
    // `fixed(C)`: the one built-in procedure, true when the kernel under test has fix C.
    fixed: {
      match: `\\b(fixed)\\s*(\\()\\s*(${FIX_NAME})\\s*(\\))`,
      captures: caps(
        "support.function.builtin.tlb",
        "punctuation.section.parens.begin.tlb",
        COMMIT,
        "punctuation.section.parens.end.tlb",
      ),
    },
    kernel: {
      match: `\\b(${cond("kernel")})\\s+(${RELEASE})\\b`,
      captures: caps("keyword.other.tlb", VERSION),
    },
    label: { match: `\\b(${control("label")})\\s+(${IDENT})`, captures: caps(CONTROL, LABEL) },
    option: {
      match: `\\b(${decl("option")})\\s+(${IDENT})`,
      captures: caps(DECL, "entity.other.attribute-name.option.tlb"),
    },
    negatedExists: { name: QUANTIFIER, match: `~\\s*\\b${cond("exists")}\\b` },
    // `T1:w`, `after:x`: before the keywords, since `after` is one.
    registers: {
      match: `\\b(${IDENT})(:)(${IDENT})\\b`,
      captures: caps(THREAD, "punctuation.separator.register.tlb", REGISTER),
    },
    // `w = store X 1`, `entry = ptep_get(p)`: the register (or local) being assigned.
    assignment: {
      match: `^\\s*(${IDENT})\\s*(=)(?!=)`,
      captures: caps(REGISTER, "keyword.operator.assignment.tlb"),
    },
    keywords: { patterns: keywords },
    // `mprotect X r`: protections are words only here and in init (`r` is a common name).
    mprotect: {
      name: "meta.statement.mprotect.tlb",
      begin: "\\b(mprotect)\\b(?!\\s*\\()",
      beginCaptures: caps(STEP),
      end: STATEMENT_END,
      patterns: [
        { name: PROT, match: words(values.prot) },
        inc("names"),
        inc("numbers"),
        inc("operators"),
        inc("punctuation"),
      ],
    },
    // `ok`, `segv`, `null`; `madvise X dontneed` (not `pageout(page)`, a proc of the prelude).
    values: {
      patterns: [
        { name: "constant.language.result.tlb", match: words(values.results) },
        { name: ADVICE, match: `${words(values.advice)}(?!\\s*\\()` },
      ],
    },
    names: { name: "variable.other.constant.tlb", match: NAMED },
    steps: { name: STEP, match: words(stepNames) },
    calls: { match: `\\b(${IDENT})\\s*(?=\\()`, captures: caps(CALL) },
    // A name alone on a line is a command without arguments (`mmap_write_lock`). The match
    // starts at the line start, so it must not swallow a keyword or a step that follows.
    commands: {
      match: `^\\s*(?!${oneOf([...reservedWords, ...stepNames])}\\b)(${IDENT})\\s*(?=$|//|/\\*)`,
      captures: caps(CALL),
    },
    members: {
      match: `(\\.)(${IDENT})`,
      captures: caps("punctuation.accessor.tlb", "variable.other.member.tlb"),
    },
    // Most specific first, as in the lexer: VERSION, HEX, COMMIT, then INT.
    numbers: {
      patterns: [
        { name: VERSION, match: "\\b\\d+\\.\\d+(?:\\.\\d+)?\\b" },
        { name: "constant.numeric.hex.tlb", match: "\\b0[xX][0-9a-fA-F]+\\b" },
        { name: COMMIT, match: "\\b\\d[0-9a-f]*[a-f][0-9a-f]*\\b" },
        { name: "constant.numeric.integer.tlb", match: "\\b\\d+\\b" },
      ],
    },
    // Two-character operators before their one-character prefixes.
    operators: {
      patterns: [
        { name: "keyword.operator.arrow.tlb", match: "->" },
        { name: "keyword.operator.range.tlb", match: "\\.\\." },
        { name: "keyword.operator.comparison.tlb", match: "==|!=|<=|>=|<|>" },
        { name: "keyword.operator.logical.tlb", match: "&&|\\|\\||!" },
        { name: "keyword.operator.assignment.tlb", match: "=" },
        { name: "keyword.operator.arithmetic.tlb", match: "[+-]" },
        { name: "keyword.operator.tlb", match: "~" },
      ],
    },
    punctuation: {
      patterns: [
        { name: "punctuation.terminator.statement.tlb", match: ";" },
        { name: "punctuation.separator.comma.tlb", match: "," },
        { name: COLON, match: ":" },
        { name: "punctuation.accessor.tlb", match: "\\." },
        { name: "punctuation.section.block.begin.tlb", match: "\\{" },
        { name: "punctuation.section.block.end.tlb", match: "\\}" },
        { name: "punctuation.section.parens.begin.tlb", match: "\\(" },
        { name: "punctuation.section.parens.end.tlb", match: "\\)" },
        { name: "punctuation.section.brackets.begin.tlb", match: "\\[" },
        { name: "punctuation.section.brackets.end.tlb", match: "\\]" },
      ],
    },
  };

  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    information_for_contributors: [
      "Generated by `npm run grammar` from src/syntax/textmate.ts, src/syntax/keywords.ts and the primitive registry's values (src/lsp/grammar-words.ts).",
      "Do not edit by hand: test/grammar checks that this file matches its source.",
    ],
    name: "TLB litmus",
    scopeName: "source.tlb",
    fileTypes: ["tlb"],
    // Leftmost match wins and ties go to the earlier rule, so the order below is significant.
    patterns: [
      "comments",
      "strings",
      "header",
      "init",
      "threads",
      "proc",
      "schedule",
      "fix",
      "fixed",
      "kernel",
      "label",
      "option",
      "negatedExists",
      "registers",
      "assignment",
      "keywords",
      "mprotect",
      "steps",
      "calls",
      "commands",
      "values",
      "names",
      "numbers",
      "operators",
      "members",
      "punctuation",
    ].map(inc),
    repository,
  };
}
