// Result fixtures shared by the bench tests.
import type { RunResult } from '../../../src/cli/bench/result';
import { DEFAULT_SPEC } from '../../../src/cli/bench/suites';

export function fakeResult(system: string, name: string, recordsPerSec: number, p99Ms: number | null): RunResult {
  return {
    system,
    durability: `${system} durability`,
    name,
    spec: { ...DEFAULT_SPEC, workload: p99Ms === null ? 'consume' : 'produce' },
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedMs: 2000,
    records: recordsPerSec * 2,
    bytes: recordsPerSec * 200,
    recordsPerSec,
    mbPerSec: (recordsPerSec * 100) / 1e6,
    errors: 0,
    missing: 0,
    latency: p99Ms === null ? null : {
      kind: 'ack',
      measuredFrom: 'actual-send',
      summary: { count: recordsPerSec * 2, minMs: 0.1, meanMs: p99Ms / 4, p50Ms: p99Ms / 5, p90Ms: p99Ms / 2, p99Ms, p999Ms: p99Ms * 2, maxMs: p99Ms * 3 },
      percentiles: [
        { percentile: 0, valueMs: 0.1 }, { percentile: 50, valueMs: p99Ms / 5 }, { percentile: 99, valueMs: p99Ms }, { percentile: 100, valueMs: p99Ms * 3 },
      ],
    },
    ackLatency: null,
    timeline: [
      { tMs: 1000, recordsPerSec: recordsPerSec * 0.9, mbPerSec: 1 },
      { tMs: 2000, recordsPerSec: recordsPerSec * 1.1, mbPerSec: 1 },
    ],
    notes: [],
  };
}
