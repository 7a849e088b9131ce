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
  /**
   * The prelude proc the step calls: the step runs only on the releases that proc's body follows
   * (its `follows` range), where the prelude claims to model it (madvise() from 4.5, uffd-wp
   * from 5.7…). Undefined for `load` and `store`, which every release has.
   */
  readonly proc?: string;
  /** The region's pages it needs (KSM merges two pages of the region). */
  readonly pages?: number;
  /**
   * The step's text, one statement a line: `page` is the region's page it touches, `value` a
   * store's value.
   */
  readonly text: (at: { readonly page: string; readonly value: number }) => string;
}

const file: readonly RegionKind[] = ["file-shared", "file-private"];
const any = regionKinds;

export const ops: readonly Op[] = [
  { name: "store", kernel: false, on: any, text: (a) => `store ${a.page} ${a.value}` },
  { name: "load", kernel: false, on: any, text: (a) => `load ${a.page}` },
  { name: "munmap", kernel: false, on: any, proc: "munmap", text: () => "munmap X" },
  { name: "mremap", kernel: false, on: any, proc: "mremap", text: () => "mremap X -> Y" },
  { name: "mprotect_r", kernel: false, on: any, proc: "mprotect", text: () => "mprotect X r" },
  {
    name: "mprotect_none",
    kernel: false,
    on: any,
    proc: "mprotect",
    text: () => "mprotect X none",
  },
  {
    name: "dontneed",
    kernel: false,
    on: any,
    proc: "madvise",
    text: () => "madvise X dontneed",
  },
  { name: "free", kernel: false, on: ["anon"], proc: "madvise", text: () => "madvise X free" },
  {
    name: "clear_refs",
    kernel: false,
    on: any,
    proc: "clear_refs_soft_dirty",
    text: () => "clear_refs_soft_dirty",
  },
  { name: "fadvise", kernel: false, on: file, proc: "fadvise", text: () => "fadvise F dontneed" },
  {
    name: "pread",
    kernel: false,
    on: file,
    proc: "pread",
    text: (a) => `pread ${filePage(a.page)}`,
  },
  {
    name: "pwrite",
    kernel: false,
    on: file,
    proc: "pwrite",
    text: (a) => `pwrite ${filePage(a.page)} ${a.value}`,
  },
  { name: "ftruncate", kernel: false, on: file, proc: "ftruncate", text: () => "ftruncate F 0" },
  { name: "msync", kernel: false, on: ["file-shared"], proc: "msync", text: () => "msync X" },
  // get_user_pages() without FOLL_WRITE: a reference held on the page (O_DIRECT in flight).
  {
    name: "gup",
    kernel: false,
    on: any,
    proc: "get_user_page",
    text: (a) => `get_user_page ${a.page}`,
  },
  // userfaultfd write-protect mode (anonymous memory until 5.19): register the range, then
  // un-protect it. One step, as a program does it: the C's mwriteprotect_range() returns -ENOENT
  // for a range not registered for uffd-wp, a check the prelude leaves out (a deviation that
  // adds behaviours), so an un-protect alone would find races of that deviation only.
  {
    name: "uffd_unprotect",
    kernel: false,
    on: ["anon"],
    proc: "uffd_unprotect",
    text: () => "uffd_register_wp X\nuffd_unprotect X",
  },
  {
    name: "reclaim",
    kernel: true,
    on: file,
    proc: "reclaim",
    text: (a) => `reclaim ${filePage(a.page)}`,
  },
  {
    name: "reclaim_anon",
    kernel: true,
    on: ["anon", "file-private"],
    proc: "reclaim_anon",
    text: (a) => `reclaim_anon ${a.page}`,
  },
  { name: "migrate", kernel: true, on: any, proc: "migrate", text: (a) => `migrate ${a.page}` },
  // A device driver's migrate_vma_*() on anonymous memory (HMM).
  {
    name: "migrate_vma",
    kernel: true,
    on: ["anon"],
    proc: "migrate_vma",
    text: (a) => `migrate_vma ${a.page}`,
  },
  { name: "numa_scan", kernel: true, on: any, proc: "numa_scan", text: () => "numa_scan X" },
  { name: "writeback", kernel: true, on: file, proc: "writeback", text: () => "writeback F" },
  // ksmd merging the region's two pages (both anonymous and equal).
  {
    name: "ksm",
    kernel: true,
    on: ["anon"],
    proc: "ksm_merge",
    pages: 2,
    text: () => "ksm_merge X[0] X[1]",
  },
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
const generator = 3;

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

/** The ops that apply to a region of a kind, within the vocabulary's pages. */
function usableOn(v: Vocabulary, kind: RegionKind): Op[] {
  return v.ops.filter((o) => o.on.includes(kind) && (o.pages ?? 1) <= v.pages[1]);
}

const isAccess = (o: Op): boolean => o.name === "store" || o.name === "load";

/** A shape of the small tiers: a kind, the first thread's middle step, and each other thread's one step. */
interface SmallShape {
  readonly kind: RegionKind;
  readonly mid: Op | undefined;
  readonly others: readonly Op[];
}

/** The lists' items taken in turn, one of each list a round, until every list is spent. */
function roundRobin<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++)
    for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

/**
 * The small tiers, in order; kinds go round-robin within each. The first thread stores, then
 * accesses again (with a step between them in tier 2). Tier 1: two threads, the second taking
 * one step other than an access: each such step on each kind. Tier 2: two threads, a step
 * between the first thread's accesses and one in the second thread: every such pair (each step
 * of the first thread meets every step in turn, so each is met early). Tier 3: three threads,
 * the second and third one step each: every pair of steps on each kind, a step with itself first
 * (two munmaps), then with the next one, and so on. Tier 4: tier 3's shapes with each step
 * between the first thread's accesses.
 */
function smallTiers(v: Vocabulary): SmallShape[] {
  const inRange = (n: number): boolean => v.threads[0] <= n && n <= v.threads[1];
  const out: SmallShape[] = [];
  // The first thread's store is what the tiers put beside each step.
  if (!v.ops.some((o) => o.name === "store") || v.steps[1] < 2) return out;
  /** A kind's steps, accesses last. */
  const stepsOn = (kind: RegionKind): Op[] => {
    const usable = usableOn(v, kind);
    return [...usable.filter((o) => !isAccess(o)), ...usable.filter(isAccess)];
  };
  const tier = (each: (kind: RegionKind, steps: Op[]) => SmallShape[]): SmallShape[] =>
    roundRobin(v.kinds.map((kind) => each(kind, stepsOn(kind))));
  if (inRange(2))
    out.push(
      ...tier((kind, steps) =>
        steps.filter((o) => !isAccess(o)).map((o) => ({ kind, mid: undefined, others: [o] })),
      ),
    );
  if (inRange(2) && v.steps[1] >= 3)
    out.push(
      ...tier((kind, steps) => {
        const mids = steps.filter((o) => !o.kernel && !isAccess(o));
        const pairs: SmallShape[] = [];
        for (let j = 0; j < steps.length; j++)
          for (let a = 0; a < mids.length; a++)
            pairs.push({ kind, mid: mids[a], others: [steps[(a + j) % steps.length]!] });
        return pairs;
      }),
    );
  /**
   * Every pair of a kind's steps: each with itself first, then with the next one, and so on;
   * the pairs with an access (another CPU's store or load, and the fault it may take: the
   * cheapest partner) alternate with the rest, so that neither waits for the other.
   */
  const pairsOf = (steps: readonly Op[]): [Op, Op][] => {
    const n = steps.length;
    const pairs: [Op, Op][] = [];
    for (let d = 0; d <= Math.floor(n / 2); d++)
      for (let a = 0; a < n; a++) {
        if (2 * d === n && a >= d) continue; // (a, a + n/2) is (b, b + n/2) for b = a - n/2
        pairs.push([steps[a]!, steps[(a + d) % n]!]);
      }
    const withAccess = (p: [Op, Op]): boolean => isAccess(p[0]) || isAccess(p[1]);
    return roundRobin([pairs.filter(withAccess), pairs.filter((p) => !withAccess(p))]);
  };
  if (inRange(3))
    out.push(
      ...tier((kind, steps) => pairsOf(steps).map((others) => ({ kind, mid: undefined, others }))),
    );
  if (inRange(3) && v.steps[1] >= 3)
    out.push(
      ...tier((kind, steps) => {
        const mids = steps.filter((o) => !o.kernel && !isAccess(o));
        return pairsOf(steps).flatMap((others) => mids.map((mid) => ({ kind, mid, others })));
      }),
    );
  return out;
}

/**
 * Candidate `index` of the corpus. The first thread is a user thread that stores, may take a
 * step, then stores or loads again: the accesses the monitors judge. The first candidates are
 * the small tiers (smallTiers()): each step of the vocabulary, then each pair of steps, beside
 * the first thread, so that a budget reaches every step early and small scenarios, cheap to
 * search, come first. After them, random shapes over the whole vocabulary: each other thread a
 * user or a kernel thread of 1 to 3 steps.
 */
export function candidate(index: number, v: Vocabulary): Candidate {
  const r = rng(index * 2654435761 + 1);
  const between = ([lo, hi]: readonly [number, number]): number => lo + r(hi - lo + 1);
  const small = smallTiers(v);
  const shape = small[index];
  const kind = shape?.kind ?? v.kinds[r(v.kinds.length)]!;
  const usable = usableOn(v, kind);
  const user = usable.filter((o) => !o.kernel);
  const kernel = usable.filter((o) => o.kernel);
  const accesses = user.filter(isAccess);
  const pages0 = between(v.pages);
  const pick = (from: readonly Op[], pages: number): Step => ({
    op: from[r(from.length)]!.name,
    page: r(pages),
  });
  /** The first thread: a store, maybe a step, then an access again. */
  const first = (pages: number, steps: number): Step[] => {
    const out: Step[] = [{ op: "store", page: r(pages) }];
    for (let s = 2; s < steps; s++) out.push(pick(user, pages));
    out.push(pick(accesses, pages));
    return out;
  };
  if (shape !== undefined) {
    const mid = shape.mid === undefined ? [] : [shape.mid];
    const pages = Math.max(pages0, ...[...mid, ...shape.others].map((o) => o.pages ?? 1));
    // Two stores to one page: the first fills a writable, dirty entry, which the second uses
    // wherever a load would, and every monitor judges a store (lost_write judges no load).
    const page = r(pages);
    const t1 = [{ op: "store", page }, ...mid.map((o) => pick([o], pages)), { op: "store", page }];
    const threads = [t1, ...shape.others.map((o) => [pick([o], pages)])];
    return { index, kind, populated: r(2) === 1, pages, threads };
  }
  const pages = pages0;
  // Steps that need more pages than the region has (KSM's two) are left out.
  const fits = (from: readonly Op[]): Op[] => from.filter((o) => (o.pages ?? 1) <= pages);
  const nThreads = between(v.threads);
  const threads: Step[][] = [];
  for (let t = 0; t < nThreads; t++) {
    if (t === 0 && accesses.some((o) => o.name === "store")) {
      threads.push(first(pages, Math.max(2, between(v.steps))));
      continue;
    }
    const kernelFits = fits(kernel);
    const pool = t === 0 || kernelFits.length === 0 ? user : r(3) === 0 ? kernelFits : fits(user);
    const steps: Step[] = [];
    for (let s = between(v.steps); s > 0; s--) steps.push(pick(pool, pages));
    threads.push(steps);
  }
  return { index, kind, populated: r(2) === 1, pages, threads };
}
