import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstInvalidUtf8 } from "../../src/cli/io.js";
import { runTlbl } from "../helpers.js";

const tlbl = (...args: string[]) => runTlbl(args);

function tempFile(name: string, text: string | Buffer): string {
  const f = join(mkdtempSync(join(tmpdir(), "tlbl-fmt-")), name);
  writeFileSync(f, text);
  return f;
}

describe("issue 13: exit statuses and positions that misled", () => {
  it("fmt --check --write is a usage error (exit 2) and leaves the file alone", () => {
    const ugly = "tlb ugly\nthread T on cpu0 {   store X 1 }\n";
    const f = tempFile("ugly.tlb", ugly);
    const r = tlbl("fmt", "--check", "--write", f);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--check and --write do not combine");
    expect(readFileSync(f, "utf8")).toBe(ugly);
  });

  it("invalid UTF-8 is reported at file:line:col of its first bad byte, by check and by fmt", () => {
    const f = tempFile(
      "bad.tlb",
      Buffer.concat([
        Buffer.from("tlb t\nthread T1 on cpu1 {\n  skip é"),
        Buffer.from([0xff, 0x0a]),
      ]),
    );
    for (const cmd of ["check", "fmt"]) {
      const r = tlbl(cmd, f);
      expect(r.status, cmd).toBe(2);
      expect(r.stderr, cmd).toContain(`${f}:3:9: error: the input is not text (byte 0xff`);
      expect(r.stderr, cmd).toContain("3 |   skip é");
    }
  });

  it("firstInvalidUtf8 finds the start of the first ill-formed sequence", () => {
    const at = (...b: number[]): number | undefined => firstInvalidUtf8(Uint8Array.from(b));
    expect(at(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)).toBeUndefined();
    expect(at(0x61, 0xc0, 0x80)).toBe(1); // overlong NUL
    expect(at(0x61, 0xe2, 0x82, 0x41)).toBe(1); // cut short
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // a surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // past U+10FFFF
    expect(at(0x61, 0x80)).toBe(1); // a lone continuation byte
    expect(at(0x61, 0xe2, 0x82)).toBe(1); // truncated at the end
  });

  it("a CR-only file has as many lines as CRs: an error on the fourth line says so", () => {
    const f = tempFile("cr.tlb", "tlb t\rthread T1 on cpu1 {\r  skip\r  foo\r}\r");
    const r = tlbl("check", f);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${f}:4:3: error: unknown step \`foo\``);
  });
});
