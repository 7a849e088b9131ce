import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { laneColours, laneX, svgLayout } from "../../src/report/svg.js";
import { root } from "../helpers.js";
import { decodePng, near, pixel, rgb, type Image } from "./png.js";

/** Chromium as the Debian package installs it; .ci/run installs it when it is missing. */
const chromium = "/usr/bin/chromium";

/** Renders a file in headless Chromium at the given size; returns the screenshot. */
function screenshot(file: string, width: number, height: number): Image {
  const dir = mkdtempSync(join(tmpdir(), "tlbl-chromium-"));
  try {
    const png = join(dir, "shot.png");
    const r = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        `--user-data-dir=${join(dir, "profile")}`,
        `--screenshot=${png}`,
        `--window-size=${width},${height}`,
        pathToFileURL(file).href,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(r.error, r.stderr).toBeUndefined();
    return decodePng(readFileSync(png));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs of rows, down column x from y0, whose pixel is white (the inside of a step's box). */
function whiteRuns(img: Image, x: number, y0: number): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  for (let y = y0; y < img.height; y++) {
    const white = near(pixel(img, x, y), [255, 255, 255], 2);
    const last = runs[runs.length - 1];
    if (white && last !== undefined && last.end === y) last.end = y + 1;
    else if (white) runs.push({ start: y, end: y + 1 });
  }
  return runs.filter((r) => r.end - r.start >= svgLayout.lineHeight);
}

describe("tlbl run --svg, rendered by headless Chromium", () => {
  it("draws one lane per CPU, headed by its colour, with the steps in order", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-svg-"));
    const svg = join(dir, "witness.svg");
    const run = spawnSync(
      process.execPath,
      [
        join(root, "bin/tlbl.js"),
        "run",
        "--quiet",
        "--kernel",
        "4.8",
        "--svg",
        svg,
        "scenarios/mremap-vs-page-mkclean.tlb",
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const text = readFileSync(svg, "utf8");
    const size = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(text)!;
    const [width, height] = [Number(size[1]), Number(size[2])];
    const img = screenshot(svg, width, height);
    expect([img.width, img.height]).toEqual([width, height]);

    // Not empty: a good share of the picture is ink or colour, not white.
    let coloured = 0;
    for (let y = 0; y < img.height; y += 2)
      for (let x = 0; x < img.width; x += 2)
        if (!near(pixel(img, x, y), [255, 255, 255], 10)) coloured++;
    expect(coloured / ((img.width * img.height) / 4)).toBeGreaterThan(0.2);

    // The lanes: CPU1 (T1) then CPU2 (T2), each header bar in its colour, side by side.
    const headerY = svgLayout.margin + svgLayout.titleHeight + 4;
    const lanes = [0, 1].map((i) => laneX(i) + 2);
    lanes.forEach((x, i) =>
      expect(pixel(img, x, headerY)).toSatisfy((p: number[]) => near(p, rgb(laneColours[i]!))),
    );
    // Between the lanes and right of the last one: background, not a lane.
    expect(near(pixel(img, laneX(1) - svgLayout.laneGap / 2, headerY), [255, 255, 255])).toBe(true);
    expect(near(pixel(img, img.width - 4, headerY), [255, 255, 255])).toBe(true);
    expect(width).toBe(laneX(1) + svgLayout.laneWidth + svgLayout.margin);

    // Steps in order: T1's first box (row 1) is above T2's (row 3); each lane holds boxes.
    const below = headerY + svgLayout.headerHeight;
    const boxes = lanes.map((x) => whiteRuns(img, x + svgLayout.laneWidth / 2, below));
    expect(boxes[0]!.length).toBeGreaterThanOrEqual(3);
    expect(boxes[1]!.length).toBeGreaterThanOrEqual(2);
    expect(boxes[0]![0]!.start).toBeLessThan(boxes[1]![0]!.start);
    // The boxes hold text: dark pixels inside T2's first box.
    const box = boxes[1]![0]!;
    let ink = 0;
    for (let y = box.start; y < box.end; y++)
      for (let x = laneX(1) + 8; x < laneX(1) + svgLayout.laneWidth - 8; x++)
        if (pixel(img, x, y).every((v) => v < 140)) ink++;
    expect(ink).toBeGreaterThan(50);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
