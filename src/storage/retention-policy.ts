// Which segments retention deletes: a pure function of the segment list, the config and the time.
//
// Only whole closed segments go, oldest first, and never the active (last) one. By time: a
// segment goes when its newest append is older than nowMs - retentionMs. By size: the oldest
// segments go while the log would still be at least retentionBytes without them (Kafka's rule).
// Example: sizes [100, 100, 100, active 50], retentionBytes 180: excess 170 → delete the first
// (excess 70 < 100, stop): 1 segment deleted.

export interface RetentionCandidate {
  readonly sizeBytes: number;
  /** Newest append time in the segment, ms since epoch (-1 when it holds nothing). */
  readonly maxAppendTimeMs: number;
}

export interface RetentionLimits {
  readonly retentionMs: number;
  readonly retentionBytes: number;
}

/** Number of leading segments to delete. `segments` is ordered oldest first, the last is active. */
export function segmentsToDelete(segments: readonly RetentionCandidate[], limits: RetentionLimits, nowMs: number): number {
  const closed = segments.length - 1;
  let count = 0;
  if (limits.retentionMs >= 0) {
    const cutoff = nowMs - limits.retentionMs;
    while (count < closed && segments[count]!.maxAppendTimeMs < cutoff) count++;
  }
  if (limits.retentionBytes >= 0) {
    let total = 0;
    for (const s of segments) total += s.sizeBytes;
    for (let i = 0; i < count; i++) total -= segments[i]!.sizeBytes;
    let excess = total - limits.retentionBytes;
    while (count < closed && excess >= segments[count]!.sizeBytes) {
      excess -= segments[count]!.sizeBytes;
      count++;
    }
  }
  return count;
}
