/** A half-open range of UTF-16 offsets into one source text: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where a span starts, as 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Maps offsets to lines; built once per source text. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    // A line ends at LF, CRLF or a lone CR, as the lexer's Newline token does.
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}
