import type { RunResult } from "../judge/run.js";
import { logTestName } from "./herd-log.js";
import { laneTitle, matters, whereOf, witnessRows } from "./rows.js";
import { shownExecutions, type Show } from "./show.js";
import { traceOf } from "./trace.js";

/**
 * A picture of the drawn executions (`tlbl run --svg FILE`), one self-contained SVG file: no
 * script, no external font or style. Each execution has one lane per thread, left to right in
 * the scenario's order, each headed by a bar of the lane's colour; its rows go down in the
 * order they ran, each a box in its thread's lane holding the statement, the steps that matter
 * and their state changes — what the text drawing shows (report/columns.ts).
 */

/** The geometry, in CSS pixels; exported for the test that reads a rendering back. */
export const svgLayout = {
  margin: 16,
  numberWidth: 36,
  laneWidth: 360,
  laneGap: 12,
  titleHeight: 28,
  headerHeight: 26,
  lineHeight: 16,
  rowGap: 6,
  /** Monospace at 12 px: about 7.2 px a character; lines are wrapped to fit a lane. */
  charWidth: 7.2,
  fontSize: 12,
} as const;

/** Lane colours (header bar and row border), and their pale tints behind each lane. */
export const laneColours = ["#1f6feb", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#0a7ea4"];
const tint = (hex: string): string => {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `#${c
    .map((v) =>
      Math.round(v + (255 - v) * 0.9)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
};

/** The x of lane `i`'s left edge. */
export function laneX(i: number): number {
  const L = svgLayout;
  return L.margin + L.numberWidth + i * (L.laneWidth + L.laneGap);
}

interface Line {
  readonly text: string;
  readonly kind: "statement" | "step" | "change";
}

export function witnessSvg(results: readonly RunResult[], show: Show, full: boolean): string {
  const L = svgLayout;
  const body: string[] = [];
  let y = L.margin;
  let lanes = 1;
  const chars = Math.floor((L.laneWidth - 16) / L.charWidth);
  for (const r of results) {
    const threads = r.machine.program.threads;
    for (const x of shownExecutions(r, show).shown) {
      lanes = Math.max(lanes, threads.length);
      const name = logTestName(r.scenario.name, r.kernel, r.fixOverrides);
      const verdict = r.verdict === undefined ? "undecided" : r.verdict;
      body.push(
        `<text x="${L.margin}" y="${y + 18}" font-weight="bold" font-size="14">${esc(`${name}: ${x.title} (${verdict})`)}</text>`,
      );
      y += L.titleHeight;
      const rows = witnessRows(
        r.machine,
        traceOf(r.machine, x.path, full),
        (e) => full || matters(e),
      );
      const boxes = rows.map((row) => {
        const unwrapped: Line[] = [
          { text: row.continued ? `… ${row.statement}` : row.statement, kind: "statement" },
          ...row.entries.flatMap((e): Line[] => [
            { text: `${whereOf(e)}${e.primitive}`, kind: "step" },
            ...e.changes.map((c): Line => ({ text: `  ${c.text}`, kind: "change" })),
          ]),
        ];
        const lines = unwrapped.flatMap((l) => wrap(l.text, chars).map((text) => ({ ...l, text })));
        return { row, lines, height: lines.length * L.lineHeight + 8 };
      });
      const total = boxes.reduce((h, b) => h + b.height + L.rowGap, 0);
      const top = y;
      threads.forEach((t, i) => {
        const colour = laneColours[i % laneColours.length]!;
        body.push(
          `<rect class="lane" x="${laneX(i)}" y="${top}" width="${L.laneWidth}" height="${L.headerHeight + total + L.rowGap}" fill="${tint(colour)}"/>`,
          `<rect class="lane-header" x="${laneX(i)}" y="${top}" width="${L.laneWidth}" height="${L.headerHeight}" fill="${colour}"/>`,
          `<text x="${laneX(i) + 8}" y="${top + 17}" fill="#ffffff" font-weight="bold">${esc(laneTitle(t))}</text>`,
        );
      });
      y += L.headerHeight + L.rowGap;
      boxes.forEach((b, k) => {
        const x0 = laneX(b.row.thread);
        const colour = laneColours[b.row.thread % laneColours.length]!;
        body.push(
          `<text x="${L.margin}" y="${y + 4 + L.fontSize}" fill="#57606a">${k + 1}.</text>`,
          `<rect class="step" x="${x0 + 4}" y="${y}" width="${L.laneWidth - 8}" height="${b.height}" rx="3" fill="#ffffff" stroke="${colour}"/>`,
        );
        b.lines.forEach((l, j) => {
          const style =
            l.kind === "statement"
              ? ` font-weight="bold"`
              : l.kind === "change"
                ? ` fill="${colour}"`
                : ` fill="#24292f"`;
          body.push(
            `<text x="${x0 + 10}" y="${y + 4 + L.fontSize + j * L.lineHeight}"${style} xml:space="preserve">${esc(l.text)}</text>`,
          );
        });
        y += b.height + L.rowGap;
      });
      body.push(
        `<text x="${L.margin}" y="${y + 14}" fill="#57606a">${esc(`Schedule: ${x.schedule}`)}</text>`,
      );
      y += L.titleHeight + L.margin;
    }
  }
  if (body.length === 0)
    body.push(`<text x="${L.margin}" y="${y + 18}">${esc("No execution to draw.")}</text>`);
  const width = laneX(lanes) - L.laneGap + L.margin;
  const height = Math.max(y, L.margin + L.titleHeight) + L.margin;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${L.fontSize}">`,
    `<title>${esc(results.map((r) => logTestName(r.scenario.name, r.kernel, r.fixOverrides)).join(", "))}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}

function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= 4) cut = width;
    out.push(rest.slice(0, cut));
    rest = `    ${rest.slice(cut).trimStart()}`;
  }
  out.push(rest);
  return out;
}

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
