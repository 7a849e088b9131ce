import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { loadPrelude } from "../kernel/prelude.js";
import { judgesOf, mutateSite, type MutateLimits, type SiteResult } from "./mutate.js";
import { findSites, type Site } from "./sites.js";

/** What a worker needs: the judges' sources (already accepted by the main thread) and limits. */
interface WorkerInput {
  readonly kind: "tlbl-mutate";
  readonly sources: readonly { readonly file: string; readonly text: string }[];
  readonly limits: MutateLimits;
}

type FromWorker = { readonly ready: true } | { readonly result: SiteResult };
type ToWorker = { readonly site: string } | { readonly done: true };

/**
 * Mutates the sites over `jobs` worker threads, each taking the next site when it is free (a
 * site's runs may take a second or a minute). Results come back in the sites' order.
 */
export async function mutateParallel(
  sites: readonly Site[],
  sources: WorkerInput["sources"],
  limits: MutateLimits,
  jobs: number,
  onResult?: (r: SiteResult) => void,
): Promise<SiteResult[]> {
  const results = new Map<string, SiteResult>();
  let next = 0;
  const input: WorkerInput = { kind: "tlbl-mutate", sources, limits };
  await Promise.all(
    Array.from({ length: Math.min(jobs, sites.length) }, () => {
      const w = new Worker(new URL(import.meta.url), { workerData: input });
      return new Promise<void>((resolve, reject) => {
        w.on("message", (m: FromWorker) => {
          if ("result" in m) {
            results.set(m.result.site.id, m.result);
            onResult?.(m.result);
          }
          const site = sites[next++];
          w.postMessage((site ? { site: site.id } : { done: true }) satisfies ToWorker);
        });
        w.once("error", reject);
        w.once("exit", () => resolve());
      });
    }),
  );
  return sites.map((s) => {
    const r = results.get(s.id);
    if (r === undefined) throw new Error(`mutate: no result for ${s.id}`);
    return r;
  });
}

// In a worker started by mutateParallel: mutate one site at a time until told to stop.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === "tlbl-mutate") {
  const input = workerData as WorkerInput;
  const prelude = loadPrelude();
  const byId = new Map(findSites(prelude).map((s) => [s.id, s]));
  // The main thread checked the baselines already.
  const ready = judgesOf(input.sources, prelude, input.limits, { baseline: false });
  parentPort!.on("message", (m: ToWorker) => {
    if ("done" in m) {
      parentPort!.close();
      return;
    }
    void ready
      .then(({ judges }) => mutateSite(byId.get(m.site)!, judges, input.limits))
      .then((result) => parentPort!.postMessage({ result } satisfies FromWorker));
  });
  parentPort!.postMessage({ ready: true } satisfies FromWorker);
}
