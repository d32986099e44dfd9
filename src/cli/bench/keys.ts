// Key and partition choice for generated records: seeded, deterministic, identical for every
// system under test. The bench chooses the partition itself (hash of the key modulo the
// partition count, or round-robin without keys) and passes it explicitly, so that Sluice and
// the peers see exactly the same spread.

export type KeyDistribution = 'none' | 'uniform' | 'skewed';

export const KEY_DISTRIBUTIONS: readonly KeyDistribution[] = ['none', 'uniform', 'skewed'];

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, 32 bits unsigned. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export interface RecordRouting {
  readonly key: string | null;
  readonly partition: number;
}

/**
 * Chooses key and partition for each successive record.
 * - none: no key, partitions round-robin.
 * - uniform: keys k0..k(keySpace-1), each equally likely.
 * - skewed: Zipf(s = 1.2) over the same key space: key k0 is the hottest.
 */
export class KeyChooser {
  private next = 0;
  private readonly random: () => number;
  private readonly zipfCdf: Float64Array | null;

  constructor(
    readonly distribution: KeyDistribution,
    readonly partitions: number,
    readonly keySpace = 1000,
    seed = 1,
  ) {
    if (partitions < 1) throw new RangeError(`partitions ${partitions} is invalid: use 1 or more`);
    this.random = seededRandom(seed);
    this.zipfCdf = distribution === 'skewed' ? zipfCdf(keySpace, 1.2) : null;
  }

  choose(): RecordRouting {
    if (this.distribution === 'none') {
      const partition = this.next++ % this.partitions;
      return { key: null, partition };
    }
    const index = this.zipfCdf ? sampleCdf(this.zipfCdf, this.random()) : Math.floor(this.random() * this.keySpace);
    const key = `k${index}`;
    return { key, partition: fnv1a(key) % this.partitions };
  }
}

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) total += 1 / Math.pow(k, s);
  let running = 0;
  for (let k = 1; k <= n; k++) {
    running += 1 / Math.pow(k, s) / total;
    cdf[k - 1] = running;
  }
  cdf[n - 1] = 1;
  return cdf;
}

function sampleCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
