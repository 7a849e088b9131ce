import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { runScenario } from "../../src/judge/run.js";
import { loadPrelude } from "../../src/kernel/prelude.js";
import { enumValues, type Type } from "../../src/primitives/types.js";
import { reservedWords, stepNames } from "../../src/syntax/keywords.js";
import { readRepoFile, scenarioFiles } from "../helpers.js";
import { searchAll } from "../../src/explore/run.js";

/**
 * Issue 10, item 4: whatever `tlbl check` passes, `tlbl run` runs. Over generated scenarios and
 * mutated library scenarios, a scenario that checks must run (with small limits) without an
 * internal error (an exception), without a model-size error, and without a diagnostic of its own.
 *
 * TLBL_PROPERTY_SEED picks another seed and TLBL_PROPERTY_RUNS scales the number of inputs, to
 * search further than CI does.
 */

const seed = process.env["TLBL_PROPERTY_SEED"];
const scale = Number(process.env["TLBL_PROPERTY_RUNS"] ?? "1");
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(numRuns * scale),
  seed: seed === undefined ? 20260110 : Number(seed),
  endOnFailure: true,
});

/** Counts what the properties ran, for the report at the end. */
const tally = {
  generated: 0,
  generatedOk: 0,
  mutated: 0,
  mutatedOk: 0,
};

/** Checks a text; when it checks, runs it as `tlbl run` would, with small limits. */
async function checkThenRun(text: string): Promise<boolean> {
  const loaded = checkText(text, "p.tlb");
  const s = loaded.scenario;
  if (s === undefined) return false;
  const out = await runScenario(s, {
    ...searchAll,
    maxStates: 2000,
    timeoutMs: 2000,
  });
  expect(out.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(out.modelError).toBeUndefined();
  return true;
}

// ---- generated scenarios -------------------------------------------------------------------

interface Region {
  readonly name: string;
  readonly pages: number;
}

interface Decls {
  readonly files: readonly Region[];
  readonly regions: readonly Region[];
  readonly init: string;
}

/**
 * Steps a user writes: the language's step names (docs/language.md's table) but the MMU's own,
 * and the library's other prelude entry points; types come from the prelude.
 */
const userSteps = [
  ...stepNames.filter((name) => name !== "load" && name !== "store"),
  "migrate_vma",
  "uffd_register_wp",
  "uffd_unprotect",
  "get_user_page",
  "clear_refs_soft_dirty",
];

const prelude = loadPrelude();
const signatures = new Map(
  userSteps.map((name) => {
    const d = prelude.procs.get(name)!.decl;
    return [name, { params: d.params.map((p) => p.type.name as Type), result: d.result }];
  }),
);

const small = fc.integer({ min: 0, max: 6 });

/** Files, regions of every kind, and an init block that may write memory and fill TLBs. */
const decls: fc.Arbitrary<Decls> = fc
  .record({
    files: fc.array(fc.array(small, { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 2,
    }),
    regions: fc.array(
      fc.record({
        kind: fc.constantFrom("anon", "file", "unmapped"),
        pages: fc.integer({ min: 1, max: 4 }),
        shared: fc.boolean(),
        prot: fc.constantFrom("rw", "rw", "r", "none"),
        option: fc.constantFrom("", "", "populate", "forked", "mthp"),
        first: fc.nat({ max: 2 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    mem: fc.array(
      fc.record({ region: fc.nat(), page: fc.nat(), word: fc.nat({ max: 2 }), value: small }),
      {
        maxLength: 2,
      },
    ),
    tlb: fc.array(fc.record({ region: fc.nat(), rw: fc.boolean() }), { maxLength: 1 }),
  })
  .map(({ files, regions, mem, tlb }) => {
    const lines: string[] = [];
    const fs: Region[] = files.map((values, i) => {
      lines.push(`file F${i} = [${values.join(", ")}]`);
      return { name: `F${i}`, pages: values.length };
    });
    const rs: Region[] = [];
    // Regions init can write to, and regions with present PTEs, so that most inits check.
    const writable: Region[] = [];
    const present: Region[] = [];
    regions.forEach((r, i) => {
      const name = `R${i}`;
      const file = fs[i % Math.max(1, fs.length)];
      if (r.kind === "unmapped" || (r.kind === "file" && file === undefined)) {
        lines.push(r.pages === 1 ? `${name} = unmapped` : `${name} = unmapped[${r.pages}]`);
        rs.push({ name, pages: r.pages });
        return;
      }
      let source: string;
      let pages = r.pages;
      if (r.kind === "anon") source = pages === 1 ? "anon" : `anon[${pages}]`;
      else {
        const first = r.first % file!.pages;
        const last = Math.min(file!.pages - 1, first + pages - 1);
        pages = last - first + 1;
        source = first === last ? `${file!.name}[${first}]` : `${file!.name}[${first}..${last}]`;
      }
      // `forked` and `mthp` apply to some mappings only (E109): give them those.
      const option =
        (r.option === "forked" && r.kind !== "file") || (r.option === "mthp" && r.kind !== "anon")
          ? ""
          : r.option;
      const shared = option === "forked" || (option !== "mthp" && r.shared);
      const prot = option === "forked" || option === "mthp" ? "rw" : r.prot;
      if (option === "mthp") {
        pages = 4;
        source = "anon[4]";
      }
      const opt = option === "" ? "" : ` ${option}`;
      lines.push(`${name} = mmap ${source} ${shared ? "shared" : "private"} ${prot}${opt}`);
      rs.push({ name, pages });
      if (prot !== "none" || r.kind === "file") writable.push(rs[rs.length - 1]!);
      if (prot !== "none" && option !== "") present.push(rs[rs.length - 1]!);
    });
    // One in eight picks any region, so that check has init mistakes to find too.
    const among = (xs: readonly Region[], i: number): Region | undefined =>
      i % 8 === 0 ? rs[i % rs.length] : xs[i % Math.max(1, xs.length)];
    for (const m of mem) {
      const r = among(writable, m.region);
      if (r === undefined) continue;
      const page = m.page % r.pages;
      lines.push(
        `${r.name}${r.pages > 1 ? `[${page}]` : ""}${m.word ? `.${m.word}` : ""} = ${m.value}`,
      );
    }
    for (const t of tlb) {
      const r = among(present, t.region);
      if (r === undefined) continue;
      // cpu1 runs T0, always a user thread.
      lines.push(`tlb cpu1 ${r.name} ${t.rw ? "rw dirty" : "r"}`);
    }
    return { files: fs, regions: rs, init: `init {\n${lines.map((l) => `  ${l}`).join("\n")}\n}` };
  });

/** What code can name: the scenario's regions and files, or a proc's parameters. */
interface Scope {
  readonly ranges: readonly Region[];
  readonly files: readonly Region[];
  /** Names of int locals or registers that hold a value. */
  readonly ints: readonly string[];
}

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

function rangeArg(sc: Scope): fc.Arbitrary<string> {
  if (sc.ranges.length === 0) return fc.constant("R0");
  return fc.tuple(pick(sc.ranges), fc.nat(), fc.nat(), fc.nat({ max: 3 })).map(([r, a, b, how]) => {
    if (how === 0 || r.pages === 1) return r.name;
    const i = a % r.pages;
    const j = i + (b % (r.pages - i));
    return how === 1 ? `${r.name}[${i}]` : `${r.name}[${i}..${j}]`;
  });
}

function pageArg(sc: Scope): fc.Arbitrary<string> {
  if (sc.ranges.length === 0) return fc.constant("R0");
  return fc
    .tuple(pick(sc.ranges), fc.nat())
    .map(([r, i]) => (r.pages === 1 ? r.name : `${r.name}[${i % r.pages}]`));
}

function addrArg(sc: Scope): fc.Arbitrary<string> {
  return fc.tuple(pageArg(sc), fc.nat({ max: 3 })).map(([p, w]) => (w > 1 ? `${p}.${w - 1}` : p));
}

function fpageArg(sc: Scope): fc.Arbitrary<string> {
  if (sc.files.length === 0) return fc.constant("F0[0]");
  return fc.tuple(pick(sc.files), fc.nat()).map(([f, i]) => `${f.name}[${i % f.pages}]`);
}

function intArg(sc: Scope): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [small.map(String)];
  if (sc.ints.length > 0) {
    options.push(pick(sc.ints));
    options.push(pick(sc.ints).map((n) => `(${n} + 1)`));
  }
  return fc.oneof(...options);
}

function argOf(t: Type, sc: Scope): fc.Arbitrary<string> {
  switch (t) {
    case "range":
      return rangeArg(sc);
    case "page":
      return pageArg(sc);
    case "addr":
      return addrArg(sc);
    case "fpage":
    case "faddr":
      return fpageArg(sc);
    case "file":
      return sc.files.length ? pick(sc.files).map((f) => f.name) : fc.constant("F0");
    case "int":
      return intArg(sc);
    case "bool":
      return fc.constantFrom("true", "false");
    case "source":
      return fc.oneof(fc.constant("anon"), fpageArg(sc));
    default:
      return pick(enumValues[t] ?? ["0"]);
  }
}

/** A step of a user thread or proc: a syscall or kernel activity, a load or a store. */
function step(sc: Scope, user: boolean, reg: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const call = pick(userSteps).chain((name) => {
    const sig = signatures.get(name)!;
    const args = sig.params.length
      ? fc.tuple(...sig.params.map((t) => argOf(t, sc)))
      : fc.constant([]);
    const text = args.map((as) => [name, ...as].join(" "));
    return sig.result ? fc.tuple(reg, text).map(([r, t]) => `${r} = ${t}`) : text;
  });
  const store = fc
    .tuple(reg, addrArg(sc), intArg(sc), fc.boolean())
    .map(([r, a, v, keep]) => (keep ? `${r} = store ${a} ${v}` : `store ${a} ${v}`));
  const load = fc.tuple(reg, addrArg(sc)).map(([r, a]) => `${r} = load ${a}`);
  // A kthread has no user memory: most of its steps are not loads or stores.
  return user ? fc.oneof(call, store, load) : fc.oneof({ weight: 5, arbitrary: call }, store);
}

const indent = (lines: string): string =>
  lines
    .split("\n")
    .map((l) => (l === "" ? l : `  ${l}`))
    .join("\n");

/** Statements: steps, locals, `if`, `while`, `for`, `atomic`, labels, calls of the file's procs. */
function stmts(
  sc: Scope,
  user: boolean,
  procs: readonly string[],
  depth: number,
): fc.Arbitrary<string> {
  const reg = fc.constantFrom("x", "y", "n");
  const scope: Scope = { ...sc, ints: ["x", "y", "n"] };
  const leaf = fc.oneof(
    { weight: 6, arbitrary: step(scope, user, reg) },
    { weight: 2, arbitrary: fc.tuple(reg, intArg(scope)).map(([r, v]) => `${r} = ${v}`) },
    { weight: 1, arbitrary: fc.constant("skip") },
    { weight: 1, arbitrary: fc.nat({ max: 999 }).map((i) => `label l${i}`) },
    {
      weight: procs.length ? 2 : 0,
      arbitrary: procs.length
        ? fc
            .tuple(pick(procs), addrArg(scope), rangeArg(scope), intArg(scope), reg, fc.boolean())
            .map(([p, a, r, v, x, keep]) => `${keep ? `${x} = ` : ""}${p}(${a}, ${r}, ${v})`)
        : fc.constant("skip"),
    },
  );
  const cond = fc.oneof(
    fc
      .tuple(reg, intArg(scope), fc.constantFrom("==", "!=", "<"))
      .map(([r, v, op]) => `${r} ${op} ${v}`),
    fc.constantFrom(
      "x == ok",
      "y != segv",
      "fixed(5d1904204c99)",
      "!fixed(3ea277194daa)",
      "true",
      "n < 2",
    ),
  );
  const stmt: fc.Arbitrary<string> =
    depth <= 0
      ? leaf
      : fc.oneof(
          { weight: 8, arbitrary: leaf },
          {
            weight: 2,
            arbitrary: fc
              .tuple(
                cond,
                stmts(sc, user, procs, depth - 1),
                fc.option(stmts(sc, user, procs, depth - 1)),
              )
              .map(
                ([c, a, b]) =>
                  `if ${c} {\n${indent(a)}\n}${b === null ? "" : ` else {\n${indent(b)}\n}`}`,
              ),
          },
          {
            weight: 1,
            // Loops with a counter end; others spin until the search's limits end them.
            arbitrary: fc
              .tuple(cond, stmts(sc, user, procs, depth - 1), fc.boolean())
              .map(([c, body, count]) =>
                count
                  ? `k${depth} = 0\nwhile k${depth} < 2 {\n${indent(body)}\n  k${depth} = k${depth} + 1\n}`
                  : `while ${c} {\n${indent(body)}\n}`,
              ),
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(rangeArg(scope), fc.boolean(), intArg(scope))
              .filter(([r]) => !r.includes("["))
              .map(([r, store, v]) =>
                store && user
                  ? `for p in ${r} {\n  store ${r}[p] ${v}\n}`
                  : `for p in ${r} {\n  msync ${r}[p]\n}`,
              ),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom("atomic {\n  skip\n}", "atomic {\n  n = n + 1\n}"),
          },
        );
  return fc.array(stmt, { minLength: 1, maxLength: 4 }).map((xs) => xs.join("\n"));
}

/** A body: its registers set first, so that any statement may read them. */
function body(
  sc: Scope,
  user: boolean,
  procs: readonly string[],
  depth: number,
): fc.Arbitrary<string> {
  return stmts(sc, user, procs, depth).map((b) => `x = 0\ny = 0\nn = 0\n${b}`);
}

const scenario: fc.Arbitrary<string> = decls.chain((d) => {
  const sc: Scope = { ranges: d.regions, files: d.files, ints: [] };
  // A proc takes an address, a range and an int, and uses them as a thread uses names.
  const procScope: Scope = {
    ranges: [{ name: "rg", pages: 1 }],
    files: d.files,
    ints: ["v"],
  };
  // It returns an int, at its end and maybe earlier.
  const procBody = (user: boolean): fc.Arbitrary<string> =>
    fc
      .tuple(body(procScope, user, [], 1), fc.boolean(), fc.boolean())
      .map(
        ([b, store, early]) =>
          `${store ? "store a v\n" : ""}${b}\n${early ? "if x == v {\n  return y\n}\nmunmap rg\n" : ""}return n`,
      );
  return fc
    .record({
      procs: fc.array(procBody(true), { maxLength: 2 }),
      threads: fc.array(fc.record({ kernel: fc.boolean() }), {
        minLength: 1,
        maxLength: 3,
      }),
      condition: fc.option(
        fc.tuple(
          fc.constantFrom("exists", "forall", "~exists"),
          rangeArg(sc).filter((r) => !r.includes("..")),
          small,
        ),
      ),
      expects: fc.array(
        fc.tuple(
          fc.constantFrom("3.13", "4.8", "4.9", "4.13", "5.12", "6.0", "6.18"),
          fc.constantFrom("sometimes", "never", "always"),
          fc.boolean(),
        ),
        { maxLength: 2 },
      ),
      after: fc.boolean(),
      evict: fc.boolean(),
    })
    .chain(({ procs, threads, condition, expects, after, evict }) => {
      const names = procs.map((_, i) => `p${i}`);
      const bodies = threads.map((t, i) =>
        body(sc, !(t.kernel && i > 0), names, 2).map(
          (b) =>
            `${t.kernel && i > 0 ? "kthread K" : "thread T"}${i} on cpu${i + 1} {\n${indent(b)}\n}`,
        ),
      );
      const afterBlock = after
        ? body({ ...sc, ranges: [] }, false, [], 0).map((b) => `after {\n${indent(b)}\n}\n`)
        : fc.constant("");
      return fc.tuple(fc.tuple(...bodies), afterBlock).map(([ts, a]) => {
        const procText = procs.map(
          (b, i) => `proc p${i}(a: addr, rg: range, v: int): int {\n${indent(b)}\n}\n`,
        );
        const cond =
          condition === null ? "" : `${condition[0]} (${condition[1]} == ${condition[2]})\n`;
        const seen = new Set<string>();
        const expectLines = expects
          .filter(([k]) => !seen.has(k) && seen.add(k))
          .map(
            ([k, v, fix]) =>
              `expect kernel ${k}${fix ? " with fix 5d1904204c99 off" : ""} : ${v}\n`,
          );
        return [
          "tlb generated\n",
          `${d.init}\n`,
          ...procText,
          ...ts.map((t) => `${t}\n`),
          a,
          cond,
          ...expectLines,
          evict ? "option tlb_evict\n" : "",
        ].join("\n");
      });
    });
});

// ---- mutated library scenarios -------------------------------------------------------------

/** Tokens of a scenario, whitespace and comments kept apart so mutations hit only code. */
const tokenPattern =
  /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|->|\.\.|[=!<>]=|&&|\|\||\S/g;
const isCode = (t: string): boolean => !/^\s|^\/\/|^\/\*/.test(t);

const library = scenarioFiles().map((f) => ({
  file: f,
  tokens: readRepoFile(f).match(tokenPattern)!,
}));

const reserved = new Set<string>(reservedWords);

/** A token's class: a mutation that keeps it (a name for a name) often still parses. */
const classOf = (t: string): string =>
  reserved.has(t)
    ? t
    : /^[A-Za-z_]/.test(t)
      ? "name"
      : /^\d/.test(t)
        ? "number"
        : t.startsWith('"')
          ? "string"
          : t;

const mutated: fc.Arbitrary<{ file: string; text: string }> = fc
  .record({
    source: fc.constantFrom(...library),
    edits: fc.array(
      fc.record({
        op: fc.constantFrom("delete", "duplicate", "swap", "replace", "replace", "replace"),
        at: fc.nat(),
        to: fc.nat(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ source, edits }) => {
    const ts = [...source.tokens];
    for (const e of edits) {
      const code = ts.flatMap((t, i) => (isCode(t) ? [i] : []));
      const i = code[e.at % code.length]!;
      // Swaps and replacements take a token of the same class, from anywhere in the file.
      const like = code.filter((k) => classOf(ts[k]!) === classOf(ts[i]!));
      const j = like[e.to % like.length]!;
      if (e.op === "delete") ts.splice(i, 1);
      else if (e.op === "duplicate") ts.splice(i, 0, ts[i]!, " ");
      else if (e.op === "swap") [ts[i], ts[j]] = [ts[j]!, ts[i]!];
      else ts[i] = ts[j]!;
    }
    return { file: source.file, text: ts.join("") };
  });

describe("what check passes, run runs", () => {
  it(
    "on generated scenarios",
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (text) => {
          tally.generated++;
          if (await checkThenRun(text)) tally.generatedOk++;
        }),
        params(120),
      );
    },
    1_800_000 * scale,
  );

  it(
    "on mutated library scenarios",
    async () => {
      await fc.assert(
        fc.asyncProperty(mutated, async ({ text }) => {
          tally.mutated++;
          if (await checkThenRun(text)) tally.mutatedOk++;
        }),
        params(100),
      );
      if (process.env["TLBL_PROPERTY_TALLY"]) console.log(tally);
    },
    1_800_000 * scale,
  );
});
