// The fuzzer's randomness: one seeded generator per request, derived from (run seed, request
// index), so that any request of a run can be rebuilt alone (`--replay <index>`, docs/fuzzing.md).
import { seededRandom } from '../../src/cli/bench/keys';

export class FuzzRandom {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  /** The generator of request `index` of the run seeded `seed`. */
  static forRequest(seed: number, index: number): FuzzRandom {
    return new FuzzRandom((Math.imul(seed ^ 0x5bd1e995, 0x01000193) + Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Picks an item with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let at = this.next() * total;
    for (const [item, w] of items) {
      if ((at -= w) < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}
