import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSource } from "../../src/cli/io.js";
import { checkText } from "../../src/cli/load.js";
import { codes, type Code } from "../../src/diagnostics/codes.js";
import { LineMap } from "../../src/diagnostics/span.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";

/** A scenario that checks cleanly; each case below breaks it in one place. */
const base = `tlb t
init {
  file F = [0]
  X = mmap F[0] shared rw
  Y = unmapped
}
thread T1 on cpu1 {
  w = store X 1
  r = pread F[0]
}
thread T2 on cpu2 {
  mremap X -> Y
}
exists (T1:w == ok && T1:r == 1)
expect kernel 4.8 : sometimes
schedule s {
  T1 1; T2 until moved; T1 end
}
`;

interface Case {
  readonly code: Code;
  readonly text: string;
  readonly message: string;
  /** line:col of the first diagnostic */
  readonly at: string;
}

const edit = (from: string, to: string): string => {
  if (!base.includes(from)) throw new Error(`no ${from}`);
  return base.replace(from, to);
};

const cases: Case[] = [
  {
    code: "E002",
    text: "tlb t\u0000",
    message: "the input is not text (it holds a NUL byte or invalid UTF-8)",
    at: "1:6",
  },
  {
    code: "E003",
    text: edit("store X 1", "store X 1 #"),
    message: "unexpected character `#` (U+0023)",
    at: "8:17",
  },
  { code: "E004", text: `${base}/* never closed`, message: "unterminated comment", at: "19:1" },
  {
    code: "E010",
    text: edit("mremap X -> Y", "mremap X -> Y +"),
    message: "expected `}`, found `+`",
    at: "12:17",
  },
  {
    code: "E100",
    text: edit("Y = unmapped", "X = unmapped"),
    message: "region `X` is already declared as a region",
    at: "5:3",
  },
  {
    code: "E101",
    text: edit("mremap X", "mremp X"),
    message: "unknown step `mremp`; did you mean `mremap`?",
    at: "12:3",
  },
  {
    code: "E102",
    text: edit("w = store X 1", "w = store Z 1"),
    message: "unknown name `Z`; did you mean `X`?",
    at: "8:13",
  },
  {
    code: "E103",
    text: edit("T2 until", "T3 until"),
    message: "unknown thread `T3`; did you mean `T1`?",
    at: "17:9",
  },
  {
    code: "E104",
    text: edit("until moved", "until moev"),
    message: "thread `T2` never passes a label `moev`; did you mean `moved`?",
    at: "17:18",
  },
  {
    code: "E105",
    text: edit("T1:r == 1", "T1:q == 1"),
    message: "thread `T1` has no register `q`; did you mean `w`?",
    at: "14:26",
  },
  {
    code: "E107",
    text: edit("kernel 4.8", "kernel 4.88"),
    message: "unknown kernel version `4.88`; did you mean `4.8`?",
    at: "15:15",
  },
  {
    code: "E108",
    text: edit("kernel 4.8 :", "kernel 4.8 with fix 5d1904204c98 on :"),
    message: "no modelled fix is named `5d1904204c98`; did you mean `5d1904204c99`?",
    at: "15:28",
  },
  {
    code: "E109",
    text: `${base}option tlb_evic\n`,
    message: "unknown option `tlb_evic`; did you mean `tlb_evict`?",
    at: "19:8",
  },
  {
    code: "E109",
    text: edit("X = mmap F[0] shared rw", "X = mmap F[0] private rw forked"),
    message: "`forked` applies to shared rw file mappings",
    at: "4:28",
  },
  {
    code: "E110",
    text: edit("exists (T1:w == ok", "exists (pte(X).dirt"),
    message: "a pte has no field `dirt`; did you mean `dirty`?",
    at: "14:16",
  },
  {
    code: "E200",
    text: edit("mremap X -> Y", "mremap X"),
    message: "`mremap` takes 2 arguments (old: range, new: range), not 1",
    at: "12:3",
  },
  {
    code: "E201",
    text: edit("store X 1", "store F 1"),
    message: "`store` expects a addr for addr, not a file",
    at: "8:13",
  },
  {
    // The model's primitives take pages by number: a page in a local reached them as a value.
    code: "E201",
    text: edit("mremap X -> Y", "p = X[0]\n  mremap X -> Y"),
    message: "a page is known at compile time and cannot be stored in `p`",
    at: "12:7",
  },
  {
    code: "E201",
    text: edit("mremap X -> Y", "migrate (page_of(X, 0))\n  mremap X -> Y"),
    message:
      "`page_of` computes a page as the scenario runs, but a page is known at compile time: name it (`X[1]`, `X[1].2`)",
    at: "12:12",
  },
  {
    code: "E201",
    text: `${base}proc target(): addr {\n  return X.1\n}\n`,
    message:
      "a proc returns a value computed as the scenario runs; an addr is known at compile time",
    at: "19:16",
  },
  {
    code: "E201",
    text: edit("mremap X -> Y", "munmap F[0..0]"),
    message: "a file cannot be sliced; a slice takes pages of a region or of a range parameter",
    at: "12:10",
  },
  {
    code: "E202",
    text: edit("mmap F[0]", "mmap F[3]"),
    message: "file `F` has pages 0 to 0",
    at: "4:12",
  },
  {
    code: "E202",
    text: edit("mremap X -> Y", "mremap X[0..1] -> Y"),
    message: "index 1 is past the last page (0)",
    at: "12:15",
  },
  {
    code: "E202",
    text: base
      .replace("Y = unmapped", "Y = unmapped[2]")
      .replace("mremap X", "munmap Y[1..0]\n  mremap X"),
    message: "a slice's last page (0) is before its first (1)",
    at: "12:12",
  },
  {
    // With 37 pages and threads, a run could run out of frames, or not even set up init.
    code: "E202",
    text: edit(
      "  Y = unmapped\n",
      "  Y = unmapped\n  A = unmapped[8]\n  B = unmapped[8]\n  C = unmapped[8]\n  D = unmapped[8]\n",
    ),
    message:
      "the model has 31 page frames, and this scenario may need 37: one for each file page, each page of a region and each thread",
    at: "9:3",
  },
  {
    // The model moved one page of two, or read a page past Y's end inside move_ptes().
    code: "E202",
    text: edit("Y = unmapped", "Y = unmapped[2]"),
    message: "`mremap` moves a range to one of the same size, not 1 page to 2 pages",
    at: "12:3",
  },
  {
    // The model mapped Z's second page to the page after F's last: another file's.
    code: "E202",
    text: edit("  Y = unmapped\n", "  Y = unmapped\n  Z = unmapped[2]\n").replace(
      "mremap X -> Y",
      "mremap X -> Y\n  map(Z)\n}\nproc map(r: range) {\n  mmap r F[0] shared rw",
    ),
    message: "`mmap` maps 2 pages of `F` from page 0, but `F` has pages 0 to 0",
    at: "17:3",
  },
  {
    code: "E203",
    text: edit("r = pread F[0]", "return"),
    message: "`return` belongs in a proc",
    at: "9:3",
  },
  {
    code: "E203",
    text: edit("  Y = unmapped\n", "  Y = unmapped\n  X[0..0] = 1\n"),
    message: "a slice names a range for steps and procs; init names one page, as in `A[1]`",
    at: "6:3",
  },
  {
    code: "E203",
    text: edit("T1:r == 1", "X[0..0] == 1"),
    message: "a slice names a range for steps and procs; a condition names one page, as in `A[1]`",
    at: "14:23",
  },
  {
    // Found when the scenario is lowered: check lowers it on each kernel run judges it on.
    code: "E203",
    text: `${base}kthread K on cpu3 {\n  store X 1\n}\n`,
    message: "`store` needs a user thread on a CPU; a kthread has no user address space",
    at: "20:3",
  },
  {
    code: "E203",
    text: `${base}proc put(a: addr) {\n  store a 1\n}\nafter {\n  put(X)\n}\n`,
    message: "`store` needs a user thread on a CPU; a kthread has no user address space",
    at: "20:3",
  },
  {
    code: "E202",
    text: edit("  Y = unmapped\n", "  Y = unmapped\n  Y.1 = 5\n"),
    message: "this page is not mapped at the start",
    at: "6:3",
  },
  {
    code: "E202",
    text: edit("  Y = unmapped\n", "  Y = unmapped\n  tlb cpu1 X rw\n"),
    message: "a TLB entry is built from a present PTE: map this page with `populate`",
    at: "6:3",
  },
  {
    code: "E300",
    text: edit("T2 on cpu2", "T2 on cpu1"),
    message: "thread `T2` is bound to cpu1, which already runs `T1`; tlbl runs one thread per CPU",
    at: "11:14",
  },
  {
    code: "E301",
    text: edit("T2 on cpu2", "T2 on gpu2"),
    message: "`gpu2` is not a CPU; write cpu0 … cpu15",
    at: "11:14",
  },
  {
    code: "E302",
    text: `${base}proc a() {\n  b\n}\nproc b() {\n  a\n}\n`,
    message: "proc `a` is recursive (a → b → a); procs are inlined",
    at: "19:6",
  },
  {
    code: "E303",
    text: `${base}fix zz99 off\n`,
    message:
      '`zz99` is not a commit id (7 to 40 lower-case hex digits) or a patch\'s "<Message-ID>"',
    at: "19:5",
  },
  {
    code: "E303",
    text: `${base}fix "<no-host>" off\n`,
    message:
      '`<no-host>` is not a commit id (7 to 40 lower-case hex digits) or a patch\'s "<Message-ID>"',
    at: "19:5",
  },
  {
    code: "E305",
    text: edit("r = pread F[0]", "r = pread F[0]\n  while true { x = 1 }"),
    message:
      "this loop can go round without a step: every path through it needs a load, a store, a syscall, `skip` or an `atomic` block",
    at: "10:3",
  },
  {
    code: "E305",
    // The inner loop may run no round, and the outer one's other path has no step either.
    text: `${base}proc spin(a: addr) {\n  while 1 == 1 {\n    if 2 == 2 {\n      while true {\n        store a 1\n      }\n    } else {\n      while 1 == 2 {\n        store a 2\n      }\n    }\n  }\n}\n`,
    message:
      "this loop can go round without a step: every path through it needs a load, a store, a syscall, `skip` or an `atomic` block",
    at: "20:3",
  },
  {
    code: "E306",
    text: `${base}proc p()\n  deviation adds "a fault that cannot happen"\n{\n  skip\n}\n`,
    message:
      "a deviation that adds behaviours stays a comment (`// Model deviation (adds behaviours): …`): only one that removes behaviours can make a Never false",
    at: "20:13",
  },
  {
    code: "E306",
    text: `${base}proc p()\n  follows 6.16..3.10\n{\n  skip\n}\n`,
    message: "this range is empty: 6.16 comes after 3.10 (write `3.10..6.16`)",
    at: "20:11",
  },
  {
    code: "E306",
    text: `${base}proc p()\n  deviation removes ""\n{\n  skip\n}\n`,
    message: "say why the body departs from the C",
    at: "20:21",
  },
  {
    code: "E107",
    text: `${base}proc p()\n  follows 3.10..4.88\n{\n  skip\n}\n`,
    message: "unknown kernel version `4.88`; did you mean `4.8`?",
    at: "20:17",
  },
  {
    code: "E010",
    text: `${base}proc p()\n  models p in "mm/rmap.c"\n{\n  skip\n}\n`,
    message: 'expected a source path (mm/rmap.c), found `"mm/rmap.c"`',
    at: "20:15",
  },
  {
    code: "E304",
    text: "tlb lonely\n\nexists (X == 1)\n",
    message: "a scenario needs at least one thread",
    at: "1:5",
  },
];

function firstAt(text: string, offset: number): string {
  const p = new LineMap(text).position(offset);
  return `${p.line}:${p.column}`;
}

describe("diagnostics", () => {
  it("the base scenario checks", () => {
    expect(checkText(base, "t.tlb").diagnostics).toEqual([]);
  });

  it("E305 leaves loops alone that take a step on every path round", () => {
    const loops = `${base}proc wait(a: addr) {
  while 1 == 1 {
    if 2 == 2 {
      store a 1
    } else {
      while true {
        skip
      }
    }
  }
  n = 0
  while n < 2 {
    atomic {
      n = n + 1
    }
    for p in X {
      mprotect X[p] r
    }
  }
}
`;
    expect(checkText(loops, "t.tlb").diagnostics).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.code}: ${codes[c.code]}`, () => {
      const r = checkText(c.text, "t.tlb");
      const d = r.diagnostics[0];
      expect(d, "no diagnostic").toBeDefined();
      expect({ code: d!.code, message: d!.message, at: firstAt(c.text, d!.span.start) }).toEqual({
        code: c.code,
        message: c.message,
        at: c.at,
      });
    });
  }

  it("E001: a missing file and a directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-"));
    const missing = readSource(join(dir, "nope.tlb"));
    expect(missing.ok ? undefined : missing.diagnostic).toMatchObject({
      code: "E001",
      message: "cannot read: no such file",
    });
    const asDir = readSource(dir);
    expect(asDir.ok ? undefined : asDir.diagnostic).toMatchObject({
      code: "E001",
      message: "is a directory, not a .tlb file",
    });
  });

  it("E002: bytes that are not UTF-8", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-"));
    const f = join(dir, "bin.tlb");
    writeFileSync(f, Buffer.from([0x74, 0x6c, 0x62, 0xff, 0xfe, 0x00]));
    const r = readSource(f);
    expect(r.ok ? undefined : r.diagnostic).toMatchObject({ code: "E002" });
  });

  it("every code of the catalogue has a case here or in the run tests", () => {
    // W001: test/judge/fidelity.test.ts.
    const elsewhere: Code[] = ["E001", "E106", "W001"];
    const covered = new Set<Code>([...cases.map((c) => c.code), ...elsewhere]);
    expect(Object.keys(codes).filter((c) => !covered.has(c as Code))).toEqual([]);
  });

  it("reports every error of a file in one run", () => {
    const text = edit("T2 on cpu2", "T2 on cpu1")
      .replace("store X 1", "store Z 1")
      .replace("kernel 4.8", "kernel 4.88");
    const r = checkText(text, "t.tlb");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E102", "E300", "E107"]);
  });

  it("renders file:line:col, the source line and a caret under the span", () => {
    const text = edit("mremap X", "mremp X");
    const d = checkText(text, "t.tlb").diagnostics[0]!;
    expect(renderDiagnostic(d, text, { color: false })).toBe(
      "t.tlb:12:3: error: unknown step `mremp`; did you mean `mremap`? [E101]\n12 |   mremp X -> Y\n       ^^^^^",
    );
  });
});
