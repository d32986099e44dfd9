import assert from 'node:assert/strict';
import { runWorkload } from '../../../src/cli/bench/runner';
import { DEFAULT_SPEC } from '../../../src/cli/bench/suites';
import { startBrokerFixture, type BrokerFixture } from '../../broker/broker-fixture';

describe('bench: warm-up of a paced run', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  it('sends at the rate during the warm-up but counts and times only what is due after it', async () => {
    const spec = { ...DEFAULT_SPEC, workload: 'end-to-end' as const, count: 1000, ratePerSecond: 2000, warmupMs: 500, producers: 1, lingerMs: 0 };
    const { result, topic } = await runWorkload({
      driver: { system: 'sluice', brokers: [fx.address], replicationFactor: 1 },
      spec,
      system: 'sluice',
      durability: 'test',
      name: 'warm-up',
      progress: false,
    });
    assert.equal(result.records, 1000, 'only the measured records are counted');
    assert.equal(result.missing, 0);
    assert.equal(result.latency?.summary.count, 1000, 'only the measured records are timed');
    assert.equal(result.ackLatency?.summary.count, 1000);
    // The warm-up's 1,000 records (2,000/s for 0.5 s) were produced too, after the driver's one
    // warm-up record: the log holds all of them.
    const described = await fx.admin('describeTopics', { names: [topic] });
    assert.equal(Number(described.topics[0].partitions[0].highWatermark), 1 + 1000 + 1000);
  });
});
