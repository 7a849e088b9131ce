import type { LoadedPrelude } from "../kernel/prelude.js";
import type { Primitive } from "../primitives/primitive.js";
import { builtins, constants } from "../primitives/registry.js";
import { enumValues } from "../primitives/types.js";
import { compareReleases, isKnownRelease } from "../semantics/kernel-versions.js";
import type { FixDef, ProcDef } from "../semantics/scenario.js";
import type * as A from "../syntax/ast.js";
import { stepNames } from "../syntax/keywords.js";

/**
 * What hover and completion say about a name, in Markdown: one function per kind of thing, each
 * reading the one home of its facts (the prelude's procs and annotations, the primitive
 * registry, the fix list).
 */

const block = (code: string): string => "```tlb\n" + code + "\n```";

/** `proc madvise(r: range, advice: advice)`, `proc f(p: page): bool`. */
export function procSignature(p: A.ProcDecl): string {
  const params = p.params.map((x) => `${x.name.name}: ${x.type.name}`).join(", ");
  return `proc ${p.name.name}(${params})${p.result ? `: ${p.result.name}` : ""}`;
}

function rangeText(r: A.ReleaseRange): string {
  if (!r.dots) return r.first?.text ?? "";
  return `${r.first?.text ?? ""}..${r.last?.text ?? ""}`;
}

/** A proc: signature, doc string, the C it models and the releases it follows, its deviations. */
export function describeProc(def: ProcDef, where: "prelude" | "scenario"): string {
  const d = def.decl;
  const out = [block(procSignature(d))];
  if (d.doc) out.push(d.doc.value);
  for (const a of d.annotations) {
    switch (a.kind) {
      case "ModelsAnnotation":
        out.push(
          `Models ${a.functions.map((f) => `\`${f.name}()\``).join(", ")} in \`${a.path.text}\``,
        );
        break;
      case "FollowsAnnotation":
        out.push(`Follows the C of ${a.ranges.map(rangeText).join(", ")}`);
        break;
      case "DeviationAnnotation":
        out.push(`Deviation (${a.direction.name} behaviours): ${a.reason.value}`);
        break;
    }
  }
  const leading = leadingComment(def.text, d.span.start);
  if (leading) out.push(leading);
  out.push(where === "prelude" ? `Kernel prelude: \`${def.file}\`` : "Declared in this scenario");
  return out.join("\n\n");
}

/**
 * The `//` comment lines right above a proc: the prelude cites its C function and marks its
 * model deviations there (`// mm/madvise.c: …`, `// Model deviation (…): …`).
 */
export function leadingComment(text: string, start: number): string | undefined {
  const before = text.slice(0, start).split(/\r?\n/);
  before.pop(); // the proc's own line, up to `proc`
  const lines: string[] = [];
  while (before.length > 0 && /^\s*\/\//.test(before.at(-1)!))
    lines.unshift(before.pop()!.replace(/^\s*\/\/\s?/, ""));
  return lines.length ? lines.join("\n") : undefined;
}

export function describePrimitive(p: Primitive): string {
  const params = p.params.map((x) => `${x.name}: ${x.type}`).join(", ");
  const result = p.result === "void" ? "" : `: ${p.result}`;
  const what = [
    `primitive, ${p.effect}`,
    p.blocks ? "waits" : undefined,
    p.inConditions ? "allowed in conditions" : undefined,
  ].filter(Boolean);
  return [block(`${p.name}(${params})${result}`), `Models: ${p.doc}`, `(${what.join("; ")})`].join(
    "\n\n",
  );
}

const instructions: Readonly<Record<string, string>> = {
  store:
    "store ADDR VALUE: the user instruction, through this CPU's TLB and page walk; its result is `ok`, `segv` or `sigbus`",
  load: "load ADDR: the user instruction, through this CPU's TLB and page walk; its result is the word read, or `segv`/`sigbus`",
};

export function describeInstruction(name: "store" | "load"): string {
  return [block(name === "store" ? "store addr value" : "load addr"), instructions[name]!].join(
    "\n\n",
  );
}

export function describeFix(f: FixDef): string {
  return [
    block(`fix ${f.commit} in ${f.release}`),
    `"${f.title}"`,
    `Mainline in ${f.release}.`,
  ].join("\n\n");
}

/** A release: the modelled fixes it applies and those it does not have yet. */
export function describeKernel(release: string, fixes: Iterable<FixDef>): string {
  const all = [...fixes].sort((a, b) => compareReleases(a.release, b.release));
  const applied = all.filter((f) => compareReleases(f.release, release) <= 0);
  const missing = all.filter((f) => compareReleases(f.release, release) > 0);
  const line = (f: FixDef): string => `- \`${f.commit}\` (${f.release}) ${f.title}`;
  const out = [block(`kernel ${release}`)];
  if (!isKnownRelease(release)) out.push("Not a release tlbl knows.");
  out.push(`Applies ${applied.length} of the ${all.length} modelled fixes:`);
  if (applied.length) out.push(applied.map(line).join("\n"));
  if (missing.length) out.push(`Not yet:\n${missing.map(line).join("\n")}`);
  return out.join("\n\n");
}

export function describeConstant(name: string): string | undefined {
  const c = constants[name];
  if (c !== undefined) return `${block(`${name}: ${c.type}`)}\n\n${c.doc}`;
  for (const [type, values] of Object.entries(enumValues))
    if (values?.includes(name))
      return `${block(`${name}: ${type}`)}\n\nOne of: ${values.join(", ")}`;
  return undefined;
}

/** What a called name is: a step instruction, a primitive, or a proc of the scenario or prelude. */
export function describeCallee(
  name: string,
  scenarioProcs: ReadonlyMap<string, ProcDef>,
  prelude: LoadedPrelude,
  scenarioFile: string,
): string | undefined {
  if (name === "store" || name === "load") return describeInstruction(name);
  const b = builtins[name];
  if (b !== undefined) return describePrimitive(b);
  const own = scenarioProcs.get(name);
  if (own !== undefined && own.file === scenarioFile) return describeProc(own, "scenario");
  const p = prelude.procs.get(name);
  if (p !== undefined) {
    const step = (stepNames as readonly string[]).includes(name);
    return describeProc(p, "prelude") + (step ? "\n\nA step: a thread calls it by name." : "");
  }
  return undefined;
}
