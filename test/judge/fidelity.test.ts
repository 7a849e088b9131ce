import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { toJson } from "../../src/report/json.js";
import { formatText } from "../../src/report/text.js";
import { root } from "../helpers.js";
import { judge } from "../model/helpers.js";

/**
 * b3a81d0841a9 (4.13) picks which path `write_it` takes: `old_touch` before it, `touch` after.
 * Each path states its range and a behaviour-removing deviation. T2's store races T1's load, so
 * `r == 2` is Sometimes where `touch` stores 2 and Never where `old_touch` stores 3.
 */
const scenario = `tlb fidelity
init {
  X = mmap anon private rw populate
}
proc touch(a: addr)
  models do_touch in mm/touch.c
  follows 4.13..
  deviation removes "no lock is taken"
{
  store a 2
}
proc old_touch(a: addr)
  follows ..4.8
  deviation removes "the old path skips a recheck"
{
  store a 3
}
proc write_it(a: addr) {
  if fixed(b3a81d0841a9) {
    touch(a)
  } else {
    old_touch(a)
  }
}
thread T1 on cpu1 {
  write_it(X)
  r = load X
}
thread T2 on cpu2 {
  store X 9
}
exists (T1:r == 2)
expect kernel 4.12 : never
expect kernel 4.13 : sometimes
`;

const text = { color: false, width: 120, quiet: true, fullTrace: false };

describe("release ranges and the deviations a verdict relies on", () => {
  it("run: a proc reached outside its range warns once; a Never lists the deviations of the procs reached", async () => {
    const [old, now] = await judge(scenario);
    expect([old!.kernel, old!.verdict, now!.kernel, now!.verdict]).toEqual([
      "4.12",
      "never",
      "4.13",
      "sometimes",
    ]);
    // On 4.12 the branch to `touch` is dead: its range (4.13..) does not matter there.
    expect(old!.outOfRange).toEqual([
      { proc: "old_touch", follows: "..4.8", release: "4.12", file: "t.tlb" },
    ]);
    // (The prelude's fault path is reached too, with its own deviations: only ours matter here.)
    const ours = (rs: readonly { proc: string }[]): unknown[] =>
      rs.filter((x) => x.proc.endsWith("touch"));
    expect(ours(old!.reliesOn)).toEqual([
      { proc: "old_touch", reason: "the old path skips a recheck" },
    ]);
    const lines = formatText(old!, text).split("\n");
    expect(lines.filter((l) => /^(Warning|Relies on: \w*touch)/.test(l))).toEqual([
      "Warning: kernel 4.12 is outside the releases proc `old_touch` follows (..4.8, t.tlb): its body may not be that release's C",
      "Relies on: old_touch: the old path skips a recheck",
    ]);
    expect(toJson(old!)).toMatchObject({
      verdict: "never",
      outOfRange: [{ proc: "old_touch", follows: "..4.8", kernel: "4.12", file: "t.tlb" }],
      reliesOn: expect.arrayContaining([
        { proc: "old_touch", reason: "the old path skips a recheck" },
      ]),
    });
    // A Sometimes has a witness: it rests on no deviation. 4.13 is inside `touch`'s range.
    expect([now!.outOfRange, now!.reliesOn]).toEqual([[], []]);
    expect(formatText(now!, text)).not.toMatch(/^(Warning|Relies on):/m);
    expect(toJson(now!)).toMatchObject({ outOfRange: [], reliesOn: [] });
  });

  it("an Always relies on the deviations too: a missing path could supply the failing state", async () => {
    const always = scenario.replace("  store X 9\n", "  skip\n");
    const [now] = await judge(always, ["4.13"]);
    expect(now!.verdict).toBe("always");
    expect(now!.reliesOn.filter((x) => x.proc.endsWith("touch"))).toEqual([
      { proc: "touch", reason: "no lock is taken" },
    ]);
  });

  it("check: W001 at the expect line of the release, once per proc and release", () => {
    const twice = scenario.replace(
      "expect kernel 4.12 : never",
      "expect kernel 4.12 : never\nexpect kernel 4.12 with fix b3a81d0841a9 off : never",
    );
    const r = checkText(twice, "t.tlb");
    expect(r.diagnostics).toEqual([]);
    expect(r.warnings.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        "W001",
        "warning",
        "kernel 4.12 is outside the releases proc `old_touch` follows (..4.8, t.tlb): its body may not be that release's C",
      ],
    ]);
    const at = twice.indexOf("4.12 : never");
    expect(r.warnings[0]!.span).toEqual({ start: at, end: at + 4 });
  });

  it("tlbl check prints the warning and still passes", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-fidelity-"));
    const f = join(dir, "f.tlb");
    writeFileSync(f, scenario);
    const r = spawnSync(process.execPath, [join(root, "bin/tlbl.js"), "check", f], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(": OK");
    expect(r.stderr).toContain(
      "warning: kernel 4.12 is outside the releases proc `old_touch` follows (..4.8,",
    );
    expect(r.stderr).toContain("[W001]");
  });
});
