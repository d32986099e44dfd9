// acks=all means fsynced before the answer: kill -9 the broker mid-stream, restart it, and every
// acknowledged record must be there exactly once, at the offset it was acknowledged with.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawClient } from '../broker/broker-fixture';
import { startBrokerProcess, type BrokerProcess } from './broker-process';
import { until } from '../until';

describe('durability across kill -9 of a single broker', function () {
  let dataDir: string;
  let broker: BrokerProcess | undefined;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sluice-kill9-'))));
  afterEach(async () => {
    await broker?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged record exactly once and in order, and committed group offsets', async () => {
    broker = await startBrokerProcess(dataDir);
    let admin = rawClient(broker.address, 'sluice.v1.Admin');
    await admin.call('createTopics', { topics: [{ name: 'ledger', partitions: 2 }] });
    admin.client.close();

    let data = rawClient(broker.address, 'sluice.v1.Data');
    const groups = rawClient(broker.address, 'sluice.v1.Groups');
    const acknowledged = new Map<string, { partition: number; offset: number }>();
    let sent = 0;
    let stop = false;
    const producerLoop = async (worker: number): Promise<void> => {
      while (!stop) {
        const partition = worker % 2;
        const values = Array.from({ length: 20 }, () => `w${worker}-r${sent++}`);
        try {
          const response = await data.call('produce', {
            acks: 0,
            partitions: [{ topic: 'ledger', partition, batch: { baseTimestampMs: Date.now(), records: values.map((v) => ({ value: Buffer.from(v) })) } }],
          });
          const result = response.partitions[0];
          if (result.errorCode === 0) values.forEach((v, i) => acknowledged.set(v, { partition, offset: result.baseOffset + i }));
        } catch {
          return; // the broker died under us: unacknowledged, so no promise was made
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => producerLoop(w));
    await until(() => acknowledged.size >= 4000, '4000 acknowledged records');
    const commit = await groups.call('commitOffsets', { groupId: 'auditors', partitions: [{ topic: 'ledger', partition: 1, offset: 123 }] });
    assert.equal(commit.partitions[0].errorCode, 0);
    await broker.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    data.client.close();
    groups.client.close();

    broker = await startBrokerProcess(dataDir);
    data = rawClient(broker.address, 'sluice.v1.Data');
    const stored = new Map<string, { partition: number; offset: number }>();
    for (const partition of [0, 1]) {
      let offset = 0;
      let expectedOffset = 0;
      for (;;) {
        const response = await data.call('fetch', { partitions: [{ topic: 'ledger', partition, offset, maxBytes: 1 << 20 }] });
        const result = response.partitions[0];
        assert.equal(result.errorCode, 0, result.errorMessage);
        if (result.batches.length === 0) break;
        for (const batch of result.batches) {
          assert.equal(batch.baseOffset, expectedOffset, 'offsets are dense');
          batch.batch.records.forEach((record: any, i: number) => {
            const value = Buffer.from(record.value).toString();
            assert.ok(!stored.has(value), `record ${value} is stored twice`);
            stored.set(value, { partition, offset: batch.baseOffset + i });
          });
          expectedOffset = batch.baseOffset + batch.recordCount;
        }
        offset = expectedOffset;
      }
    }
    for (const [value, position] of acknowledged) {
      assert.deepEqual(stored.get(value), position, `acknowledged record ${value} is missing or moved`);
    }
    const groupsAfter = rawClient(broker.address, 'sluice.v1.Groups');
    const offsets = await groupsAfter.call('fetchOffsets', { groupId: 'auditors', partitions: [{ topic: 'ledger', partition: 1 }] });
    assert.equal(offsets.partitions[0].offset, 123);
    data.client.close();
    groupsAfter.client.close();
  });

  it('stops gracefully on SIGTERM and loses nothing written with acks=leader', async () => {
    broker = await startBrokerProcess(dataDir);
    const admin = rawClient(broker.address, 'sluice.v1.Admin');
    await admin.call('createTopics', { topics: [{ name: 'soft', partitions: 1, configs: { 'flush.policy': 'interval', 'flush.interval.ms': '60000' } }] });
    admin.client.close();
    const data = rawClient(broker.address, 'sluice.v1.Data');
    let lastOffset = -1;
    for (let i = 0; i < 50; i++) {
      const response = await data.call('produce', { acks: 1, partitions: [{ topic: 'soft', partition: 0, batch: { records: [{ value: Buffer.from(`v${i}`) }] } }] });
      lastOffset = response.partitions[0].baseOffset;
    }
    data.client.close();
    await broker.kill('SIGTERM');
    assert.equal(broker.child.exitCode, 0, broker.output());
    broker = await startBrokerProcess(dataDir);
    const again = rawClient(broker.address, 'sluice.v1.Data');
    const offsets = await again.call('listOffsets', { partitions: [{ topic: 'soft', partition: 0, timestampMs: -1 }] });
    again.client.close();
    assert.equal(offsets.partitions[0].offset, lastOffset + 1);
  });
});
