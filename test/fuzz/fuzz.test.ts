import { describe, expect, it } from "vitest";
import { fuzz } from "./run.js";

/**
 * The bounded fuzz run of `npm test` (issue 13): parse → check → format → parse → format on
 * 10,000 inputs (2,000 in the fast tier); `npm run fuzz` runs more and writes reproducers.
 * The checker runs on every fourth input, the slowest stage; a hang shows as "slow".
 */
const count = process.env["TLBL_FAST"] === "1" ? 2000 : 10_000;

describe("fuzzing", () => {
  it(`${count} inputs: no crash, no hang, the same AST after formatting, a fixed point, every comment kept`, async () => {
    const s = await fuzz({ first: 1, count, checkEvery: 4, slowMs: 10_000 });
    const failures = s.failures.map(
      (f) => `seed ${f.seed}: ${f.kind}: ${f.detail.slice(0, 300)}\n${JSON.stringify(f.input)}`,
    );
    expect(failures).toEqual([]);
    // The formatter really ran: most inputs parse, and not all of them.
    expect(s.parsed).toBeGreaterThan(count / 2);
    expect(s.parsed).toBeLessThan(count);
  }, 1_800_000);
});
