/**
 * What `tlbl hunt` writes scenarios from: one region of a kind (anonymous private, file shared,
 * file private; populated or not; 1 or 2 pages), and threads of steps on it, user or kernel.
 * A candidate is a function of its index alone, so a corpus splits into shards by index and a
 * resumed run finds the same candidates again.
 */

export type RegionKind = "anon" | "file-shared" | "file-private";
export const regionKinds: readonly RegionKind[] = ["anon", "file-shared", "file-private"];

/** One step a generated thread may take, and the regions it makes sense on. */
export interface Op {
  readonly name: string;
  /** Runs in a kernel thread (`kthread`): reclaim, migration, writeback… */
  readonly kernel: boolean;
  readonly on: readonly RegionKind[];
  /** The step's text: `page` is the region's page it touches, `value` a store's value. */
  readonly text: (at: { readonly page: string; readonly value: number }) => string;
}

const file: readonly RegionKind[] = ["file-shared", "file-private"];
const any = regionKinds;

export const ops: readonly Op[] = [
  { name: "store", kernel: false, on: any, text: (a) => `store ${a.page} ${a.value}` },
  { name: "load", kernel: false, on: any, text: (a) => `load ${a.page}` },
  { name: "munmap", kernel: false, on: any, text: () => "munmap X" },
  { name: "mremap", kernel: false, on: any, text: () => "mremap X -> Y" },
  { name: "mprotect_r", kernel: false, on: any, text: () => "mprotect X r" },
  { name: "mprotect_none", kernel: false, on: any, text: () => "mprotect X none" },
  { name: "dontneed", kernel: false, on: any, text: () => "madvise X dontneed" },
  { name: "free", kernel: false, on: ["anon"], text: () => "madvise X free" },
  { name: "clear_refs", kernel: false, on: any, text: () => "clear_refs_soft_dirty" },
  { name: "fadvise", kernel: false, on: file, text: () => "fadvise F dontneed" },
  { name: "pread", kernel: false, on: file, text: (a) => `pread ${filePage(a.page)}` },
  {
    name: "pwrite",
    kernel: false,
    on: file,
    text: (a) => `pwrite ${filePage(a.page)} ${a.value}`,
  },
  { name: "ftruncate", kernel: false, on: file, text: () => "ftruncate F 0" },
  { name: "msync", kernel: false, on: ["file-shared"], text: () => "msync X" },
  { name: "reclaim", kernel: true, on: file, text: (a) => `reclaim ${filePage(a.page)}` },
  {
    name: "reclaim_anon",
    kernel: true,
    on: ["anon", "file-private"],
    text: (a) => `reclaim_anon ${a.page}`,
  },
  { name: "migrate", kernel: true, on: any, text: (a) => `migrate ${a.page}` },
  { name: "numa_scan", kernel: true, on: any, text: () => "numa_scan X" },
  { name: "writeback", kernel: true, on: file, text: () => "writeback F" },
];

/** `X[1]` → `F[1]`: the file page a region page maps (the region maps F from page 0). */
function filePage(page: string): string {
  const m = /\[(\d+)\]$/.exec(page);
  return `F[${m ? m[1] : 0}]`;
}

/** The shape of the corpus: which kinds and steps, how many threads, steps and pages. */
export interface Vocabulary {
  readonly kinds: readonly RegionKind[];
  readonly ops: readonly Op[];
  readonly threads: readonly [number, number];
  readonly steps: readonly [number, number];
  readonly pages: readonly [number, number];
}

export const defaultVocabulary: Vocabulary = {
  kinds: regionKinds,
  ops,
  threads: [2, 4],
  steps: [1, 3],
  pages: [1, 2],
};

/**
 * The candidate generator's version: bump it when candidate() or an op's text changes, since the
 * same options then make another corpus.
 */
const generator = 1;

/**
 * The corpus a vocabulary generates, as a results file records it: shards of two corpora are
 * told apart by it, and a results file of another corpus is not resumed.
 */
export function corpusOf(v: Vocabulary): string {
  const range = ([lo, hi]: readonly [number, number]): string => `${lo}..${hi}`;
  return [
    `v${generator}`,
    `kinds=${v.kinds.join(",")}`,
    `ops=${v.ops.map((o) => o.name).join(",")}`,
    `threads=${range(v.threads)}`,
    `steps=${range(v.steps)}`,
    `pages=${range(v.pages)}`,
  ].join(" ");
}

export interface Step {
  readonly op: string;
  /** The region's page it touches (0-based). */
  readonly page: number;
}

export interface Candidate {
  /** Its index in the corpus; undefined once minimised. */
  readonly index: number | undefined;
  readonly kind: RegionKind;
  readonly populated: boolean;
  readonly pages: number;
  readonly threads: readonly (readonly Step[])[];
}

/** A small seeded generator (mulberry32). */
function rng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/**
 * Candidate `index` of the corpus. The first thread is a user thread that stores, may take a
 * step, then stores or loads again (the accesses the monitors judge); each other thread is a
 * user or a kernel thread, its steps from the ops that apply to the region.
 */
export function candidate(index: number, v: Vocabulary): Candidate {
  const r = rng(index * 2654435761 + 1);
  const between = ([lo, hi]: readonly [number, number]): number => lo + r(hi - lo + 1);
  const kind = v.kinds[r(v.kinds.length)]!;
  const pages = between(v.pages);
  const usable = v.ops.filter((o) => o.on.includes(kind));
  const user = usable.filter((o) => !o.kernel);
  const kernel = usable.filter((o) => o.kernel);
  const nThreads = between(v.threads);
  const threads: Step[][] = [];
  for (let t = 0; t < nThreads; t++) {
    const pool = t === 0 || kernel.length === 0 ? user : r(3) === 0 ? kernel : user;
    const steps: Step[] = [];
    const pick = (from: readonly Op[]): Step => ({
      op: from[r(from.length)]!.name,
      page: r(pages),
    });
    const accesses = user.filter((o) => o.name === "store" || o.name === "load");
    if (t === 0 && accesses.some((o) => o.name === "store")) {
      // The first thread stores (caching a TLB entry), may do something, then accesses again:
      // the accesses the monitors judge.
      const n = Math.max(2, between(v.steps));
      steps.push({ op: "store", page: r(pages) });
      for (let s = 2; s < n; s++) steps.push(pick(user));
      steps.push(pick(accesses));
    } else for (let s = between(v.steps); s > 0; s--) steps.push(pick(pool));
    threads.push(steps);
  }
  return { index, kind, populated: r(2) === 1, pages, threads };
}
