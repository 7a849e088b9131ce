import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { familyScenario, memberName, type Member } from "./family.js";
import { hasCommand, measure, median } from "./measure.js";
import { lspBench, lspLine } from "./lsp.js";
import { buildSpin, runPan, type SpinBuild } from "./spin.js";

/**
 * `npm run bench [-- --quick] [--reps N] [--no-spin]`: tlbl against Spin on the seed-001 family
 * (../shared/bench/spin), in one run, the two tools' runs interleaved, medians reported. Prints a
 * table and the targets of issue 5, and writes bench/results.json.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const sharedSpin = join(root, "..", "shared", "bench", "spin");

/** The configurations of run.sh, with pan's hash-table size (-w). */
const configs: { n: number; k: number; hashBits: number; quick: boolean }[] = [
  { n: 1, k: 0, hashBits: 18, quick: true },
  { n: 4, k: 0, hashBits: 18, quick: true },
  { n: 1, k: 1, hashBits: 18, quick: true },
  { n: 2, k: 1, hashBits: 18, quick: true },
  { n: 1, k: 2, hashBits: 18, quick: true },
  { n: 2, k: 2, hashBits: 18, quick: true },
  { n: 1, k: 3, hashBits: 19, quick: true },
  { n: 2, k: 3, hashBits: 21, quick: true },
  { n: 1, k: 4, hashBits: 22, quick: false },
  { n: 2, k: 4, hashBits: 24, quick: false },
  { n: 1, k: 5, hashBits: 25, quick: false },
];

interface Options {
  readonly quick: boolean;
  readonly reps: number;
  readonly spin: boolean;
}

function options(argv: string[]): Options {
  const quick = argv.includes("--quick");
  const repsAt = argv.indexOf("--reps");
  const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : quick ? 3 : 3;
  return {
    quick,
    reps: Number.isInteger(reps) && reps > 0 ? reps : 3,
    spin: !argv.includes("--no-spin"),
  };
}

interface TlblRun {
  readonly verdict: string;
  readonly states: number;
  readonly transitions: number;
  readonly exploreMs: number;
  readonly wallMs: number;
  readonly rssMb: number | undefined;
  readonly witnessSteps: number | undefined;
}

function runTlbl(file: string, extra: string[]): TlblRun {
  // The command a user runs: bin/tlbl starts from the V8 snapshot when it can.
  const r = measure(join(root, "bin", "tlbl"), ["run", "--json", ...extra, file]);
  const [out] = JSON.parse(r.stdout) as {
    verdict: string;
    states: number;
    transitions: number;
    timeMs: number;
    trace: unknown[] | null;
  }[];
  if (out === undefined) throw new Error(`tlbl printed nothing for ${file}`);
  return {
    verdict: out.verdict,
    states: out.states,
    transitions: out.transitions,
    exploreMs: out.timeMs,
    wallMs: r.wallMs,
    rssMb: r.rssMb,
    witnessSteps: out.trace?.length,
  };
}

/** Spin's shortest counterexamples (BFS trails), from the shared results, by "n k". */
function spinTrails(): Map<string, number> {
  const out = new Map<string, number>();
  const csv = join(sharedSpin, "results", "spin.csv");
  if (!existsSync(csv)) return out;
  const [head, ...rows] = readFileSync(csv, "utf8").trim().split("\n");
  const cols = head!.split(",");
  for (const row of rows) {
    const r = Object.fromEntries(row.split(",").map((v, i) => [cols[i], v]));
    if (r["mode"] === "bfs" && r["trail_steps"])
      out.set(`${r["N"]} ${r["K"]}`, Number(r["trail_steps"]));
  }
  return out;
}

function main(): void {
  const opts = options(process.argv.slice(2));
  const outDir = join(root, "bench", "out");
  mkdirSync(outDir, { recursive: true });
  const genPy = join(sharedSpin, "gen.py");
  const withSpin =
    opts.spin &&
    existsSync(genPy) &&
    hasCommand("spin") &&
    hasCommand("gcc") &&
    hasCommand("python3");
  if (opts.spin && !withSpin)
    process.stderr.write(
      "bench: Spin, gcc, python3 or ../shared/bench/spin/gen.py is missing: tlbl only\n",
    );
  const members: (Member & { hashBits: number })[] = configs
    .filter((c) => !opts.quick || c.quick)
    .flatMap((c) => [
      { n: c.n, k: c.k, fixed: true, hashBits: c.hashBits },
      { n: c.n, k: c.k, fixed: false, hashBits: c.hashBits },
    ]);

  const files = new Map<string, string>();
  const builds = new Map<string, SpinBuild>();
  for (const m of members) {
    const file = join(outDir, `${memberName(m)}.tlb`);
    writeFileSync(file, familyScenario(m));
    files.set(memberName(m), file);
    if (withSpin) {
      process.stderr.write(`building pan for ${memberName(m)}\r`);
      builds.set(memberName(m), buildSpin(m, genPy, outDir));
    }
  }

  const tlbl = new Map<string, TlblRun[]>();
  const unreduced = new Map<string, TlblRun>();
  // The biggest configuration also runs unreduced on two worker threads (--jobs 2).
  const biggest = members[members.length - 1]!;
  const parallel = new Map<string, TlblRun>();
  const spinFull = new Map<string, ReturnType<typeof runPan>[]>();
  const spinFirst = new Map<string, ReturnType<typeof runPan>[]>();
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const m of members) {
      const name = memberName(m);
      process.stderr.write(`run ${rep + 1}/${opts.reps}: ${name}                \r`);
      tlbl.set(name, [...(tlbl.get(name) ?? []), runTlbl(files.get(name)!, [])]);
      if (rep === 0) {
        const plain = ["--no-reduce", "--no-symmetry"];
        unreduced.set(name, runTlbl(files.get(name)!, plain));
        if (m.n === biggest.n && m.k === biggest.k)
          parallel.set(name, runTlbl(files.get(name)!, [...plain, "--jobs", "2"]));
      }
      const b = builds.get(name);
      if (b) {
        spinFull.set(name, [...(spinFull.get(name) ?? []), runPan(b, m.hashBits, true)]);
        if (!m.fixed)
          spinFirst.set(name, [...(spinFirst.get(name) ?? []), runPan(b, m.hashBits, false)]);
      }
    }
  }
  process.stderr.write(" ".repeat(60) + "\r");

  const trails = spinTrails();
  const results = members.map((m) => {
    const name = memberName(m);
    const runs = tlbl.get(name)!;
    const full = spinFull.get(name);
    const first = spinFirst.get(name);
    const b = builds.get(name);
    const med = (xs: (number | undefined)[]): number | null => {
      const ys = xs.filter((x): x is number => x !== undefined);
      return ys.length ? Math.round(median(ys) * 10) / 10 : null;
    };
    return {
      n: m.n,
      k: m.k,
      fixed: m.fixed,
      verdict: runs[0]!.verdict,
      states: runs[0]!.states,
      statesUnreduced: unreduced.get(name)!.states,
      unreducedExploreMs: Math.round(unreduced.get(name)!.exploreMs * 10) / 10,
      unreducedRssMb: unreduced.get(name)!.rssMb ?? null,
      jobs2:
        parallel.get(name) === undefined
          ? null
          : {
              states: parallel.get(name)!.states,
              exploreMs: Math.round(parallel.get(name)!.exploreMs * 10) / 10,
              rssMb: parallel.get(name)!.rssMb ?? null,
            },
      transitions: runs[0]!.transitions,
      exploreMs: med(runs.map((r) => r.exploreMs)),
      wallMs: med(runs.map((r) => r.wallMs)),
      rssMb: med(runs.map((r) => r.rssMb)),
      witnessSteps: runs[0]!.witnessSteps ?? null,
      spin:
        full && b
          ? {
              states: full[0]!.states,
              transitions: full[0]!.transitions,
              verdict: full[0]!.errors > 0 ? "violated" : "holds",
              buildMs: Math.round(b.buildMs),
              panMs: med(full.map((r) => r.panMs)),
              firstPanMs: first ? med(first.map((r) => r.panMs)) : null,
              rssMb: med(full.map((r) => r.rssMb)),
              bfsTrail: m.fixed ? null : (trails.get(`${m.n} ${m.k}`) ?? null),
            }
          : null,
    };
  });
  writeFileSync(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n\n${targets(results)}\n`);
  void lspBench().then((f) => process.stdout.write(`${lspLine(f)}\n`));
}

type Result = ReturnType<typeof resultShape>;
function resultShape() {
  return {} as {
    n: number;
    k: number;
    fixed: boolean;
    verdict: string;
    states: number;
    statesUnreduced: number;
    unreducedExploreMs: number;
    unreducedRssMb: number | null;
    jobs2: { states: number; exploreMs: number; rssMb: number | null } | null;
    transitions: number;
    exploreMs: number | null;
    wallMs: number | null;
    rssMb: number | null;
    witnessSteps: number | null;
    spin: {
      states: number;
      transitions: number;
      verdict: string;
      buildMs: number;
      panMs: number | null;
      firstPanMs: number | null;
      rssMb: number | null;
      bfsTrail: number | null;
    } | null;
  };
}

const num = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined
    ? "-"
    : x.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a === null || a === undefined || !b ? "-" : `${(a / b).toFixed(2)}x`;

function table(rs: Result[]): string {
  const head = [
    "N",
    "K",
    "variant",
    "verdict",
    "states",
    "reduced",
    "spin states",
    "equal",
    "transitions",
    "explore ms",
    "unreduced ms",
    "spin pan ms",
    "wall ms",
    "spin build+pan ms",
    "wall/spin",
    "RSS MB",
    "spin RSS MB",
  ];
  const rows = rs.map((r) => {
    const s = r.spin;
    const spinTotal = s ? s.buildMs + ((r.fixed ? s.panMs : s.firstPanMs) ?? 0) : null;
    return [
      String(r.n),
      String(r.k),
      r.fixed ? "fix" : "bug",
      r.verdict,
      num(r.statesUnreduced),
      num(r.states),
      num(s?.states),
      s
        ? s.states === r.statesUnreduced &&
          (s.verdict === "violated") === (r.verdict === "sometimes")
          ? "yes"
          : "NO"
        : "-",
      num(r.transitions),
      num(r.exploreMs, 1),
      num(r.unreducedExploreMs, 1),
      num(s?.panMs, 1),
      num(r.wallMs),
      num(spinTotal),
      ratio(r.wallMs, spinTotal),
      num(r.rssMb),
      num(s?.rssMb),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(" | ")} |`;
  return [
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

/** Issue 5's targets, each met or not, with the figures. */
function targets(rs: Result[]): string {
  const out: string[] = ["Targets (ratios from this run):"];
  const mark = (ok: boolean | undefined): string =>
    ok === undefined ? "n/a " : ok ? "met " : "MISS";
  const seed = rs.find((r) => r.n === 1 && r.k === 0 && !r.fixed);
  const s0 = seed?.spin;
  if (seed && s0) {
    const spinMs = s0.buildMs + (s0.firstPanMs ?? 0);
    out.push(
      `  ${mark(seed.wallMs! <= 0.15 * spinMs)} seed (N=1,K=0) buggy, whole process to the witness: ${num(seed.wallMs)} ms vs Spin build+pan ${num(spinMs)} ms = ${ratio(seed.wallMs, spinMs)} (target ≤ 0.15x)`,
    );
  }
  const small = rs.filter((r) => r.spin && r.statesUnreduced <= 5e5);
  if (small.length) {
    const worst = Math.max(
      ...small.map(
        (r) =>
          r.wallMs! / (r.spin!.buildMs + ((r.fixed ? r.spin!.panMs : r.spin!.firstPanMs) ?? 0)),
      ),
    );
    out.push(
      `  ${mark(worst <= 0.5)} members up to 5e5 states, whole process: worst ${worst.toFixed(2)}x Spin's build+pan (target ≤ 0.5x)`,
    );
  }
  const big = rs.filter((r) => r.spin && r.statesUnreduced >= 1.5e6);
  for (const r of big) {
    const t = r.unreducedExploreMs / r.spin!.panMs!;
    const m = r.unreducedRssMb! / r.spin!.rssMb!;
    out.push(
      `  ${mark(t <= 2)} N=${r.n},K=${r.k} ${r.fixed ? "fix" : "bug"}, reductions off: exploration ${t.toFixed(2)}x Spin's pan (target ≤ 2x)`,
    );
    out.push(
      `  ${mark(m <= 0.5)} N=${r.n},K=${r.k} ${r.fixed ? "fix" : "bug"}, reductions off: peak memory ${m.toFixed(2)}x Spin's (target ≤ 0.5x)`,
    );
  }
  const k3 = rs.filter((r) => r.spin && r.k >= 3);
  if (k3.length) {
    const worst = Math.max(...k3.map((r) => r.states / r.spin!.states));
    out.push(
      `  ${mark(worst <= 0.5)} reductions on, K ≥ 3: states stored, worst ${worst.toFixed(2)}x Spin's (target ≤ 0.5x)`,
    );
  }
  const bugs = rs.filter((r) => !r.fixed && r.spin?.bfsTrail);
  if (bugs.length) {
    const equal = bugs.every((r) => r.witnessSteps === r.spin!.bfsTrail);
    out.push(
      `  ${mark(equal)} witnesses as short as Spin's BFS trails: ${bugs.map((r) => `${r.witnessSteps}/${r.spin!.bfsTrail}`).join(", ")}`,
    );
  }
  for (const r of rs.filter((x) => x.jobs2)) {
    const j = r.jobs2!;
    out.push(
      `  info N=${r.n},K=${r.k} ${r.fixed ? "fix" : "bug"}, reductions off, --jobs 2: ${num(j.exploreMs)} ms vs ${num(r.unreducedExploreMs)} ms on one thread = ${(r.unreducedExploreMs / j.exploreMs).toFixed(2)}x speed-up, states ${j.states === r.statesUnreduced ? "equal" : `DIFFER (${j.states})`}, ${num(j.rssMb)} MB`,
    );
  }
  const equal = rs.filter((r) => r.spin).every((r) => r.spin!.states === r.statesUnreduced);
  out.push(
    `  ${mark(rs.some((r) => r.spin) ? equal : undefined)} same work: unreduced state counts equal Spin's -DNOREDUCE counts on every member`,
  );
  return out.join("\n");
}

main();
