import { describe, expect, it } from "vitest";
import { progressLine } from "../../src/cli/progress.js";
import type { Progress } from "../../src/explore/search.js";

/** A one-line terminal: `\r` returns to column 0, `ESC [K` erases to the end, text overwrites. */
function terminal(columns: number) {
  let line: string[] = [];
  let col = 0;
  const stream = {
    columns,
    write(text: string) {
      for (let i = 0; i < text.length; i++) {
        if (text[i] === "\r") col = 0;
        else if (text.startsWith("\x1b[K", i)) {
          line = line.slice(0, col);
          i += 2;
        } else {
          if (col >= columns) throw new Error("the line wrapped");
          line[col++] = text[i]!;
        }
      }
    },
  };
  return { stream, screen: () => line.join("") };
}

const at = (states: number, bytes: number): Progress => ({
  states,
  statesPerSecond: 1000,
  depth: 12,
  bytes,
});

describe("the progress line (issue 12: it named no file or kernel and left stray characters)", () => {
  it("names the file and kernel, and a shorter line leaves nothing of a longer one", () => {
    const t = terminal(200);
    const p = progressLine(t.stream);
    p.update(at(1_234_567, 900 * 1048576), "scenarios/numa-tlb-flush-pending.tlb kernel 4.12");
    expect(t.screen()).toBe(
      "scenarios/numa-tlb-flush-pending.tlb kernel 4.12: 1,234,567 states, 1,000/s, depth 12, 900 MB",
    );
    p.update(at(5, 0), "a.tlb kernel 4.8");
    expect(t.screen()).toBe("a.tlb kernel 4.8: 5 states, 1,000/s, depth 12, 0 MB");
    p.clear();
    expect(t.screen()).toBe("");
  });

  it("never wraps on a narrow terminal", () => {
    const t = terminal(30);
    const p = progressLine(t.stream);
    p.update(at(99_999_999, 1 << 30), "scenarios/a/very/long/path/to/a/scenario.tlb kernel 6.18");
    expect(t.screen().length).toBeLessThan(30);
    expect(t.screen().startsWith("scenarios/a/very/long")).toBe(true);
  });
});
