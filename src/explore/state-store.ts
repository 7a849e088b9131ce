/**
 * The visited set: packed states stored back to back in one growing Uint32Array, found through an
 * open-addressing hash table of their indices. No strings, no objects per state. Each state also
 * records its parent and the thread that led to it, so any state's path can be rebuilt.
 */
export class StateStore {
  private arena: Uint32Array;
  private table: Int32Array;
  private parents: Int32Array;
  private via: Uint8Array;
  private depths: Uint16Array;
  count = 0;

  constructor(readonly words: number) {
    this.arena = new Uint32Array(words * 1024);
    this.table = new Int32Array(2048);
    this.parents = new Int32Array(1024);
    this.via = new Uint8Array(1024);
    this.depths = new Uint16Array(1024);
  }

  /** Bytes held, for --max-memory and the benchmark. */
  get bytes(): number {
    return (
      this.arena.byteLength +
      this.table.byteLength +
      this.parents.byteLength +
      this.via.byteLength +
      this.depths.byteLength
    );
  }

  /**
   * Inserts a state unless present. Returns its index, negated minus one if it was already there.
   * `move` is what led here: the thread, plus 128 for its alternative transition.
   */
  insert(s: Uint32Array, parent: number, move: number): number {
    const W = this.words;
    const mask = this.table.length - 1;
    let h = hash(s, W) & mask;
    for (;;) {
      const e = this.table[h]!;
      if (e === 0) break;
      if (this.equals(e - 1, s)) return -e;
      h = (h + 1) & mask;
    }
    const i = this.count;
    if ((i + 1) * W > this.arena.length) this.growArena();
    this.arena.set(s.subarray(0, W), i * W);
    this.parents[i] = parent;
    this.via[i] = move;
    this.depths[i] = parent < 0 ? 0 : Math.min(65535, this.depths[parent]! + 1);
    this.table[h] = i + 1;
    this.count++;
    if (this.count * 2 > this.table.length) this.growTable();
    return i;
  }

  /** Copies state i into out. */
  load(i: number, out: Uint32Array): void {
    const W = this.words;
    out.set(this.arena.subarray(i * W, i * W + W));
  }

  depth(i: number): number {
    return this.depths[i]!;
  }

  /** The moves (thread + 128 × alternative) that led from the initial state to state i. */
  path(i: number): number[] {
    const out: number[] = [];
    for (let k = i; k > 0; k = this.parents[k]!) out.push(this.via[k]!);
    return out.reverse();
  }

  private equals(i: number, s: Uint32Array): boolean {
    const W = this.words;
    const a = this.arena;
    const base = i * W;
    for (let w = 0; w < W; w++) if (a[base + w] !== s[w]) return false;
    return true;
  }

  private growArena(): void {
    const n = this.arena.length * 2;
    const arena = new Uint32Array(n);
    arena.set(this.arena);
    this.arena = arena;
    const states = n / this.words;
    const parents = new Int32Array(states);
    parents.set(this.parents);
    this.parents = parents;
    const via = new Uint8Array(states);
    via.set(this.via);
    this.via = via;
    const depths = new Uint16Array(states);
    depths.set(this.depths);
    this.depths = depths;
  }

  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    const W = this.words;
    for (let i = 0; i < this.count; i++) {
      let h = hash(this.arena.subarray(i * W, i * W + W), W) & mask;
      while (table[h] !== 0) h = (h + 1) & mask;
      table[h] = i + 1;
    }
    this.table = table;
  }
}

/** A 32-bit mix of the state's words (murmur3's finalizer per word). */
export function hash(s: Uint32Array, words: number): number {
  let h = 0x9e3779b9 ^ words;
  for (let w = 0; w < words; w++) {
    let k = s[w]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
