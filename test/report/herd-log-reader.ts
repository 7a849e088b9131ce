/**
 * A reader of herd7 logs written from herd7's output code (herd/top_herd.ml) and herdtools' own
 * log reader, the one mcompare7 and msum7 use (tools/lexLog_tools.mll, tools/logState.ml,
 * tools/logConstr.ml; read at herd/herdtools7 master). It follows that reader's rules, not
 * tlbl's code, so a test can hold tlbl's text output to them:
 *
 *  - a test starts at a line `Test NAME [KIND]` (NAME of letters, digits and `_/.-+[]`; KIND
 *    Allow(ed), Require(d), Forbid(den), Unknown, ???, ---, Undefined, or none: any other word
 *    is fatal);
 *  - every line up to `States [N]` (or `Histogram (N states)`) is skipped, but a line starting
 *    `Fatal:` or `Fatal ` there drops the test;
 *  - then outcome lines, each `[COUNT *>|:>]` then `loc=value;` bindings, up to a line starting
 *    with a validation word (Ok, No, Undef, Succeeded, Failed, ??): any other line is a lex
 *    error, and the reader drops the whole file;
 *  - then optionally `Witnesses` and `Positive: P Negative: N` (blank lines first), optionally
 *    `Condition …` (blank, `Flag …` and `Bad executions…` lines first), then `Hash=…`, `Time
 *    NAME t.t`, `Word=…` and `Word NAME …` lines until another line;
 *  - everything after that up to the next `Test` line is skipped.
 *
 * A condition it parses must name locations every outcome line binds: the reader checks it
 * against them (logState.ml's `bds_assoc`, fatal otherwise).
 */

export interface HerdState {
  readonly count: number;
  /** `*>` (true), `:>` (false), or no mark. */
  readonly star: boolean | undefined;
  readonly bindings: ReadonlyMap<string, string>;
}

export interface HerdTest {
  readonly name: string;
  readonly kind: string;
  readonly states: readonly HerdState[];
  readonly statesLine: number | undefined;
  readonly validation: string;
  readonly witnesses: readonly [number, number] | undefined;
  readonly condition: string | undefined;
  readonly hash: string | undefined;
  readonly time: number | undefined;
}

export interface HerdLog {
  readonly tests: readonly HerdTest[];
  /** Tests a `Fatal` line dropped. */
  readonly dropped: readonly string[];
}

const testname = String.raw`[A-Za-z0-9_/.\-+[\]]+`;
const name = String.raw`[A-Za-z][A-Za-z0-9_.]*`;
const kinds = [
  "Allow",
  "Allowed",
  "Require",
  "Required",
  "Forbid",
  "Forbidden",
  "",
  "Unknown",
  "???",
  "---",
  "Undefined",
];
const loc = String.raw`(?:\d+:${name}|\[?(?:${name}|\$(?:[A-Za-z]+|\d+)|(?:PTE|PA)\s*\(\s*${name}\s*\)|tag\s*\(\s*${name}\s*\))\]?|${name}\[\d+\])`;
const value = String.raw`(?:-?(?:\d+|0x[0-9a-fA-F]+)|${name}(?::${name})?|\{[ ,\-0-9a-fx]*\}|:[A-Za-z]+)`;
const binding = new RegExp(String.raw`^[ \t]*(${loc})[ \t]*=[ \t]*(${value})[ \t]*;`);
const validation = /^(?:Loop[ \t]+)?(Undef|Succeeded|Failed|Ok|No|\?\?)/;

export class HerdLexError extends Error {}

export function readHerdLog(text: string): HerdLog {
  const lines = text.split("\n");
  const tests: HerdTest[] = [];
  const dropped: string[] = [];
  let i = 0;
  const testLine = new RegExp(`^Test[ \\t]+(${testname})(?:[ \\t]+(${name}|\\?\\?\\?|---))?$`);
  while (i < lines.length) {
    const m = testLine.exec(lines[i]!);
    i++;
    if (m === null) continue;
    const kind = m[2] ?? "";
    if (!kinds.includes(kind)) throw new HerdLexError(`Lexing kind: ${kind}`);
    // pstate
    let statesLine: number | undefined;
    let fatal = false;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (/^Fatal[: ]/.test(l)) {
        fatal = true;
        i++;
        break;
      }
      const s =
        /^States(?:[ \t]+(\d+))?$/.exec(l) ??
        /^Histogram(?:[ \t]+\((\d+)[ \t]+states[ \t]*\))?$/.exec(l);
      if (s) {
        statesLine = s[1] === undefined ? undefined : Number(s[1]);
        i++;
        break;
      }
    }
    if (fatal) {
      dropped.push(m[1]!);
      continue;
    }
    // plines
    const states: HerdState[] = [];
    let ok: string | undefined;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      if (/^[ \t]*$/.test(l)) {
        if (states.length === 0) states.push({ count: 1, star: undefined, bindings: new Map() });
        continue;
      }
      const v = validation.exec(l);
      const prefix = /^(\d+)[ \t]*(:>|\*>)/.exec(l);
      if (v && !prefix) {
        ok = v[1];
        i++;
        break;
      }
      let rest = prefix ? l.slice(prefix[0].length) : l;
      const bindings = new Map<string, string>();
      for (let b = binding.exec(rest); b !== null; b = binding.exec(rest)) {
        if (bindings.has(b[1]!)) throw new HerdLexError(`location ${b[1]} bound twice`);
        bindings.set(b[1]!, b[2]!);
        rest = rest.slice(b[0].length);
      }
      if (!/^[ \t]*(#.*)?$/.test(rest)) throw new HerdLexError(`pline: ${JSON.stringify(l)}`);
      states.push({
        count: prefix ? Number(prefix[1]) : 1,
        star: prefix ? prefix[2] === "*>" : undefined,
        bindings,
      });
    }
    if (ok === undefined) throw new HerdLexError(`no validation line for ${m[1]}`);
    // pwitnesses
    let witnesses: [number, number] | undefined;
    let j = i;
    while (j < lines.length && /^[ \t]*$/.test(lines[j]!)) j++;
    const w = /^Positive:[ \t]*(\d+),?[ \t]*Negative:[ \t]*(\d+)[ \t]*$/.exec(lines[j + 1] ?? "");
    if (/^Witnesses[ \t]*$/.test(lines[j] ?? "") && w) {
      witnesses = [Number(w[1]), Number(w[2])];
      i = j + 2;
    } else i = j;
    // pcond
    while (i < lines.length && /^(?:[ \t]*$|Bad executions|Flag )/.test(lines[i]!)) i++;
    let condition: string | undefined;
    const c = /^Condition[ \t]+(.+)$/.exec(lines[i] ?? "");
    if (c) {
      condition = c[1]!.replace(/[ \t]+is.*validated$/, "");
      i++;
    }
    while (i < lines.length && /^[ \t]*$/.test(lines[i]!)) i++;
    // phash
    let hash: string | undefined;
    let time: number | undefined;
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      const h = /^[hH][aA][sS][hH][ \t]*=[ \t]*(\S+)[ \t]*$/.exec(l);
      const t = new RegExp(`^Time[ \\t]+${testname}[ \\t]+(\\d+\\.\\d+)[ \\t]*$`).exec(l);
      if (h) hash = h[1];
      else if (t) time = Number(t[1]);
      else if (/^[A-Za-z]+[ \t]*=/.test(l)) continue;
      else if (new RegExp(`^[A-Za-z]+[ \\t]+${testname}[ \\t]+`).test(l)) continue;
      else break;
    }
    tests.push({
      name: m[1]!,
      kind,
      states,
      statesLine,
      validation: ok,
      witnesses,
      condition,
      hash,
      time,
    });
  }
  return { tests, dropped };
}

/** herd's condition syntax, the part tlbl writes: quantifier, `~`, `/\`, `\/`, `loc=v`, `loc=[loc]`. */
export type Prop =
  | { readonly k: "const"; readonly v: boolean }
  | { readonly k: "not"; readonly p: Prop }
  | { readonly k: "and" | "or"; readonly a: Prop; readonly b: Prop }
  | { readonly k: "eq"; readonly loc: string; readonly v: string }
  | { readonly k: "eqloc"; readonly loc: string; readonly other: string };

export function parseCondition(text: string): { quantifier: string; prop: Prop } {
  const tokens =
    text.match(/~exists|exists|forall|\/\\|\\\/|~|\(|\)|\[|\]|=|[^\s()[\]=~\\/]+(?:\[\d+\])?/g) ??
    [];
  let k = 0;
  const next = (): string => tokens[k++] ?? "";
  const peek = (): string => tokens[k] ?? "";
  const quantifier = next();
  if (!["exists", "~exists", "forall"].includes(quantifier))
    throw new Error(`quantifier ${quantifier}`);
  // %left OR, %left AND, NOT binds tightest (lib/stateParser.mly).
  const or = (): Prop => {
    let a = and();
    while (peek() === "\\/") {
      next();
      a = { k: "or", a, b: and() };
    }
    return a;
  };
  const and = (): Prop => {
    let a = unary();
    while (peek() === "/\\") {
      next();
      a = { k: "and", a, b: unary() };
    }
    return a;
  };
  const unary = (): Prop => {
    const t = next();
    if (t === "~") return { k: "not", p: unary() };
    if (t === "(") {
      const p = or();
      if (next() !== ")") throw new Error("expected )");
      return p;
    }
    if (t === "true" || t === "false") return { k: "const", v: t === "true" };
    if (next() !== "=") throw new Error(`expected = after ${t}`);
    if (peek() === "[") {
      next();
      const other = next();
      if (next() !== "]") throw new Error("expected ]");
      return { k: "eqloc", loc: t, other };
    }
    return { k: "eq", loc: t, v: next() };
  };
  const prop = or();
  if (k !== tokens.length) throw new Error(`trailing ${tokens.slice(k).join(" ")}`);
  return { quantifier, prop };
}

/** The proposition on one outcome line; a location the line does not bind is fatal, as in herd. */
export function holds(p: Prop, s: HerdState): boolean {
  const get = (l: string): string => {
    const v = s.bindings.get(l);
    if (v === undefined) throw new Error(`No value for location ${l}`);
    return v;
  };
  switch (p.k) {
    case "const":
      return p.v;
    case "not":
      return !holds(p.p, s);
    case "and":
      return holds(p.a, s) && holds(p.b, s);
    case "or":
      return holds(p.a, s) || holds(p.b, s);
    case "eq":
      return get(p.loc) === p.v;
    case "eqloc":
      return get(p.loc) === get(p.other);
  }
}
