/**
 * Writes a value as `JSON.stringify(value, null, 2)` does, byte for byte, a chunk at a time. A
 * run's --json can be hundreds of MB (a shard's final states, every outcome): as one string it
 * needed that much of V8's heap again, and a run that fitted aborted V8 while printing (issue 13).
 */
export function writeJson(
  value: unknown,
  write: (chunk: string) => void,
  chunkChars = 1 << 20,
): void {
  let buf = "";
  const out = (s: string): void => {
    buf += s;
    if (buf.length >= chunkChars) {
      write(buf);
      buf = "";
    }
  };
  const walk = (v: unknown, indent: string): void => {
    if (hasToJson(v)) v = v.toJSON();
    if (v === null || typeof v !== "object") {
      out(JSON.stringify(v) ?? "null");
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return out("[]");
      v.forEach((x: unknown, i) => {
        out(i === 0 ? `[\n${inner}` : `,\n${inner}`);
        if (omitted(x)) out("null");
        else walk(x, inner);
      });
      return out(`\n${indent}]`);
    }
    const entries = Object.entries(v).filter(([, x]) => !omitted(hasToJson(x) ? x.toJSON() : x));
    if (entries.length === 0) return out("{}");
    entries.forEach(([k, x], i) => {
      out(`${i === 0 ? "{\n" : ",\n"}${inner}${JSON.stringify(k)}: `);
      walk(x, inner);
    });
    out(`\n${indent}}`);
  };
  walk(value, "");
  if (buf) write(buf);
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
const omitted = (v: unknown): boolean =>
  v === undefined || typeof v === "function" || typeof v === "symbol";

const hasToJson = (v: unknown): v is { toJSON(): unknown } =>
  v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function";
