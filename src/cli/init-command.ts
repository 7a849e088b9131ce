import { existsSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { exitCode } from "./io.js";

/**
 * `tlbl init NAME`: writes NAME.tlb, a commented scenario to start from. It checks and runs as
 * written (a test keeps it so): the munmap-after-reclaim race of 3ea277194daa (v4.13).
 */
export function initCommand(name: string): number {
  const file = name.endsWith(".tlb") ? name : `${name}.tlb`;
  if (existsSync(file)) {
    process.stderr.write(`tlbl init: ${file} exists; choose another name\n`);
    return exitCode.badInput;
  }
  const id = basename(file, ".tlb")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .replace(/^(?=\d)/, "_");
  try {
    writeFileSync(file, template(id || "scenario"), { flag: "wx" });
  } catch (e) {
    process.stderr.write(`tlbl init: cannot write ${file}: ${(e as Error).message}\n`);
    return exitCode.badInput;
  }
  process.stdout.write(`${file}: written; try \`tlbl run ${file}\`\n`);
  return exitCode.ok;
}

function template(id: string): string {
  return `// A tlbl scenario (docs/language.md). Check it with \`tlbl check\`, run it with \`tlbl run\`;
// \`tlbl run --schedule from_commit_message\` replays the race as a commit message draws it.
tlb ${id}
"What the race is, the C functions it runs through, and the commit that fixed it. This
 template is the munmap variant of the reclaim race fixed by 3ea277194daa (v4.13)."

// The memory at the start: a file and the mappings of it. \`tlbl list kernels\` and
// \`tlbl list fixes\` show the releases and fixes the model knows.
init {
  file F = [0]
  X = mmap F[0] shared rw
}

// Each thread runs on its own CPU, one step (a load, a store, a syscall) at a time. A register
// (\`w\` here) keeps what a step returned, for the condition.
thread T1 on cpu1 {
  store X 1 // caches X's translation in cpu1's TLB
  munmap X
  w = store X 2 // after munmap() returned: must fault
}

// Kernel threads run kernel paths directly: reclaim of the file's page, as kswapd does.
kthread kswapd on cpu0 {
  reclaim F[0]
}

// The condition over the final states, as herd7 writes one: can the store after munmap() land?
exists (T1:w == ok)

// What each release must answer: \`tlbl run\` checks these, and exits 1 if one does not hold.
expect kernel 4.12 : sometimes // before 3ea277194daa
expect kernel 4.13 : never

// A named interleaving, replayed with \`tlbl run --schedule from_commit_message\`.
schedule from_commit_message {
  T1 1; kswapd until batched; T1 end; kswapd end
}
`;
}
