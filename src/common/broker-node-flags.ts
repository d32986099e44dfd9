// V8 settings the broker process should start with (they cannot be changed once it runs).
//
// With its defaults V8 starts a full mark-compact whenever the old generation has less room
// left than the young generation could promote in one scavenge. A broker's old generation is
// small (~16 MB live) and its limit, recomputed from that after each collection, stays ~40 MB,
// so under load V8 marked and compacted every ~300 ms, freeing nothing old: at 60k records/s,
// 7–25 ms pauses and 11–18% of the broker's CPU (measured: docs/benchmarks.md, "Full
// collections of an almost empty old generation"). A floor of 128 MB under the old
// generation's limit stops that; V8 keeps the floor after a full collection. Kafka's start
// script fixes its heap the same way (-Xms1G).

/** Flags for `node` when it runs `sluice broker`; bin/sluice's first line carries the same. */
export const BROKER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128'];
