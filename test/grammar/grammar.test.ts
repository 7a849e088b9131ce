import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { IToken as LexToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import vsctm from "vscode-textmate";
import type { IGrammar } from "vscode-textmate";
import oniguruma from "vscode-oniguruma";
import { DiagnosticBag } from "../../src/diagnostics/diagnostic.js";
import * as K from "../../src/syntax/keywords.js";
import { lex } from "../../src/syntax/lexer.js";
import { grammarWords } from "../../src/lsp/grammar-words.js";
import { buildTextMateGrammar } from "../../src/syntax/textmate.js";
import * as T from "../../src/syntax/tokens.js";
import { preludeFiles, readRepoFile, root, scenarioFiles } from "../helpers.js";

/** The grammar as VS Code loads it: the committed file, which must match its source. */
const grammarPath = join(root, "grammar/tlb.tmLanguage.json");
const grammarText = readFileSync(grammarPath, "utf8");
// Loaded before collection: the per-file suites tokenize while they are defined.
const grammar: IGrammar = await loadGrammar();

async function loadGrammar(): Promise<IGrammar> {
  const wasm = createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm");
  await oniguruma.loadWASM(readFileSync(wasm));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(grammarText, grammarPath),
  });
  return (await registry.loadGrammar("source.tlb"))!;
}

interface Tokenized {
  readonly lines: string[];
  /** Per line, the tokens with their scopes (the root scope `source.tlb` dropped). */
  readonly tokens: { start: number; end: number; scopes: string[] }[][];
  /** The rule stack depth after the last line: 1 when no string, comment or region is open. */
  readonly endDepth: number;
}

function tokenize(text: string): Tokenized {
  const lines = text.split("\n");
  let state = vsctm.INITIAL;
  const tokens = lines.map((line) => {
    const r = grammar.tokenizeLine(line, state, 1000);
    // A grammar that loops or backtracks badly runs out of time instead of failing.
    expect(r.stoppedEarly, line).toBe(false);
    state = r.ruleStack;
    return r.tokens.map((t) => ({
      start: t.startIndex,
      end: t.endIndex,
      scopes: t.scopes.slice(1),
    }));
  });
  return { lines, tokens, endDepth: state.depth };
}

/** The scopes at a 0-based line and column. */
function scopesAt(t: Tokenized, line: number, column: number): string[] {
  return t.tokens[line]!.find((tok) => tok.start <= column && column < tok.end)?.scopes ?? [];
}

const tlbSources = (): string[] => [...scenarioFiles(), ...preludeFiles()];

describe("the committed grammar", () => {
  // When this fails, run `npm run grammar`.
  it("is what buildTextMateGrammar() builds", () => {
    expect(JSON.parse(grammarText)).toEqual(
      JSON.parse(JSON.stringify(buildTextMateGrammar(grammarWords()))),
    );
  });

  it("is the one the VS Code extension manifest contributes", () => {
    const manifest = JSON.parse(readRepoFile("grammar/package.json"));
    const [language] = manifest.contributes.languages;
    const [contributed] = manifest.contributes.grammars;
    expect(language.extensions).toEqual([".tlb"]);
    expect(contributed).toMatchObject({ language: language.id, scopeName: "source.tlb" });
    expect(join(root, "grammar", contributed.path)).toBe(grammarPath);
    expect(() => JSON.parse(readRepoFile(join("grammar", language.configuration)))).not.toThrow();
  });
});

describe("keywords", () => {
  // One line per word, each in a fresh state; the expected scope follows the word's list.
  const cases: [list: string, words: readonly string[], scope: RegExp][] = [
    ["declarationKeywords", K.declarationKeywords, /^keyword\.other\.declaration\.tlb$/],
    ["controlKeywords", K.controlKeywords, /^keyword\.control\.tlb$/],
    ["initKeywords", K.initKeywords, /^keyword\.other\.init\.tlb$/],
    ["conditionKeywords", K.conditionKeywords, /^keyword\.(operator\.quantifier|other)\.tlb$/],
    ["verdictKeywords", K.verdictKeywords, /^constant\.language\.verdict\.tlb$/],
    ["constantKeywords", K.constantKeywords, /^constant\.language\.tlb$/],
    ["stepNames", K.stepNames, /^support\.function\.step\.tlb$/],
  ];
  for (const [list, words, scope] of cases) {
    it.each([...words])(`${list}: %s`, (word) => {
      expect(scopesAt(tokenize(word), 0, 0).at(-1)).toMatch(scope);
    });
  }

  // Contextual keywords are keywords only in the init block (`mmap` is a step elsewhere).
  it.each([...K.contextualKeywords])("contextualKeywords: %s", (word) => {
    expect(scopesAt(tokenize(`init {\n  X = ${word}\n}`), 1, 6)).toEqual([
      "meta.init.tlb",
      "keyword.other.init.tlb",
    ]);
  });

  it("match whole words only", () => {
    const all = [...K.reservedWords, ...K.contextualKeywords, ...K.stepNames];
    for (const word of all) {
      for (const name of [`${word}_x`, `x_${word}`, `${word}1`, `my${word}`]) {
        const t = tokenize(`y = ${name} + 1`);
        expect(scopesAt(t, 0, 4), name).toEqual([]);
      }
    }
    // `format` is a register being assigned, not `for`.
    expect(scopesAt(tokenize("format = 1"), 0, 0)).toEqual(["variable.other.register.tlb"]);
  });
});

describe("the fixture", () => {
  const t = tokenize(readRepoFile("test/grammar/fixture.tlb"));

  /** The innermost scope of the `nth` occurrence of `word` on the first line containing `line`. */
  function scope(line: string, word: string, nth = 0): string | undefined {
    const i = t.lines.findIndex((l) => l.includes(line));
    expect(i, line).toBeGreaterThanOrEqual(0);
    let column = -1;
    for (let n = 0; n <= nth; n++) column = t.lines[i]!.indexOf(word, column + 1);
    expect(column, `${word} in ${line}`).toBeGreaterThanOrEqual(0);
    return scopesAt(t, i, column).at(-1);
  }

  it("closes every string, comment and region", () => {
    expect(t.endDepth).toBe(1);
  });

  it.each([
    // comments
    ["// Every token class", "//", "punctuation.definition.comment.tlb"],
    ["// Every token class", "Every", "comment.line.double-slash.tlb"],
    ["/* A block comment", "block", "comment.block.tlb"],
    ["over two lines. */", "over", "comment.block.tlb"],
    ["over two lines. */", "*/", "punctuation.definition.comment.end.tlb"],
    ["w = store X 2 /* inline */", "inline", "comment.block.tlb"],
    // strings, with a doc string over several lines
    ["tlb grammar_fixture", "tlb", "keyword.other.declaration.tlb"],
    ["tlb grammar_fixture", "grammar_fixture", "entity.name.section.tlb"],
    ['"A doc string that', "doc", "string.quoted.double.tlb"],
    ['with \\"escaped', "with", "string.quoted.double.tlb"],
    ['with \\"escaped', '\\"', "constant.character.escape.tlb"],
    ["a backslash \\\\ inside", "\\\\", "constant.character.escape.tlb"],
    ["a backslash \\\\ inside", "inside", "string.quoted.double.tlb"],
    ['"Writes p, maybe."', "Writes", "string.quoted.double.tlb"],
    // declarations
    ["option tlb_evict on", "option", "keyword.other.declaration.tlb"],
    ["option tlb_evict on", "tlb_evict", "entity.other.attribute-name.option.tlb"],
    ["option tlb_evict on", "on", "keyword.control.tlb", 1],
    ["fix abcdef1 off", "fix", "keyword.other.declaration.tlb"],
    ["fix abcdef1 off", "abcdef1", "constant.other.commit.tlb"],
    ["fix abcdef1 off", "off", "keyword.control.tlb"],
    ['fix "<1234.5678@example.org>" on', "<1234", "constant.other.commit.tlb"],
    ['fix "<1234.5678@example.org>" on', "on", "keyword.control.tlb"],
    ["fix 5d1904204c99 in 4.9", "5d1904204c99", "constant.other.commit.tlb"],
    ["fix 5d1904204c99 in 4.9", "in", "keyword.control.tlb"],
    ["fix 5d1904204c99 in 4.9", "4.9", "constant.numeric.version.tlb"],
    ["fix 5d1904204c99 in 4.9", "race", "string.quoted.double.tlb"],
    // init
    ["init {", "init", "keyword.other.declaration.tlb"],
    ["file F = [0, 1]", "file", "keyword.other.init.tlb"],
    ["file F = [0, 1]", "1", "constant.numeric.integer.tlb"],
    ["file F = [0, 1]", "//", "punctuation.definition.comment.tlb"],
    ["X = mmap F[0..1]", "mmap", "keyword.other.init.tlb"],
    ["X = mmap F[0..1]", "..", "keyword.operator.range.tlb"],
    ["X = mmap F[0..1]", "[", "punctuation.section.brackets.begin.tlb"],
    ["X = mmap F[0..1]", "shared", "keyword.other.init.tlb"],
    ["X = mmap F[0..1]", "populate", "keyword.other.init.tlb"],
    ["A = mmap anon[2] private", "anon", "keyword.other.init.tlb"],
    ["A = mmap anon[2] private", "private", "keyword.other.init.tlb"],
    ["Y = unmapped[1]", "unmapped", "keyword.other.init.tlb"],
    ["tlb cpu1 X rw dirty", "tlb", "keyword.other.declaration.tlb"],
    ["tlb cpu1 X rw dirty", "cpu1", "variable.other.cpu.tlb"],
    ["X.1 = 0x1F", "0x1F", "constant.numeric.hex.tlb"],
    ["X.1 = 0x1F", "=", "keyword.operator.assignment.tlb"],
    // procs
    ["proc touch(p: page", "proc", "keyword.other.declaration.tlb"],
    ["proc touch(p: page", "touch", "entity.name.function.tlb"],
    ["proc touch(p: page", "p", "variable.parameter.tlb", 1],
    ["proc touch(p: page", "page", "entity.name.type.tlb"],
    ["proc touch(p: page", "file", "entity.name.type.tlb"],
    ["proc touch(p: page", "bool", "entity.name.type.tlb"],
    ["models do_touch", "models", "keyword.other.annotation.tlb"],
    ["models do_touch", "in", "keyword.control.tlb"],
    ["models do_touch", "mm/touch.c", "string.unquoted.path.tlb"],
    ["follows 3.10", "follows", "keyword.other.annotation.tlb"],
    ["follows 3.10", "3.10", "constant.numeric.version.tlb"],
    ["follows 3.10", "..", "keyword.operator.range.tlb"],
    ["deviation removes", "deviation", "keyword.other.annotation.tlb"],
    ["deviation removes", "removes", "keyword.other.annotation.tlb"],
    ["deviation removes", "no lock", "string.quoted.double.tlb"],
    ["entry = ptep_get(p)", "ptep_get", "entity.name.function.call.tlb"],
    ["if entry.present &&", "present", "variable.other.member.tlb"],
    ["if entry.present &&", "fixed", "support.function.builtin.tlb"],
    ["if entry.present &&", "5d1904204c99", "constant.other.commit.tlb"],
    ["return true", "return", "keyword.control.tlb"],
    ["return true", "true", "constant.language.tlb"],
    ["} else {", "else", "keyword.control.tlb"],
    ["flush_all", "flush_all", "entity.name.function.call.tlb"],
    // threads and statements
    ["thread T1 on cpu1", "thread", "keyword.other.declaration.tlb"],
    ["thread T1 on cpu1", "T1", "entity.name.thread.tlb"],
    ["thread T1 on cpu1", "on", "keyword.control.tlb"],
    ["kthread kswapd on cpu0", "kthread", "keyword.other.declaration.tlb"],
    ["kthread kswapd on cpu0", "kswapd", "entity.name.thread.tlb"],
    ["  store X 1", "store", "support.function.step.tlb"],
    ["w = store X 2", "store", "support.function.step.tlb"],
    ["mremap X -> Y", "mremap", "support.function.step.tlb"],
    ["mremap X -> Y", "->", "keyword.operator.arrow.tlb"],
    ["madvise X[0..1] free", "madvise", "support.function.step.tlb"],
    ["madvise X[0..1] free", "[", "punctuation.section.brackets.begin.tlb"],
    ["madvise X[0..1] free", "0", "constant.numeric.integer.tlb"],
    ["madvise X[0..1] free", "..", "keyword.operator.range.tlb"],
    ["madvise X[0..1] free", "1", "constant.numeric.integer.tlb"],
    ["reclaim F[0]", "reclaim", "support.function.step.tlb"],
    ["for i in X {", "for", "keyword.control.tlb"],
    ["for i in X {", "in", "keyword.control.tlb"],
    ["for i in X {", "{", "punctuation.section.block.begin.tlb"],
    ["atomic {", "atomic", "keyword.control.tlb"],
    ["skip", "skip", "keyword.control.tlb"],
    ["label moved", "label", "keyword.control.tlb"],
    ["label moved", "moved", "entity.name.label.tlb"],
    ["n = 3 + 4 - 1", "+", "keyword.operator.arithmetic.tlb"],
    ["n = 3 + 4 - 1", "-", "keyword.operator.arithmetic.tlb"],
    ["if n >= 5 ||", ">=", "keyword.operator.comparison.tlb"],
    ["if n >= 5 ||", "||", "keyword.operator.logical.tlb"],
    ["if n >= 5 ||", "!", "keyword.operator.logical.tlb"],
    ["if n >= 5 ||", "!=", "keyword.operator.comparison.tlb"],
    ["if n >= 5 ||", "&&", "keyword.operator.logical.tlb"],
    ["r = load X", "load", "support.function.step.tlb"],
    ["after {", "after", "keyword.other.declaration.tlb"],
    ["c = 16af97dc5a89", "16af97dc5a89", "constant.other.commit.tlb"],
    ["k = 4.13", "4.13", "constant.numeric.version.tlb"],
    // conditions
    ["exists (T1:w == ok", "exists", "keyword.operator.quantifier.tlb"],
    ["exists (T1:w == ok", "(", "punctuation.section.parens.begin.tlb"],
    ["exists (T1:w == ok", "T1", "entity.name.thread.tlb"],
    ["exists (T1:w == ok", ":", "punctuation.separator.register.tlb"],
    ["exists (T1:w == ok", "w", "variable.other.register.tlb"],
    ["exists (T1:w == ok", "==", "keyword.operator.comparison.tlb"],
    ["exists (T1:w == ok", "after", "entity.name.thread.tlb"],
    ["exists (T1:w == ok", "v", "variable.other.register.tlb"],
    ["~exists (T1:r <= 0)", "~exists", "keyword.operator.quantifier.tlb"],
    ["~exists (T1:r <= 0)", "r", "variable.other.register.tlb"],
    ["forall (T1:w == ok)", "forall", "keyword.operator.quantifier.tlb"],
    // expectations
    ["expect kernel 4.8 : sometimes", "expect", "keyword.other.declaration.tlb"],
    ["expect kernel 4.8 : sometimes", "kernel", "keyword.other.tlb"],
    ["expect kernel 4.8 : sometimes", "4.8", "constant.numeric.version.tlb"],
    ["expect kernel 4.8 : sometimes", ":", "punctuation.separator.colon.tlb"],
    ["expect kernel 4.8 : sometimes", "sometimes", "constant.language.verdict.tlb"],
    ["with fix 5d1904204c99 off : never", "with", "keyword.control.tlb"],
    ["with fix 5d1904204c99 off : never", "fix", "keyword.other.declaration.tlb"],
    ["with fix 5d1904204c99 off : never", "5d1904204c99", "constant.other.commit.tlb"],
    ["with fix 5d1904204c99 off : never", "never", "constant.language.verdict.tlb"],
    ["expect kernel 5 : always", "5", "constant.numeric.version.tlb"],
    ["expect kernel 5 : always", "always", "constant.language.verdict.tlb"],
    // schedules
    ['schedule racy "T1 first."', "schedule", "keyword.other.declaration.tlb"],
    ['schedule racy "T1 first."', "racy", "entity.name.section.tlb"],
    ['schedule racy "T1 first."', "T1", "string.quoted.double.tlb"],
    ["T1 1; kswapd until moved", "T1", "entity.name.thread.tlb"],
    ["T1 1; kswapd until moved", "1;", "constant.numeric.integer.tlb"],
    ["T1 1; kswapd until moved", ";", "punctuation.terminator.statement.tlb"],
    ["T1 1; kswapd until moved", "kswapd", "entity.name.thread.tlb"],
    ["T1 1; kswapd until moved", "until", "keyword.control.tlb"],
    ["T1 1; kswapd until moved", "moved", "entity.name.label.tlb"],
    ["T1 1; kswapd until moved", "step", "keyword.control.tlb"],
    ["T1 1; kswapd until moved", "end", "keyword.control.tlb"],
  ] as [string, string, string, number?][])("%s: %s is %s", (line, word, expected, nth) => {
    expect(scope(line, word, nth)).toBe(expected);
  });
});

describe.each(tlbSources())("%s", (file) => {
  const text = readRepoFile(file);
  const t = tokenize(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  /** The scopes at a text offset of the lexer. */
  const scopesAtOffset = (offset: number): string[] => {
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > offset) line--;
    return scopesAt(t, line, offset - lineStarts[line]!);
  };

  it("ends with every string, comment and region closed", () => {
    expect(t.endDepth).toBe(1);
  });

  it("leaves nothing but names unscoped", () => {
    t.tokens.forEach((tokens, i) => {
      for (const tok of tokens.filter((x) => x.scopes.length === 0)) {
        expect(t.lines[i]!.slice(tok.start, tok.end), `${file}:${i + 1}`).toMatch(
          /^[\sA-Za-z0-9_]*$/,
        );
      }
    });
  });

  // The lexer is the reference: its comments, strings and literals must get the matching scope.
  it("agrees with the lexer on comments, strings and literals", () => {
    const { tokens, comments } = lex(text, new DiagnosticBag(file));
    const expected = new Map<unknown, RegExp>([
      [T.LineComment, /^comment\.line\.double-slash\.tlb$/],
      [T.BlockComment, /^comment\.block\.tlb$/],
      [T.StringLiteral, /^string\.quoted\.double\.tlb$/],
      [T.HexInteger, /^constant\.numeric\.hex\.tlb$/],
      [T.Version, /^constant\.numeric\.version\.tlb$/],
      [T.CommitId, /^constant\.other\.commit\.tlb$/],
      // `kernel 5` is a version and `fix 1234567` a commit.
      [T.Integer, /^constant\.(numeric|other\.commit)\./],
    ]);
    const checked = [...tokens, ...comments].filter((tok: LexToken) => expected.has(tok.tokenType));
    // A fix named by its patch mail, `"<message-id>"`, is a commit, not a string.
    const fixName = /^"<[^"<>]+>"$/;
    for (const tok of checked) {
      // Inside the token, past any punctuation such as `//`, `/*` or `"`.
      const scopes = scopesAtOffset(tok.endOffset!);
      const where = `${file}:${tok.startLine}:${tok.startColumn} ${tok.image}`;
      const want = fixName.test(tok.image)
        ? expected.get(T.CommitId)!
        : expected.get(tok.tokenType)!;
      expect(
        scopes.some((s) => want.test(s)),
        where,
      ).toBe(true);
    }
    expect(comments.length).toBeGreaterThan(0);
  });

  it("gives a step at the start of a statement the step scope (a keyword in init)", () => {
    const statement = /^(\s*(?:[A-Za-z_]\w*\s*=\s*)?)([A-Za-z_]\w*)\b/;
    t.lines.forEach((line, i) => {
      const m = statement.exec(line);
      if (!m || !(K.stepNames as readonly string[]).includes(m[2]!)) return;
      const scopes = scopesAt(t, i, m[1]!.length);
      if (scopes.some((s) => s.startsWith("comment") || s.startsWith("string"))) return;
      const expected = scopes.includes("meta.init.tlb")
        ? "keyword.other.init.tlb"
        : "support.function.step.tlb";
      expect(scopes.at(-1), `${file}:${i + 1}`).toBe(expected);
    });
  });
});
