import { Worker } from "node:worker_threads";

/**
 * The small limits of the model stage, as `tlbl run --max-states … --timeout …`. No
 * --max-memory: it counts the process's RSS, and a worker thread shares the process with the
 * harness (past 200 MB after some thousands of inputs, every run stopped before building). The
 * worker's own heap bounds memory instead: the search watches V8's heap limit and stops there.
 */
export interface ModelLimits {
  readonly maxStates: number;
  readonly timeoutMs: number;
  /** A run that has not answered after this long is a hang: its worker is ended. */
  readonly wallMs: number;
  /** The worker's heap; exhausting it (not stopping at it) is a failure ("memory"). */
  readonly heapMb: number;
}

export const smallLimits: ModelLimits = {
  maxStates: 2000,
  timeoutMs: 2000,
  wallMs: 15_000,
  heapMb: 1024,
};

export interface ModelRequest {
  readonly id: number;
  readonly text: string;
  readonly maxStates: number;
  readonly timeoutMs: number;
}

/**
 * What the model stage made of one input: ran (to an answer or a limit), stopped cleanly at a
 * model-size limit (exit 5), or failed: an exception ("crash"), no answer within the wall bound
 * ("hang"), or the heap exhausted rather than stopped at ("memory").
 */
export type ModelReply =
  | { readonly id: number; readonly kind: "unchecked" }
  | {
      readonly id: number;
      readonly kind: "ran" | "model-limit";
      readonly configurations: number;
      readonly states: number;
      readonly detail: string;
    }
  | { readonly id: number; readonly kind: "crash" | "hang" | "memory"; readonly detail: string };

/**
 * One worker thread that runs the model on inputs one at a time; a hang or an exhausted heap
 * ends it and the next input starts a new one. `close()` when done.
 */
export class ModelRunner {
  private worker: Promise<Worker> | undefined;
  private next = 0;
  constructor(private readonly limits: ModelLimits = smallLimits) {}

  async run(text: string): Promise<ModelReply> {
    const id = this.next++;
    const worker = await this.ready();
    const { maxStates, timeoutMs, wallMs } = this.limits;
    return new Promise<ModelReply>((resolve) => {
      const done = (reply: ModelReply, end: boolean): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (end) this.end(worker);
        resolve(reply);
      };
      const onMessage = (r: ModelReply): void => {
        if (r.id === id) done(r, false);
      };
      const onError = (e: Error): void => done(this.died(id, e), true);
      const onExit = (code: number): void =>
        done({ id, kind: "crash", detail: `the worker exited with ${code}` }, true);
      const timer = setTimeout(
        () => done({ id, kind: "hang", detail: `no answer after ${wallMs} ms` }, true),
        wallMs,
      );
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, text, maxStates, timeoutMs } satisfies ModelRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) await (await w).terminate();
  }

  /** The worker, started and loaded: its start-up (a minute on a loaded machine) is no hang. */
  private ready(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      // The worker reads the TypeScript sources as the tests do: tsx's loader first (Node 20
      // loads a worker's entry before an --import in its execArgv has registered).
      const entry = new URL("./model-worker.ts", import.meta.url).href;
      const w = new Worker(
        `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`,
        { eval: true, resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb } },
      );
      w.once("message", () => resolve(w));
      w.once("error", reject);
    });
    return this.worker;
  }

  private died(id: number, e: Error & { code?: string }): ModelReply {
    return e.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? { id, kind: "memory", detail: `the worker's ${this.limits.heapMb} MB heap ran out` }
      : { id, kind: "crash", detail: `${e.message}\n${e.stack ?? ""}` };
  }

  private end(w: Worker): void {
    this.worker = undefined;
    void w.terminate();
  }
}
