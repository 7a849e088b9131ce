import { describe, expect, it } from "vitest";
import { writeJson } from "../../src/cli/json-stream.js";
import { toJson } from "../../src/report/json.js";
import { judge } from "../model/helpers.js";

/** What writeJson writes, joined; small chunks so values cross chunk boundaries. */
function written(v: unknown): string {
  const chunks: string[] = [];
  writeJson(v, (c) => chunks.push(c), 7);
  return chunks.join("");
}

describe("writeJson", () => {
  it("writes what JSON.stringify(v, null, 2) writes", () => {
    const values: unknown[] = [
      null,
      0,
      -1.5,
      Number.NaN,
      'a "quoted"\nline → ü',
      true,
      [],
      {},
      [1, [2, []], {}, null, undefined, () => 1],
      { a: 1, b: undefined, c: [{ d: "e" }], f: () => 1, g: new Map([[1, 2]]) },
      { date: new Date(0), nested: { deeper: { deepest: [true, false] } } },
      new Uint8Array([1, 2]),
    ];
    for (const v of values) expect(written(v)).toBe(JSON.stringify(v, null, 2));
  });

  it("writes a run's JSON as JSON.stringify does", async () => {
    const results = await judge(`tlb t
init {
  X = mmap anon[1] private rw populate
}
thread T1 on cpu1 {
  a = load X
  store X (a + 1)
}
thread T2 on cpu2 {
  b = load X
}
exists (T2:b == 1)
`);
    const json = results.map(toJson);
    expect(written(json)).toBe(JSON.stringify(json, null, 2));
  });
});
