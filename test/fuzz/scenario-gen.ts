/**
 * Inputs that check, so that the model runs on them: scenarios generated with the prelude's
 * own signatures (each step's arguments of the types it takes), and edits of whole library
 * scenarios that keep them well formed (a statement dropped, repeated or moved, a number, a
 * protection, a sharing or a kernel release changed).
 */
import { loadPrelude } from "../../src/kernel/prelude.js";
import { enumValues, type Type } from "../../src/primitives/types.js";
import { knownReleases } from "../../src/semantics/kernel-versions.js";
import { stepNames } from "../../src/syntax/keywords.js";
import type { Rng } from "./generate.js";

interface Region {
  readonly name: string;
  readonly pages: number;
}

/** The steps a user writes (docs/language.md's table but the MMU's own) and a few entry points. */
const userSteps = [
  ...stepNames.filter((n) => n !== "load" && n !== "store"),
  "migrate_vma",
  "get_user_page",
  "clear_refs_soft_dirty",
];

let signatures: Map<string, { params: Type[]; result: boolean }> | undefined;
function signaturesOf(): Map<string, { params: Type[]; result: boolean }> {
  signatures ??= new Map(
    userSteps.flatMap((name) => {
      const d = loadPrelude().procs.get(name)?.decl;
      return d === undefined
        ? []
        : [[name, { params: d.params.map((p) => p.type.name as Type), result: !!d.result }]];
    }),
  );
  return signatures;
}

interface Scope {
  readonly regions: readonly Region[];
  readonly files: readonly Region[];
}

function arg(r: Rng, t: Type, sc: Scope): string {
  const reg = r.pick(sc.regions);
  const page = (): string => (reg.pages === 1 ? reg.name : `${reg.name}[${r.int(reg.pages)}]`);
  const file = r.pick(sc.files);
  switch (t) {
    case "range": {
      if (reg.pages === 1 || r.chance(0.5)) return reg.name;
      const i = r.int(reg.pages);
      return `${reg.name}[${i}..${i + r.int(reg.pages - i)}]`;
    }
    case "page":
      return page();
    case "addr":
      return r.chance(0.7) ? page() : `${page()}.${1 + r.int(2)}`;
    case "fpage":
    case "faddr":
      return `${file.name}[${r.int(file.pages)}]`;
    case "file":
      return file.name;
    case "int":
      return r.chance(0.7) ? String(r.int(7)) : r.pick(["x", "(x + 1)"]);
    case "bool":
      return r.pick(["true", "false"]);
    case "source":
      return r.chance(0.5) ? "anon" : `${file.name}[${r.int(file.pages)}]`;
    default:
      return r.pick(enumValues[t] ?? ["0"]);
  }
}

function step(r: Rng, sc: Scope, user: boolean): string {
  const k = r.int(user ? 10 : 8);
  if (k === 8) return `x = load ${arg(r, "addr", sc)}`;
  if (k === 9 || (k === 7 && !user)) return `store ${arg(r, "addr", sc)} ${1 + r.int(6)}`;
  const [name, sig] = r.pick([...signaturesOf()]);
  const call = [name, ...sig.params.map((t) => arg(r, t, sc))].join(" ");
  return sig.result && r.chance(0.5) ? `x = ${call}` : call;
}

function body(r: Rng, sc: Scope, user: boolean, indent: string): string {
  const lines: string[] = [];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const s = step(r, sc, user);
    if (r.chance(0.1)) lines.push(`if x == ${r.int(3)} {\n${indent}  ${s}\n${indent}}`);
    else if (r.chance(0.05)) lines.push(`atomic {\n${indent}  ${s}\n${indent}}`);
    else lines.push(s);
  }
  return lines.map((l) => indent + l).join("\n");
}

/** A scenario of the prelude's steps with arguments of their types: most of them check. */
export function generateScenario(r: Rng): string {
  const files: Region[] = [{ name: "F", pages: 1 + r.int(2) }];
  const init = [`file F = [${Array.from({ length: files[0]!.pages }, () => r.int(9)).join(", ")}]`];
  const regions: Region[] = [];
  for (let i = 0, n = 1 + r.int(2); i < n; i++) {
    const name = ["X", "Y", "Z"][i]!;
    const k = r.int(4);
    if (k === 3) {
      init.push(`${name} = unmapped`);
      regions.push({ name, pages: 1 });
      continue;
    }
    const pages = 1 + r.int(2);
    const source =
      k === 0
        ? `F[0${files[0]!.pages > 1 && pages > 1 ? "..1" : ""}]`
        : pages > 1
          ? `anon[${pages}]`
          : "anon";
    const realPages = k === 0 ? (files[0]!.pages > 1 && pages > 1 ? 2 : 1) : pages;
    const prot = r.pick(["rw", "rw", "r"]);
    init.push(
      `${name} = mmap ${source} ${r.pick(["private", "shared"])} ${prot}${r.chance(0.5) ? " populate" : ""}`,
    );
    regions.push({ name, pages: realPages });
    if (r.chance(0.2)) init.push(`${name} = ${r.int(5)}`);
  }
  if (r.chance(0.2)) init.push(`tlb cpu1 ${regions[0]!.name} ${r.pick(["r", "rw dirty"])}`);
  const sc: Scope = { regions, files };
  const threads = [`thread T1 on cpu1 {\n  x = 0\n${body(r, sc, true, "  ")}\n}`];
  if (r.chance(0.7)) threads.push(`thread T2 on cpu2 {\n  x = 0\n${body(r, sc, true, "  ")}\n}`);
  if (r.chance(0.3)) threads.push(`kthread K on cpu0 {\n  x = 0\n${body(r, sc, false, "  ")}\n}`);
  const target = r.pick(regions).name;
  const condition = r.pick([
    `exists (T1:x == ${r.int(4)})`,
    `~exists (${target} == ${r.int(4)})`,
    `forall (T1:x != segv)`,
    `exists (pte(${target}).present && T1:x == ok)`,
  ]);
  const expect = r.chance(0.4)
    ? `\nexpect kernel ${r.pick(knownReleases)} : ${r.pick(["sometimes", "never", "always"])}`
    : "";
  return `tlb g${r.int(99)}\n\ninit {\n${init.map((l) => `  ${l}`).join("\n")}\n}\n\n${threads.join("\n\n")}\n\n${condition}${expect}\n`;
}

/** An edit of a whole scenario that keeps it well formed, so that it usually still checks. */
export function editScenario(r: Rng, source: string): string {
  const lines = source.split("\n");
  // Statement lines: indented, inside a thread or proc, not a brace.
  const statements = lines.flatMap((l, i) =>
    /^ {2,}\w/.test(l) && !/[{}]\s*$/.test(l) ? [i] : [],
  );
  const at = statements.length ? r.pick(statements) : 0;
  switch (r.int(7)) {
    case 0:
      lines.splice(at, 1);
      return lines.join("\n");
    case 1:
      lines.splice(at, 0, lines[at]!);
      return lines.join("\n");
    case 2: {
      const other = r.pick(statements.length ? statements : [0]);
      [lines[at], lines[other]] = [lines[other]!, lines[at]!];
      return lines.join("\n");
    }
    case 3: {
      const numbers = [...source.matchAll(/(?<![\w.])\d(?![\w.])/g)];
      if (!numbers.length) return source;
      const m = r.pick(numbers);
      return source.slice(0, m.index) + String(r.int(8)) + source.slice(m.index + 1);
    }
    case 4: {
      const pairs: [RegExp, string][] = [
        [/\bprivate\b/, "shared"],
        [/\bshared\b/, "private"],
        [/ rw\b/, " r"],
        [/ populate\b/, ""],
        [/\banon\b(?!\[)/, "anon[2]"],
        [/\bexists\b/, "forall"],
      ];
      const [re, to] = r.pick(pairs);
      return source.replace(re, to);
    }
    case 5:
      return source.replace(/expect kernel [\d.]+/, `expect kernel ${r.pick(knownReleases)}`);
    default:
      return source.replace(/\n(expect|fix) [^\n]*/, "");
  }
}
