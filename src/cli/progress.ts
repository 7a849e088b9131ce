import type { Progress } from "../explore/search.js";

/** Where the progress line is drawn: a terminal's stderr, or a test's stand-in. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly columns?: number;
}

/**
 * The progress line of a long search on a terminal: which file and kernel, states, rate, depth,
 * memory. Each update returns to the line's start and erases it (`\r`, then `ESC [K`), so a
 * shorter line leaves nothing of a longer one, and it is cut to the terminal's width, so it never
 * wraps (a wrapped line cannot be redrawn in place).
 */
export function progressLine(stream: ProgressStream): {
  update: (p: Progress, where: string) => void;
  clear: () => void;
} {
  let shown = false;
  return {
    update: (p, where) => {
      shown = true;
      const mb = (p.bytes / 1048576).toFixed(0);
      const depth = p.depth === undefined ? "" : `, depth ${p.depth}`;
      const text = `${where}: ${p.states.toLocaleString("en")} states, ${Math.round(p.statesPerSecond).toLocaleString("en")}/s${depth}, ${mb} MB`;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    },
    clear: () => {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
