// A broker never refuses to start because of one partition (issue 28): a single broker whose
// partition directory cannot be opened starts, serves every other partition, and answers the
// damaged one with a retriable STORAGE_ERROR that names the partition and the reason, never a
// server path. Real processes: the damage is done between two runs of `sluice broker`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawClient } from '../broker/broker-fixture';
import { startBrokerProcess, type BrokerProcess } from './broker-process';
import { partitionDirOf } from '../partition-dir-of';

const STORAGE_ERROR = 19;

describe('a single broker with one damaged partition', function () {
  let dataDir: string;
  let broker: BrokerProcess | undefined;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sluice-damaged-'))));
  afterEach(async () => {
    await broker?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const produce = async (address: string, topic: string, partition: number, value: string): Promise<any> => {
    const data = rawClient(address, 'sluice.v1.Data');
    try {
      const response = await data.call('produce', { acks: 0, partitions: [{ topic, partition, batch: { baseTimestampMs: Date.now(), records: [{ value: Buffer.from(value) }] } }] });
      return response.partitions[0];
    } finally {
      data.client.close();
    }
  };
  const fetch = async (address: string, topic: string, partition: number): Promise<any> => {
    const data = rawClient(address, 'sluice.v1.Data');
    try {
      const response = await data.call('fetch', { partitions: [{ topic, partition, offset: 0, maxBytes: 1 << 20 }] });
      return response.partitions[0];
    } finally {
      data.client.close();
    }
  };
  const valuesOf = (result: any): string[] => result.batches.flatMap((b: any) => b.batch.records.map((r: any) => Buffer.from(r.value).toString()));

  it('starts, serves the other partitions, and answers the damaged one with STORAGE_ERROR', async () => {
    broker = await startBrokerProcess(dataDir);
    const admin = rawClient(broker.address, 'sluice.v1.Admin');
    const created = await admin.call('createTopics', { topics: [{ name: 'healthy', partitions: 1 }, { name: 'hurt', partitions: 2 }] });
    admin.client.close();
    assert.deepEqual(created.topics.map((t: any) => t.errorCode), [0, 0]);
    for (const [topic, partition] of [['healthy', 0], ['hurt', 0], ['hurt', 1]] as const) {
      assert.equal((await produce(broker.address, topic, partition, `before-${topic}-${partition}`)).errorCode, 0);
    }
    await broker.kill('SIGTERM');

    // Beyond what log recovery repairs: the partition's directory is a regular file.
    const damaged = partitionDirOf(dataDir, 'hurt', 0);
    rmSync(damaged, { recursive: true });
    writeFileSync(damaged, 'not a directory');

    broker = await startBrokerProcess(dataDir, [], { readyTimeoutMs: 60_000 });
    assert.deepEqual(valuesOf(await fetch(broker.address, 'healthy', 0)), ['before-healthy-0']);
    assert.deepEqual(valuesOf(await fetch(broker.address, 'hurt', 1)), ['before-hurt-1']);
    assert.equal((await produce(broker.address, 'healthy', 0, 'after')).errorCode, 0);
    assert.equal((await produce(broker.address, 'hurt', 1, 'after')).errorCode, 0);

    for (const answer of [await produce(broker.address, 'hurt', 0, 'after'), await fetch(broker.address, 'hurt', 0)]) {
      assert.equal(answer.errorCode, STORAGE_ERROR, answer.errorMessage);
      assert.match(answer.errorMessage, /hurt\/0/);
      assert.match(answer.errorMessage, /out of service/);
      assert.match(answer.errorMessage, /EEXIST|ENOTDIR/);
      assert.ok(!answer.errorMessage.includes(dataDir), `the error names no server path: ${answer.errorMessage}`);
    }
    assert.match(broker.output(), /hurt\/0 is out of service on this broker: .*To recover: it has no other replica to be rebuilt from/);
    // Its directory is the partition's, not an unknown one to be removed by hand.
    assert.doesNotMatch(broker.output(), /belongs to no partition of this broker's metadata/);
    const metrics = await (await globalThis.fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    assert.match(metrics, /sluice_partition_out_of_service\{topic="hurt",partition="0"\} 1/);
    assert.doesNotMatch(metrics, /sluice_partition_out_of_service\{topic="healthy"/);

    // The topic can still be deleted, and a new topic of that name serves from an empty log.
    const admin2 = rawClient(broker.address, 'sluice.v1.Admin');
    assert.equal((await admin2.call('deleteTopics', { names: ['hurt'] })).topics[0].errorCode, 0);
    assert.equal((await admin2.call('createTopics', { topics: [{ name: 'hurt', partitions: 1 }] })).topics[0].errorCode, 0);
    admin2.client.close();
    assert.equal((await produce(broker.address, 'hurt', 0, 'reborn')).errorCode, 0);
    assert.deepEqual(valuesOf(await fetch(broker.address, 'hurt', 0)), ['reborn']);
  });
});
