// Draws icon.png (128×128): a TLB as a grid of entries, one of them stale (red), on the dark
// background of a terminal. A PNG written by hand (zlib and a CRC), so it needs no image library.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const size = 128;
const rgba = Buffer.alloc(size * size * 4);
const put = (x, y, [r, g, b]) => {
  const i = (y * size + x) * 4;
  rgba[i] = r;
  rgba[i + 1] = g;
  rgba[i + 2] = b;
  rgba[i + 3] = 255;
};
const background = [30, 34, 42];
const entry = [86, 156, 214];
const stale = [224, 82, 82];
for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) put(x, y, background);
// 4×4 entries of 22 px with 6 px gaps, centred; the stale one is third row, second column.
const cell = 22;
const gap = 6;
const origin = (size - (4 * cell + 3 * gap)) / 2;
for (let row = 0; row < 4; row++)
  for (let col = 0; col < 4; col++) {
    const colour = row === 2 && col === 1 ? stale : entry;
    const x0 = origin + col * (cell + gap);
    const y0 = origin + row * (cell + gap);
    for (let y = y0; y < y0 + cell; y++) for (let x = x0; x < x0 + cell; x++) put(x, y, colour);
  }

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
// Each scan line starts with filter type 0 (none).
const raw = Buffer.concat(
  Array.from({ length: size }, (_, y) =>
    Buffer.concat([Buffer.from([0]), rgba.subarray(y * size * 4, (y + 1) * size * 4)]),
  ),
);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(new URL("../icon.png", import.meta.url), png);
