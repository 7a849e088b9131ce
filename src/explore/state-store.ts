import { storedMove, type Move } from "./model.js";

/**
 * The visited set: packed states stored back to back in fixed-size chunks (growing never copies
 * them), found through an open-addressing hash table of their indices. No strings, no objects per
 * state. Each state also records its parent and the move that led to it, so any state's path can
 * be rebuilt. Per state: its words, 4 bytes of parent, 1 byte of move, and 4/load bytes of table.
 */
export const chunkBits = 16;
const chunkStates = 1 << chunkBits;
export const chunkMask = chunkStates - 1;
/**
 * The table doubles when it is this full. Each growth rehashes every state, so growing by half
 * rehashed each state 3 times over a search instead of 2: 13–17% of the time on the 1.5–5 M
 * state benchmark members, for no smaller peak there (old and new tables coexist while growing).
 */
const maxLoad = 0.75;
const growth = 2;

/** A hash onto 0…size-1 without a power-of-two size (Lemire's multiply-shift range reduction). */
const slotOf = (h: number, size: number): number => Math.floor((h / 4294967296) * size);

export class StateStore {
  private readonly arena: Uint32Array[] = [];
  private readonly parents: Int32Array[] = [];
  private readonly via: Uint8Array[] = [];
  private table: Int32Array;
  count = 0;

  constructor(readonly words: number) {
    this.table = new Int32Array(1 << 12);
  }

  /** Bytes held, for --max-memory and the benchmark. */
  get bytes(): number {
    return this.arena.length * chunkStates * (this.words * 4 + 5) + this.table.byteLength;
  }

  /**
   * Inserts a state unless present. Returns its index, negated minus one if it was already there.
   * `move` is what led here from `parent` (a Move fits the byte kept for it).
   */
  insert(s: Uint32Array, parent: number, move: Move): number {
    const size = this.table.length;
    let h = slotOf(hash(s, 0, this.words), size);
    for (;;) {
      const e = this.table[h]!;
      if (e === 0) break;
      if (this.equals(e - 1, s)) return -e;
      if (++h === size) h = 0;
    }
    const i = this.count;
    const chunk = i >>> chunkBits;
    if (chunk === this.arena.length) {
      this.arena.push(new Uint32Array(chunkStates * this.words));
      this.parents.push(new Int32Array(chunkStates));
      this.via.push(new Uint8Array(chunkStates));
    }
    const at = i & chunkMask;
    this.arena[chunk]!.set(s.subarray(0, this.words), at * this.words);
    this.parents[chunk]![at] = parent;
    this.via[chunk]![at] = move;
    this.table[h] = i + 1;
    this.count++;
    if (this.count > this.table.length * maxLoad) this.growTable();
    return i;
  }

  /** Inserts a state no move led to: a root, where paths start. */
  insertRoot(s: Uint32Array): number {
    // A root's move is never read: path() stops at the parent -1.
    return this.insert(s, -1, storedMove(0));
  }

  /** Copies state i into out. */
  load(i: number, out: Uint32Array): void {
    const W = this.words;
    const at = (i & chunkMask) * W;
    out.set(this.arena[i >>> chunkBits]!.subarray(at, at + W));
  }

  /** The moves that led to state i from a root (a state inserted with parent -1). */
  path(i: number): { root: number; moves: Move[] } {
    const moves: Move[] = [];
    let k = i;
    for (;;) {
      const parent = this.parents[k >>> chunkBits]![k & chunkMask]!;
      if (parent < 0) break;
      moves.push(storedMove(this.via[k >>> chunkBits]![k & chunkMask]!));
      k = parent;
    }
    return { root: k, moves: moves.reverse() };
  }

  /** Every state's parent and move, chunk by chunk (for paths that cross parallel workers). */
  links(): { parents: Int32Array[]; via: Uint8Array[] } {
    return { parents: this.parents, via: this.via };
  }

  /** State i as a string key, to compare states across searches and shards. */
  key(i: number): string {
    const W = this.words;
    const at = (i & chunkMask) * W;
    return Array.from(this.arena[i >>> chunkBits]!.subarray(at, at + W), (w) =>
      w.toString(36),
    ).join(".");
  }

  /** A key back to the packed state (the inverse of `key`). */
  static stateOfKey(key: string): Uint32Array {
    return Uint32Array.from(key.split("."), (w) => parseInt(w, 36));
  }

  private equals(i: number, s: Uint32Array): boolean {
    const W = this.words;
    const a = this.arena[i >>> chunkBits]!;
    const base = (i & chunkMask) * W;
    for (let w = 0; w < W; w++) if (a[base + w] !== s[w]) return false;
    return true;
  }

  private growTable(): void {
    const size = Math.ceil(this.table.length * growth);
    const table = new Int32Array(size);
    const W = this.words;
    for (let i = 0; i < this.count; i++) {
      let h = slotOf(hash(this.arena[i >>> chunkBits]!, (i & chunkMask) * W, W), size);
      while (table[h] !== 0) if (++h === size) h = 0;
      table[h] = i + 1;
    }
    this.table = table;
  }
}

/** A 32-bit mix of the state's words at s[at…at+words) (murmur3's body and finalizer). */
export function hash(s: Uint32Array, at: number, words: number): number {
  let h = 0x9e3779b9 ^ words;
  for (let w = 0; w < words; w++) {
    let k = s[at + w]!;
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
