import { afterAll, describe, expect, it } from "vitest";
import { ModelRunner, smallLimits } from "./model.js";
import { fuzz, minimise } from "./run.js";

/**
 * The bounded fuzz run of `npm test` (issue 13): parse → check → format → parse → format on
 * 10,000 inputs (2,000 in the fast tier), the checker on every fourth, and the model
 * (`runScenario` in a worker: --max-states 2000, --timeout 2, a 1 GB heap it stops at, a 15 s wall
 * bound) on every fourth input that checks, about 1 % of the inputs: the model is the slowest
 * stage by far. `npm run fuzz` runs the model on every input that checks, on 100,000 inputs,
 * and writes minimised reproducers.
 */
const count = process.env["TLBL_FAST"] === "1" ? 2000 : 10_000;
const model = new ModelRunner(smallLimits);
afterAll(() => model.close());

describe("fuzzing", () => {
  it(`${count} inputs parsed, checked (1 in 4), formatted twice with the same AST and every comment kept, and a deterministic sample (1 in 4 of those that check) run through the model: no crash, no hang, no heap exhausted`, async () => {
    const s = await fuzz({
      first: 1,
      count,
      checkEvery: 4,
      modelEvery: 4,
      model,
      slowMs: 10_000,
    });
    const failures = s.failures.map(
      (f) => `seed ${f.seed}: ${f.kind}: ${f.detail.slice(0, 300)}\n${JSON.stringify(f.input)}`,
    );
    expect(failures).toEqual([]);
    // Each stage really ran: most inputs parse, not all; some check; some ran the model.
    expect(s.parsed).toBeGreaterThan(count / 2);
    expect(s.parsed).toBeLessThan(count);
    expect(s.checked).toBeGreaterThan(count / 40);
    expect(s.modelled).toBeGreaterThan(count / 200);
    // …and the model really searched: not every run stopped before it (an RSS limit shared with
    // the harness once stopped them all while building).
    expect(s.explored).toBeGreaterThan(s.modelled / 2);
  }, 1_800_000);
});

describe("the fuzz harness finds what it is for", () => {
  it("a model run past the wall bound is a hang, and the next input runs in a fresh worker", async () => {
    const runner = new ModelRunner({ ...smallLimits, wallMs: 1 });
    const text = "tlb t\nthread T1 on cpu1 {\n  skip\n}\nexists (true)\n";
    try {
      expect((await runner.run(text)).kind).toBe("hang");
    } finally {
      await runner.close();
    }
    const fresh = await model.run(text);
    expect(fresh).toMatchObject({ kind: "ran", configurations: 1 });
  }, 600_000);

  it("the minimiser keeps what makes an input fail and drops the rest, by lines then tokens", async () => {
    const text =
      "tlb t\n\ninit {\n  X = mmap anon private rw\n}\n\nthread T1 on cpu1 {\n  store X 1\n  munmap X\n  r = load X\n}\n\nexists (T1:r == 1)\n";
    // A stand-in for a bug: the input fails while it still has `munmap` and a `load` after it.
    const fails = async (t: string): Promise<boolean> => /munmap[^]*load/.test(t);
    expect(await minimise(text, fails)).toBe("munmap load ");
  });
});
