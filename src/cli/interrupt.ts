/**
 * Ctrl-C (SIGINT) and SIGTERM during a run: the first ends the search as a limit would, so the
 * answer so far is printed (marked partial) and the run exits 128 + the signal's number; a
 * second one exits at once.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** 130 or 143 once a signal came, else undefined. */
  status(): number | undefined;
  dispose(): void;
}

const statusOf = { SIGINT: 130, SIGTERM: 143 } as const;

/** Signals this close after the first are the same one, passed on by bin/tlbl. */
const sameSignalMs = 300;

export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  let status: number | undefined;
  let first = 0;
  const handlers = (Object.keys(statusOf) as (keyof typeof statusOf)[]).map((name) => {
    const handler = (): void => {
      // Ctrl-C reaches both bin/tlbl's shell, which passes it on, and node: one press, two
      // signals close together.
      if (status !== undefined && performance.now() - first > sameSignalMs) process.exit(status);
      if (status !== undefined) return;
      status = statusOf[name];
      first = performance.now();
      controller.abort();
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  return {
    signal: controller.signal,
    status: () => status,
    dispose: () => handlers.forEach((off) => off()),
  };
}
