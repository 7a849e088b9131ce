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

export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  let status: number | undefined;
  const handlers = (Object.keys(statusOf) as (keyof typeof statusOf)[]).map((name) => {
    const handler = (): void => {
      if (status !== undefined) process.exit(status);
      status = statusOf[name];
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
