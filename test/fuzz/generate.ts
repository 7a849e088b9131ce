/**
 * Inputs for the fuzz harness: programs generated from the grammar of docs/language.md,
 * mutations of the library scenarios and the kernel prelude, and comments inserted at random
 * token boundaries. Deterministic: every input is a function of its seed.
 */

/** A small seeded generator (mulberry32); the harness names an input by its seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const names = ["X", "Y", "Z", "F", "A", "pte", "r", "w", "old", "page", "addr", "x1"];
const steps = ["store", "load", "munmap", "mremap", "mprotect", "madvise", "fadvise", "pread"];
const words = ["rw", "r", "dirty", "dontneed", "free", "populate", "ok", "segv", "none"];
const binaryOps = ["||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-"];

/** An expression of depth at most `depth`, over every expression form of the grammar. */
function expr(r: Rng, depth: number): string {
  const atom = (): string =>
    r.pick([
      () => r.pick(names),
      () => String(r.int(4)),
      () => `0x${r.int(255).toString(16)}`,
      () => r.pick(["4.8", "6.1.12", "5d1904204c99", '"s"', "true", "false", "anon"]),
      () => `T${1 + r.int(2)}:${r.pick(names)}`,
    ])();
  if (depth <= 0 || r.chance(0.3)) return atom();
  return r.pick([
    () => `${expr(r, depth - 1)} ${r.pick(binaryOps)} ${expr(r, depth - 1)}`,
    () => `(${expr(r, depth - 1)})`,
    () => `${r.pick(["!", "-"])}${expr(r, depth - 1)}`,
    () => `${r.pick(names)}(${list(r, depth - 1, 3)})`,
    () => `${postfixTarget(r, depth)}[${expr(r, depth - 1)}]`,
    () => `${postfixTarget(r, depth)}[${expr(r, depth - 1)}..${expr(r, depth - 1)}]`,
    () => `${postfixTarget(r, depth)}.${r.pick(["dirty", "1", "0", "present"])}`,
  ])();
}

function postfixTarget(r: Rng, depth: number): string {
  return r.chance(0.7) ? r.pick(names) : `(${expr(r, depth - 1)})`;
}

function list(r: Rng, depth: number, max: number): string {
  return Array.from({ length: r.int(max + 1) }, () => expr(r, depth)).join(", ");
}

/** A command argument: an atom with postfixes, or any expression in parentheses. */
function argument(r: Rng): string {
  return r.pick([
    () => r.pick(names),
    () => r.pick(words),
    () => String(r.int(3)),
    () => `${r.pick(names)}[${r.int(3)}]`,
    () => `${r.pick(names)}.${r.pick(["1", "dirty"])}`,
    () => `(${expr(r, 2)})`,
    () => r.pick(["4.9", "5d1904204c99", "true", "shared", "private", "anon"]),
  ])();
}

function command(r: Rng): string {
  const args = Array.from(
    { length: r.int(4) },
    (_, i) => (i > 0 && r.chance(0.2) ? "-> " : "") + argument(r),
  );
  return [r.pick([...steps, ...names]), ...args].join(" ");
}

function stmt(r: Rng, depth: number, indent: string): string {
  const nested = (): string => block(r, depth - 1, indent);
  const simple = [
    () => command(r),
    () => `${r.pick(names)} = ${command(r)}`,
    () => `${r.pick(names)} = ${expr(r, 2)}`,
    () => `${r.pick(names)}(${list(r, 1, 2)})`,
    () =>
      `${r.pick(names)} = ${Array.from({ length: 8 + r.int(10) }, () => expr(r, 1)).join(" && ")}`,
    () => `${r.pick(names)}(${list(r, 2, 8)})`,
    () => "skip",
    () => `label ${r.pick(names)}`,
    () => (r.chance(0.5) ? "return" : `return ${expr(r, 2)}`),
  ];
  const compound = [
    () => `if ${expr(r, 2)} ${nested()}${r.chance(0.4) ? ` else ${nested()}` : ""}`,
    () => `if ${expr(r, 1)} ${nested()} else if ${expr(r, 1)} ${nested()}`,
    () => `for ${r.pick(names)} in ${expr(r, 1)} ${nested()}`,
    () => `while ${expr(r, 2)} ${nested()}`,
    () => `atomic ${nested()}`,
  ];
  return depth > 0 && r.chance(0.3) ? r.pick(compound)() : r.pick(simple)();
}

function block(r: Rng, depth: number, indent: string): string {
  const inner = `${indent}  `;
  const n = r.int(4);
  if (n === 0) return "{}";
  const body = Array.from({ length: n }, () => inner + stmt(r, depth, inner));
  return `{\n${body.join(r.chance(0.2) ? "\n\n" : "\n")}\n${indent}}`;
}

function initItem(r: Rng): string {
  return r.pick([
    () =>
      `file ${r.pick(names)} = [${Array.from({ length: r.int(3) }, () => r.int(9)).join(", ")}]`,
    () =>
      `${r.pick(names)} = mmap ${r.pick(["anon", "anon[2]", "F", "F[1]", "F[0..1]"])} ${r.pick(["shared", "private"])} ${r.pick(["rw", "r"])}${r.chance(0.3) ? " populate" : ""}`,
    () => `${r.pick(names)} = unmapped${r.chance(0.3) ? "[2]" : ""}`,
    () => `tlb cpu${r.int(3)} ${r.pick(["X", "X[1]", "(X)", "X.1"])} ${r.pick(words)}`,
    () => `${r.pick(["X", "X.1", "X[1]", "(X.1).2"])} = ${r.int(9)}`,
  ])();
}

function decl(r: Rng): string {
  return r.pick([
    () => `init {\n${Array.from({ length: r.int(4) }, () => `  ${initItem(r)}`).join("\n")}\n}`,
    () => `${r.pick(["thread", "kthread"])} T${r.int(3)} on cpu${r.int(3)} ${block(r, 2, "")}`,
    () =>
      `proc ${r.pick(names)}(${r.chance(0.5) ? "a: page, b: file" : ""})${r.chance(0.3) ? ": page" : ""}${r.chance(0.3) ? ' "doc"' : ""} ${block(r, 2, "")}`,
    () => `after ${block(r, 1, "")}`,
    () => `${r.pick(["exists", "~exists", "forall"])} (${expr(r, 3)})`,
    // Long enough to break over lines, where comments and newlines are delicate.
    () =>
      `exists (${Array.from({ length: 6 + r.int(10) }, () => expr(r, 2)).join(` ${r.pick(binaryOps)} `)})`,
    () =>
      `expect kernel ${r.pick(["4.8", "6.18", "5"])}${r.chance(0.3) ? " with fix 5d1904204c99 on, fix abcdef1 off" : ""} : ${r.pick(["sometimes", "never", "always"])}`,
    () => `fix ${r.pick(["5d1904204c99", "abcdef1", '"<m@x>"'])} ${r.pick(["on", "off"])}`,
    () => `fix 5d1904204c99 in 4.9 "title"`,
    () =>
      `schedule s${r.int(3)}${r.chance(0.2) ? ' "doc"' : ""} {\n  ${Array.from({ length: r.int(4) }, () => `T${r.int(3)} ${r.pick(["1", "step 2", "until x", "end", "evicted"])}`).join(r.chance(0.5) ? "; " : "\n  ")}\n}`,
    () => `option ${r.pick(["tlb_evict", "x"])}${r.pick(["", " on", " off"])}`,
  ])();
}

/** A program from the grammar: mostly well-formed, of every declaration and statement form. */
export function generateProgram(r: Rng): string {
  const header = r.chance(0.9) ? `tlb t${r.int(9)}${r.chance(0.2) ? '\n"doc"' : ""}\n\n` : "";
  const decls = Array.from({ length: 1 + r.int(4) }, () => decl(r));
  return header + decls.join(r.chance(0.5) ? "\n\n" : "\n") + "\n";
}

const commentTexts = ["// c", "/* c */", "/* two\n lines */", "// x // y", "/**/", "//"];

/** Offsets between tokens (and inside runs of blanks), where a comment may go. */
function boundaries(text: string): number[] {
  const out: number[] = [0, text.length];
  for (let i = 1; i < text.length; i++) {
    const a = text[i - 1]!;
    const b = text[i]!;
    const word = /[A-Za-z0-9_.]/;
    if (!(word.test(a) && word.test(b)) && a !== "/" && b !== "/" && a !== "*") out.push(i);
  }
  return out;
}

/**
 * Inserts comments at random token boundaries: block comments anywhere, line comments with the
 * line break they need (which may end a statement: then the input no longer parses, also a
 * case), CR line endings sometimes.
 */
export function insertComments(r: Rng, text: string, count: number): string {
  let out = text;
  for (let k = 0; k < count; k++) {
    const bs = boundaries(out);
    const at = r.pick(bs);
    if (inStringOrComment(out, at)) continue;
    let c = r.pick(commentTexts);
    if (c.startsWith("//")) c = `${c}${r.pick(["\n", "\n", "\r\n", "\r"])}`;
    else if (r.chance(0.3)) c = ` ${c} `;
    out = out.slice(0, at) + c + out.slice(at);
  }
  return out;
}

function inStringOrComment(text: string, at: number): boolean {
  let inString = false;
  for (let i = 0; i < at; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "/" && text[i + 1] === "/") {
      const eol = text.slice(i).search(/[\r\n]/);
      if (eol < 0 || i + eol >= at) return true;
      i += eol;
    } else if (ch === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close < 0 || close + 2 > at) return true;
      i = close + 1;
    }
  }
  return inString;
}

const vocabulary = [
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  "\n",
  ";",
  ",",
  ".",
  "..",
  "->",
  "-",
  "!",
  "==",
  "&&",
  ":",
  "=",
  '"',
  "//",
  "/*",
  "*/",
  "\r",
  "\t",
  "else",
  "if",
  "x",
  "1",
  "4.8",
  "store",
  "tlb",
  "é",
  "\u2028",
];

/** A random edit of a source: cut, duplicate, insert a token, swap lines, or add comments. */
export function mutate(r: Rng, source: string): string {
  const n = source.length;
  const at = r.int(n + 1);
  switch (r.int(6)) {
    case 0:
      return source.slice(0, at) + source.slice(at + 1 + r.int(20));
    case 1: {
      const len = 1 + r.int(40);
      return source.slice(0, at) + source.slice(at, at + len) + source.slice(at);
    }
    case 2:
      return source.slice(0, at) + r.pick(vocabulary) + source.slice(at);
    case 3: {
      const lines = source.split("\n");
      const i = r.int(lines.length);
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join("\n");
    }
    case 4:
      return insertComments(r, source, 1 + r.int(3));
    default:
      return source.replace(/\n/g, r.pick(["\r\n", "\r", "\n\n", " \n"]));
  }
}

/**
 * A run of whole top-level declarations of a (large) source, such as one prelude proc with its
 * comments, so that every input stays small and most of them parse.
 */
export function excerpt(r: Rng, source: string, maxChunks: number): string {
  const chunks = source.split(/\n(?=[^\s}])/);
  if (chunks.length <= maxChunks) return source;
  const start = r.int(chunks.length - maxChunks + 1);
  return `${chunks.slice(start, start + 1 + r.int(maxChunks)).join("\n")}\n`;
}
