import assert from 'node:assert/strict';
import { brokerStatsSince, describeBrokerDelta, parseMetricTotals } from '../../../src/cli/bench/server-stats';
import { startBrokerFixture } from '../../broker/broker-fixture';

describe('bench: what the brokers did during a run (/metrics before and after)', () => {
  it('sums samples over labels, skips buckets and comments, and describes the difference as means', () => {
    const before = parseMetricTotals(`# HELP x
sluice_process_cpu_seconds_total 10
sluice_produce_latency_seconds_bucket{le="0.01",acks="all"} 3
sluice_produce_latency_seconds_sum{acks="all"} 1
sluice_produce_latency_seconds_count{acks="all"} 100
sluice_produce_latency_seconds_sum{acks="leader"} 0.5
sluice_produce_latency_seconds_count{acks="leader"} 50
`);
    assert.equal(before.get('sluice_produce_latency_seconds_sum'), 1.5);
    assert.equal(before.get('sluice_produce_latency_seconds_count'), 150);
    assert.equal(before.has('sluice_produce_latency_seconds_bucket'), false);
    const after = parseMetricTotals(`sluice_process_cpu_seconds_total 15
sluice_produce_latency_seconds_sum{acks="all"} 3
sluice_produce_latency_seconds_count{acks="all"} 300
sluice_produce_latency_seconds_sum{acks="leader"} 0.5
sluice_produce_latency_seconds_count{acks="leader"} 50
sluice_raft_commit_seconds_sum 0.8
sluice_raft_commit_seconds_count 100
sluice_raft_persist_seconds_sum 0
sluice_raft_persist_seconds_count 0
`);
    // 5 CPU seconds in 10 s; 2 s of produce over 200 requests; commit 0.8 s over 100; no persist samples.
    assert.equal(describeBrokerDelta(before, after, 10_000), 'CPU 50%, produce 10.0 ms, commit 8.0 ms (means)');
  });

  it("reads a live broker's /metrics and says which addresses did not answer", async () => {
    const fx = await startBrokerFixture();
    try {
      const done = await brokerStatsSince([`127.0.0.1:${fx.broker.httpPort}`, '127.0.0.1:1']);
      await fx.admin('createTopics', { topics: [{ name: 'timed' }] });
      await fx.data('produce', { partitions: [{ topic: 'timed', partition: 0, batch: { records: [{ value: Buffer.from('x') }] } }] });
      const note = await done();
      // A single broker is a one-broker cluster: its Raft rounds are timed too.
      assert.match(note, new RegExp(`^brokers during the run: 127\\.0\\.0\\.1:${fx.broker.httpPort}: CPU \\d+%, produce \\d+\\.\\d ms, commit \\d+\\.\\d ms, persist \\d+\\.\\d ms \\(means\\); 127\\.0\\.0\\.1:1: no /metrics$`));
    } finally {
      await fx.close();
    }
  });
});
