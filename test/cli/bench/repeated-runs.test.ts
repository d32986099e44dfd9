import { strict as assert } from 'node:assert';
import { medianRun } from '../../../src/cli/bench/repeated-runs';
import type { RunResult } from '../../../src/cli/bench/result';
import { runSuite, unavailableResult } from '../../../src/cli/bench/suite-runner';
import { compareSuite, DEFAULT_SPEC } from '../../../src/cli/bench/suites';
import { startBrokerFixture, type BrokerFixture } from '../../broker/broker-fixture';

const step = compareSuite(DEFAULT_SPEC, { countScale: 1, endToEndSeconds: 1 }).find((s) => s.name === 'e2e-10k/s-100B')!;

function timedRun(p50Ms: number, p99Ms: number, recordsPerSec: number): RunResult {
  const base = unavailableResult({ label: 'sluice', durability: 'd' }, step, 'unused');
  const summary = { count: 1000, minMs: 0.1, meanMs: p50Ms, p50Ms, p90Ms: p99Ms, p99Ms, p999Ms: p99Ms, maxMs: p99Ms };
  return { ...base, recordsPerSec, notes: [], latency: { kind: 'end-to-end', measuredFrom: 'intended-send', summary, percentiles: [] } };
}

describe('bench: a paced step reported by its median run', () => {
  it('keeps the run whose p50 is the median, whole, and notes every run in the order they ran', () => {
    const chosen = medianRun([timedRun(3.4, 14.6, 9990), timedRun(1.2, 40, 9980), timedRun(2.3, 11.2, 9999)]);
    assert.equal(chosen.latency!.summary.p50Ms, 2.3);
    assert.equal(chosen.latency!.summary.p99Ms, 11.2, 'p99 comes from the same run, not another');
    assert.equal(chosen.recordsPerSec, 9999);
    assert.deepEqual(chosen.notes, ['median of 3 runs by p50 (p50/p99 ms of each: 3.4/14.6, 1.2/40, 2.3/11.2)']);
  });

  it('takes the lower middle run of an even count, and a single run as it is', () => {
    assert.equal(medianRun([timedRun(4, 9, 1), timedRun(1, 9, 1), timedRun(3, 9, 1), timedRun(2, 9, 1)]).latency!.summary.p50Ms, 2);
    const only = timedRun(5, 9, 1);
    assert.equal(medianRun([only]), only);
  });

  it('ranks a run without latency (it failed) last, and refuses no runs', () => {
    const failed = unavailableResult({ label: 'sluice', durability: 'd' }, step, 'broker down');
    const chosen = medianRun([failed, timedRun(7, 9, 1), timedRun(6, 9, 1)]);
    assert.equal(chosen.latency!.summary.p50Ms, 7);
    assert.match(chosen.notes.at(-1)!, /not timed, 7\/9, 6\/9/);
    assert.throws(() => medianRun([]), /at least one run/);
  });
});

describe('bench suite runner: repeated paced runs against a broker', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  it('runs a paced step pacedRuns times, each on its own topic, and an unpaced step once', async () => {
    const spec = { ...DEFAULT_SPEC, producers: 1, lingerMs: 0 };
    const steps = [
      { name: 'produce', spec: { ...spec, workload: 'produce' as const, count: 500 } },
      { name: 'paced', spec: { ...spec, workload: 'end-to-end' as const, count: 300, ratePerSecond: 1000 } },
    ];
    const target = { label: 'sluice', driver: { system: 'sluice' as const, brokers: [fx.address], replicationFactor: 1 }, durability: 'test' };
    const results = await runSuite([target], steps, { scale: { countScale: 1, endToEndSeconds: 1 }, progress: false, pacedRuns: 3 });
    assert.deepEqual(results.map((r) => r.name), ['produce', 'paced'], 'one row per step');
    assert.deepEqual(results[0]!.notes, [], 'the unpaced step ran once');
    assert.equal(results[1]!.records, 300);
    assert.match(results[1]!.notes.at(-1)!, /^median of 3 runs by p50 \(p50\/p99 ms of each: [\d.]+\/[\d.]+, [\d.]+\/[\d.]+, [\d.]+\/[\d.]+\)$/);
    const listed = await fx.admin('listTopics', {});
    assert.equal(listed.topics.length, 4, 'the produce step and each of the three paced runs wrote a topic of its own');
  });
});
