import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { runCandidate, Trials, type HuntLimits, type Ran } from "./hunt.js";
import type { Candidate } from "./vocabulary.js";

/** A candidate to run, by its index in the corpus. */
export interface Task {
  readonly index: number;
  readonly candidate: Candidate;
}

/** The limits a worker runs with: those of HuntLimits that cross a thread (no signal). */
type WorkerLimits = Omit<HuntLimits, "signal">;

interface WorkerInput {
  readonly kind: "tlbl-hunt";
  readonly limits: WorkerLimits;
}

type FromWorker =
  | { readonly ready: true }
  | { readonly index: number; readonly ran: Ran }
  | { readonly error: { readonly message: string; readonly stack?: string } };

/**
 * Runs tasks over `jobs` worker threads, each taking `next()` when it is free, and hands each
 * candidate's runs to `onDone` in the order they end. Resolves when `next()` has none left and
 * every worker is idle, or at once on `signal` (the candidates under way are dropped: not
 * done). A worker's error, or its exit, rejects with that error; the other workers are stopped.
 * `workerUrl` is this module, as built (tests give the compiled one).
 */
export function inWorkers(
  jobs: number,
  next: () => Task | undefined,
  onDone: (index: number, ran: Ran) => void,
  limits: HuntLimits,
  workerUrl: URL = new URL(import.meta.url),
): Promise<void> {
  const { signal, releases, timeoutMs, maxStates } = limits;
  const input: WorkerInput = { kind: "tlbl-hunt", limits: { releases, timeoutMs, maxStates } };
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let busy = 0;
    let ended = false;
    const end = (error?: Error): void => {
      if (ended) return;
      ended = true;
      signal?.removeEventListener("abort", onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        error ? reject(error) : resolve(),
      );
    };
    const onAbort = (): void => end();
    if (signal?.aborted) return resolve();
    signal?.addEventListener("abort", onAbort);
    const feed = (w: Worker): void => {
      const t = next();
      if (t === undefined) {
        if (busy === 0) end();
        return;
      }
      busy++;
      w.postMessage(t);
    };
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(workerUrl, { workerData: input });
      workers.push(w);
      w.on("message", (m: FromWorker) => {
        if (ended) return;
        if ("error" in m) return end(Object.assign(new Error(m.error.message), m.error));
        try {
          if ("ran" in m) {
            busy--;
            onDone(m.index, m.ran);
          }
          feed(w);
        } catch (e) {
          end(e as Error);
        }
      });
      w.on("error", (e) => end(e));
      w.on("exit", (code) => end(new Error(`a hunt worker stopped (exit code ${code})`)));
    }
  });
}

// In a worker started by inWorkers: run one candidate at a time, as told.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === "tlbl-hunt") {
  const { limits } = workerData as WorkerInput;
  const port = parentPort!;
  // One memory of runs for the worker's life: its candidates share small scenarios.
  const trials = new Trials(limits);
  port.on("message", (t: Task) => {
    runCandidate(t.candidate, trials).then(
      // No signal here: runCandidate always ends with the runs.
      (ran) => port.postMessage({ index: t.index, ran: ran! } satisfies FromWorker),
      (e: Error) =>
        port.postMessage({ error: { message: e.message, stack: e.stack } } satisfies FromWorker),
    );
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}
