// Idempotent-producer state after kill -9 of a real broker: a producer wrote once, other producers
// wrote more than the 2,000 entries the table used to be rebuilt from, the broker is killed (no
// clean close keeps the table) and restarted; the producer's retry is still a duplicate at its
// original offset, on a topic whose segments rolled (snapshot + replay) and on one that did not
// (the whole log replayed).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { rawClient } from '../broker/broker-fixture';
import { startBrokerProcess, type BrokerProcess } from './broker-process';

const OTHERS = 2_500;
const CONCURRENT = 50;
/** Fixed, so that the retry is byte for byte the batch first sent. */
const TIMESTAMP_MS = 1_765_000_000_000;

describe('idempotent producer state across kill -9 of a single broker', function () {
  let dataDir: string;
  let broker: BrokerProcess | undefined;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sluice-pstate-kill9-'))));
  afterEach(async () => {
    await broker?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [topic, configs] of [['rolled', { 'segment.bytes': String(64 * 1024) }], ['unrolled', {}]] as const) {
    it(`answers a retried batch as a duplicate at its original offset (${topic} segments)`, async () => {
      broker = await startBrokerProcess(dataDir);
      const admin = rawClient(broker.address, 'sluice.v1.Admin');
      await admin.call('createTopics', { topics: [{ name: topic, partitions: 1, configs }] });
      admin.client.close();
      let data = rawClient(broker.address, 'sluice.v1.Data');
      const { producerId } = await data.call('initProducer', {});
      const once = { topic, partition: 0, batch: { baseTimestampMs: TIMESTAMP_MS, producerId, producerEpoch: 0, baseSequence: 0, records: [{ value: Buffer.from('once') }] } };
      const first = (await data.call('produce', { acks: 0, partitions: [once] })).partitions[0];
      assert.deepEqual([first.errorCode, first.baseOffset], [ErrorCode.NONE, 0]);
      for (let sent = 0; sent < OTHERS; sent += CONCURRENT) {
        const answers = await Promise.all(
          Array.from({ length: CONCURRENT }, (_, i) => data.call('produce', { acks: 0, partitions: [{ topic, partition: 0, batch: { baseTimestampMs: TIMESTAMP_MS, records: [{ value: Buffer.from(`other-${sent + i}`) }] } }] })),
        );
        assert.ok(answers.every((a) => a.partitions[0].errorCode === ErrorCode.NONE));
      }
      data.client.close();
      await broker.kill('SIGKILL');

      broker = await startBrokerProcess(dataDir);
      data = rawClient(broker.address, 'sluice.v1.Data');
      const retried = (await data.call('produce', { acks: 0, partitions: [once] })).partitions[0];
      assert.deepEqual([retried.errorCode, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0], retried.errorMessage);
      const next = { ...once, batch: { ...once.batch, baseSequence: 1, records: [{ value: Buffer.from('next') }] } };
      const following = (await data.call('produce', { acks: 0, partitions: [next] })).partitions[0];
      assert.deepEqual([following.errorCode, following.baseOffset], [ErrorCode.NONE, OTHERS + 1], following.errorMessage);
      data.client.close();
    });
  }
});
