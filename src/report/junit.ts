import type { Judgement } from "../judge/judge.js";
import type { RunResult } from "../judge/run.js";
import { formatText } from "./text.js";
import { logTestName } from "./herd-log.js";
import { formatMergedText, type MergedRun } from "./merge.js";

/**
 * One JUnit test case: one scenario on one kernel configuration. `failure` is an expectation
 * that fails (exit 1); `error` is a run that could not answer: undecided (a limit, a missing
 * shard: exit 3), bad input (exit 2) or a model limit (exit 5). CI reporters count both as red.
 */
export interface JUnitCase {
  /** The scenario file: the test suite, and where an annotation points. */
  readonly file: string;
  readonly name: string;
  /** The `expect` line the case checks (1-based), when there is one. */
  readonly line: number | undefined;
  readonly seconds: number;
  readonly outcome:
    | { readonly kind: "pass" }
    | { readonly kind: "failure" | "error"; readonly type: string; readonly message: string };
  /** The run's whole text: herd's log block, and for a failure the witness and its schedule. */
  readonly body: string;
}

/** The case of one configuration of `tlbl run`. */
export function caseOfRun(r: RunResult): JUnitCase {
  // The expect line of this configuration: its kernel, and each fix it toggles among the overrides.
  const toggled = (id: string, on: boolean): boolean =>
    r.fixOverrides.some((o) => o.replace(/[<>]/g, "") === `${id}=${on ? "on" : "off"}`);
  const expectation = r.scenario.expects.find(
    (e) =>
      e.kernel.text === r.kernel &&
      e.verdict === r.expected &&
      e.fixes.every((f) => toggled(f.commit.id, f.enabled) || r.fixOverrides.length === 0),
  );
  return {
    file: r.scenario.file,
    name: caseName(logTestName(r.scenario.name, r.kernel, r.fixOverrides), r.expected),
    line: expectation === undefined ? undefined : lineOf(r.scenario.text, expectation.span.start),
    seconds: r.timeMs / 1000,
    outcome: outcomeOf(r, r.verdict !== undefined ? verdictWord(r.verdict) : undefined),
    body: formatText(r, { color: false, width: 120, quiet: false, fullTrace: false }),
  };
}

/** The case of one configuration merged from shards (`tlbl merge`): no machine, so no drawing. */
export function caseOfMerged(m: MergedRun): JUnitCase {
  const a = m.answer;
  const replay =
    a.schedule === undefined
      ? ""
      : `\nSchedule: ${a.schedule}\nReplay:   tlbl run --kernel ${m.kernel}${m.fixes.map((f) => ` --fix '${f}'`).join("")} --schedule "${a.schedule}" ${m.file}`;
  return {
    file: m.file,
    name: caseName(logTestName(m.test, m.kernel, m.fixes), a.expected),
    line: undefined,
    seconds: 0,
    outcome: outcomeOf(a, a.verdict !== undefined ? verdictWord(a.verdict) : undefined),
    body: `${formatMergedText(m)}${replay}`,
  };
}

/** A file that could not be run: bad input or a model limit, with the diagnostics as printed. */
export function caseOfProblem(
  file: string,
  type: string,
  message: string,
  body: string,
): JUnitCase {
  return {
    file,
    name: file,
    line: undefined,
    seconds: 0,
    outcome: { kind: "error", type, message },
    body,
  };
}

function caseName(test: string, expected: string | undefined): string {
  return expected === undefined ? test : `${test} expect ${expected}`;
}

const verdictWord = (v: string): string => v[0]!.toUpperCase() + v.slice(1);

/**
 * Pass, failure or error. An undecided answer is an error, not a failure: the search did not
 * finish, so nothing is known to be wrong with the scenario or the kernel, and not a pass, so a
 * limit can never turn a CI run green.
 */
function outcomeOf(j: Judgement, verdict: string | undefined): JUnitCase["outcome"] {
  if (j.ok === true) return { kind: "pass" };
  if (j.ok === false)
    return {
      kind: "failure",
      type: "ExpectationFailed",
      message: `expected ${j.expected}, found ${verdict ?? "nothing"}`,
    };
  if (verdict === undefined)
    return {
      kind: "error",
      type: "Undecided",
      message:
        j.expected === undefined
          ? "undecided: the run settled no verdict"
          : `expected ${j.expected}, undecided: the run stopped before it settled the condition`,
    };
  // No expectation to hold: the answer is reported, and passes.
  return { kind: "pass" };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The JUnit XML document (the schema Jenkins, GitLab and GitHub reporters read): one suite per file. */
export function junitXml(cases: readonly JUnitCase[]): string {
  const suites = new Map<string, JUnitCase[]>();
  for (const c of cases) suites.set(c.file, [...(suites.get(c.file) ?? []), c]);
  const count = (cs: readonly JUnitCase[], k: "failure" | "error"): number =>
    cs.filter((c) => c.outcome.kind === k).length;
  const time = (cs: readonly JUnitCase[]): string =>
    cs.reduce((t, c) => t + c.seconds, 0).toFixed(3);
  const totals = (cs: readonly JUnitCase[]): string =>
    `tests="${cs.length}" failures="${count(cs, "failure")}" errors="${count(cs, "error")}" skipped="0" time="${time(cs)}"`;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="tlbl" ${totals(cases)}>`,
  ];
  for (const [file, cs] of suites) {
    out.push(`  <testsuite name="${attr(file)}" ${totals(cs)}>`);
    for (const c of cs) {
      const line = c.line === undefined ? "" : ` line="${c.line}"`;
      const head = `    <testcase classname="${attr(classname(file))}" name="${attr(c.name)}" file="${attr(file)}"${line} time="${c.seconds.toFixed(3)}"`;
      if (c.outcome.kind === "pass") {
        out.push(`${head}>`, `      <system-out>${text(c.body)}</system-out>`, `    </testcase>`);
      } else {
        const o = c.outcome;
        out.push(
          `${head}>`,
          `      <${o.kind} type="${attr(o.type)}" message="${attr(o.message)}">${text(c.body)}</${o.kind}>`,
          `    </testcase>`,
        );
      }
    }
    out.push(`  </testsuite>`);
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}

/** `scenarios/mremap/x.tlb` → `scenarios.mremap.x`: reporters group class names by their dots. */
function classname(file: string): string {
  return file.replace(/\.tlb$/, "").replace(/[\\/]+/g, ".");
}

/** Characters XML 1.0 cannot hold at all (controls other than tab and newlines), as `\uXXXX`. */
function legal(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function text(s: string): string {
  return legal(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(s: string): string {
  return text(s)
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}
