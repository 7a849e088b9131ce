import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { junitXml } from "../../src/report/junit.js";
import { readRepoFile, root, runTlbl } from "../helpers.js";
import { all, parseXml } from "./xml.js";

const tlbl = (...args: string[]) => runTlbl(args);

const byName = (cases: ReturnType<typeof all>, part: string) =>
  cases.find((c) => c.attrs["name"]!.includes(part))!;

describe("tlbl run --junit", () => {
  it("a case per scenario and kernel: a failing expectation carries its verdict, witness and schedule; bad input is an error", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-junit-"));
    // The library's mremap race, with 4.8's expectation turned wrong on purpose.
    const text = readRepoFile("scenarios/mremap-vs-page-mkclean.tlb").replace(
      "expect kernel 4.8 : sometimes",
      "expect kernel 4.8 : never",
    );
    writeFileSync(join(dir, "a-wrong.tlb"), text);
    writeFileSync(join(dir, "b-bad.tlb"), "tlb bad\nthread T1 on cpu1 {\n  stor X 1\n}\n");
    const report = join(dir, "report.xml");
    const r = tlbl("run", "--quiet", "--junit", report, dir);
    expect(r.status).toBe(2);
    const doc = parseXml(readFileSync(report, "utf8"));
    expect(doc.name).toBe("testsuites");
    expect(doc.attrs).toMatchObject({ tests: "3", failures: "1", errors: "1" });
    const cases = all(doc, "testcase");
    expect(cases.map((c) => c.attrs["name"])).toEqual([
      "mremap_vs_page_mkclean+4.8 expect never",
      "mremap_vs_page_mkclean+4.9 expect never",
      join(dir, "b-bad.tlb"),
    ]);
    const failed = byName(cases, "+4.8");
    expect(failed.attrs["line"]).toBe("27");
    expect(failed.attrs["file"]).toBe(join(dir, "a-wrong.tlb"));
    const failure = failed.children.find((c) => c.name === "failure")!;
    expect(failure.attrs["message"]).toBe("expected never, found Sometimes");
    // The log block, then the witness drawn and its schedule, even under --quiet.
    expect(failure.text).toContain("Observation mremap_vs_page_mkclean+4.8 Sometimes 1 4");
    expect(failure.text).toContain("Expected never: FAILS");
    expect(failure.text).toMatch(/Witness \(shortest\):\n\s+CPU1 \(T1\)\s+\| CPU2 \(T2\)/);
    expect(failure.text).toMatch(/\nSchedule: T1 step \d+;/);
    expect(failure.text).toContain("move_ptes: pte = ptep_get_and_clear(old[i])");
    const passed = byName(cases, "+4.9");
    expect(passed.children.map((c) => c.name)).toEqual(["system-out"]);
    const bad = cases[2]!.children.find((c) => c.name === "error")!;
    expect(bad.attrs["type"]).toBe("BadInput");
    expect(bad.text).toMatch(/b-bad\.tlb:3:3: error: .*\[E\d+\]/);
  });

  it("an undecided answer (a limit stopped the search) is an error, never a pass", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-junit-"));
    const report = join(dir, "report.xml");
    const r = tlbl(
      "run",
      "--quiet",
      "--max-states",
      "5",
      "--junit",
      report,
      "scenarios/mremap-vs-page-mkclean.tlb",
    );
    expect(r.status).toBe(3);
    const cases = all(parseXml(readFileSync(report, "utf8")), "testcase");
    const never = byName(cases, "+4.9").children.find((c) => c.name === "error")!;
    expect(never.attrs["type"]).toBe("Undecided");
    expect(never.attrs["message"]).toMatch(/^expected never, undecided/);
    expect(never.text).toContain("Expected never: undecided");
  });

  it("--junit with --shard is a usage error: a shard settles nothing", () => {
    const r = tlbl(
      "run",
      "--shard",
      "1/2",
      "--junit",
      "x.xml",
      "scenarios/mremap-vs-page-mkclean.tlb",
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("tlbl merge --junit");
  });

  it("escapes what XML cannot hold raw, in attributes and text", () => {
    const nasty = "a <b> & \"c\" 'd'\u0001\u001b[31m\ttab\nline";
    const xml = junitXml([
      {
        file: "x/&<y>.tlb",
        name: nasty,
        line: 3,
        seconds: 0.5,
        outcome: { kind: "failure", type: "ExpectationFailed", message: nasty },
        body: `${nasty}\n]]> end`,
      },
    ]);
    const doc = parseXml(xml);
    const c = all(doc, "testcase")[0]!;
    expect(c.attrs["classname"]).toBe("x.&<y>");
    const escaped = "a <b> & \"c\" 'd'\\u0001\\u001b[31m\ttab\nline";
    expect(c.attrs["name"]).toBe(escaped);
    expect(c.children[0]!.attrs["message"]).toBe(escaped);
    expect(c.children[0]!.text).toBe(`${escaped}\n]]> end`);
  });
});
