import { ops, type Candidate } from "./vocabulary.js";

/** What a finding adds to a candidate: its doc, condition, expectations and witness. */
export interface Extras {
  readonly doc?: string;
  readonly condition?: string;
  readonly expects?: readonly string[];
  readonly schedule?: string;
}

const opNamed = new Map(ops.map((o) => [o.name, o]));

/** Whether thread i runs kernel steps only (a `kthread`). */
export function isKernelThread(c: Candidate, i: number): boolean {
  return c.threads[i]!.every((s) => opNamed.get(s.op)!.kernel);
}

/** The candidate as a .tlb scenario; stores write 1, 2, 3… in order, so each is told apart. */
export function scenarioText(c: Candidate, name: string, x: Extras = {}): string {
  const out = [`tlb ${name}`];
  if (x.doc !== undefined) out.push(JSON.stringify(x.doc));
  out.push("", "init {");
  const populate = c.populated ? " populate" : "";
  if (c.kind === "anon") {
    const anon = c.pages === 1 ? "anon" : `anon[${c.pages}]`;
    out.push(`  X = mmap ${anon} private rw${populate}`);
  } else {
    out.push(`  file F = [${Array(c.pages).fill(0).join(", ")}]`);
    const src = c.pages === 1 ? "F[0]" : `F[0..${c.pages - 1}]`;
    const sharing = c.kind === "file-shared" ? "shared" : "private";
    out.push(`  X = mmap ${src} ${sharing} rw${populate}`);
  }
  if (c.threads.some((t) => t.some((s) => s.op === "mremap")))
    out.push(`  Y = unmapped${c.pages === 1 ? "" : `[${c.pages}]`}`);
  out.push("}");
  let value = 0;
  c.threads.forEach((steps, i) => {
    const keyword = isKernelThread(c, i) ? "kthread" : "thread";
    out.push("", `${keyword} T${i + 1} on cpu${i + 1} {`);
    for (const s of steps) {
      const page = c.pages === 1 ? "X" : `X[${s.page}]`;
      if (s.op === "store") value++;
      for (const line of opNamed.get(s.op)!.text({ page, value }).split("\n"))
        out.push(`  ${line}`);
    }
    out.push("}");
  });
  if (x.condition !== undefined) out.push("", x.condition);
  if (x.expects?.length) out.push("", ...x.expects);
  if (x.schedule !== undefined) out.push("", `schedule witness {`, `  ${x.schedule}`, "}");
  return out.join("\n") + "\n";
}
