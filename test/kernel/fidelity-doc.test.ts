import { describe, expect, it } from "vitest";
import { loadPrelude } from "../../src/kernel/prelude.js";
import { fidelityOf, releaseSpansText } from "../../src/semantics/fidelity.js";
import { readRepoFile } from "../helpers.js";

/** docs/fidelity.md's entries: `## \`file.tlb\`` then `### \`proc\`` and its text, by proc. */
function entries(md: string): Map<string, { file: string; text: string }> {
  const out = new Map<string, { file: string; text: string }>();
  let file = "";
  let proc: string | undefined;
  for (const line of md.split("\n")) {
    const section = /^## `([\w-]+\.tlb)`/.exec(line);
    const entry = /^### `(\w+)`/.exec(line);
    if (section) [file, proc] = [section[1]!, undefined];
    else if (entry) {
      proc = entry[1]!;
      expect(out.has(proc), `two entries for ${proc}`).toBe(false);
      out.set(proc, { file, text: "" });
    } else if (line.startsWith("#")) proc = undefined;
    else if (proc !== undefined) out.get(proc)!.text += `${line}\n`;
  }
  return out;
}

const squeeze = (s: string): string => s.replace(/\s+/g, " ");

describe("docs/fidelity.md", () => {
  const doc = entries(readRepoFile("docs/fidelity.md"));
  const procs = [...loadPrelude().procs].map(([name, def]) => ({
    name,
    file: def.file.split("/").at(-1)!,
    decl: def.decl,
  }));

  it("has an entry for every prelude proc, under its file", () => {
    const missing = procs.filter((p) => doc.get(p.name)?.file !== p.file);
    expect(missing.map((p) => `${p.file}: ${p.name}`)).toEqual([]);
  });

  it("has no entry for a proc the prelude does not have", () => {
    const names = new Set(procs.map((p) => p.name));
    expect([...doc.keys()].filter((n) => !names.has(n))).toEqual([]);
  });

  it("every prelude proc states the releases its body follows (issue 11, must-have 5)", () => {
    expect(
      procs.filter((p) => fidelityOf(p.decl).follows === undefined).map((p) => p.name),
    ).toEqual([]);
  });

  it("states the range of every `follows` annotation in its proc's entry", () => {
    const wrong = procs.flatMap((p) => {
      const spans = fidelityOf(p.decl).follows;
      if (spans === undefined) return [];
      const stated = `Follows: ${releaseSpansText(spans).replace(/\.\./g, "–")}`;
      return squeeze(doc.get(p.name)?.text ?? "").includes(stated) ? [] : [`${p.name}: ${stated}`];
    });
    expect(wrong).toEqual([]);
  });

  it("gives the reason of every `deviation removes` annotation in its proc's entry", () => {
    const unexplained = procs.flatMap((p) =>
      fidelityOf(p.decl)
        .removes.filter((why) => !squeeze(doc.get(p.name)?.text ?? "").includes(squeeze(why)))
        .map((why) => `${p.name}: ${why}`),
    );
    expect(unexplained).toEqual([]);
  });
});
