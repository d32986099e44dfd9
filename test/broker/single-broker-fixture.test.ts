// A data directory written by the single broker of release 0.1 (test/fixtures/single-broker-v0.1)
// opens unchanged in meaning: records, configs, committed offsets, the idempotent producer's
// state and the absence of a deleted topic are served as the release that wrote them served them.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { decodeBatch } from '../../src/protocol/batch-codec';
import * as grpc from '@grpc/grpc-js';
import { brokerProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition } from '../../src/protocol/services';
import {
  BATCHES, COMMITS, DELETED_TOPIC, GROUP, IDEMPOTENT_PARTITION, NEXT_IDEMPOTENT_BATCH, TOPIC, TOPIC_PARTITIONS, batchBytes, batchMessage, type FixtureManifest,
} from '../fixtures/single-broker-v0.1/content';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

// Compiled to dist/test/broker: the fixture's data stays in the source tree.
const FIXTURE_DIR = resolve(__dirname, '../../../test/fixtures/single-broker-v0.1');
const manifest = JSON.parse(readFileSync(join(FIXTURE_DIR, 'fixture.json'), 'utf8')) as FixtureManifest;

interface ReadRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString());

describe('a single-broker data directory of release 0.1', () => {
  let fx: BrokerFixture;
  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-fixture-'));
    cpSync(join(FIXTURE_DIR, 'data'), dataDir, { recursive: true });
    fx = await startBrokerFixture({}, dataDir);
  });
  afterEach(async () => fx.close());

  // Batches as stored (the broker's bytes view): a decoded and re-encoded batch would lose the
  // difference between a null key and an empty one, which the batch codec keeps.
  const bytesView = (method: 'fetch' | 'produce', request: object): Promise<any> => {
    const Client = grpc.makeGenericClientConstructor(serviceDefinition(brokerProtoRoot(), 'sluice.v1.Data'), 'Data');
    const client = new Client(fx.address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, Function>;
    return new Promise((resolvePromise, reject) =>
      client[method]!(request, (error: Error | null, response: any) => {
        client.close();
        if (error) reject(error);
        else resolvePromise(response);
      }),
    );
  };
  const fetchBytes = (partition: number): Promise<any> => bytesView('fetch', { partitions: [{ topic: TOPIC, partition, offset: 0 }] });

  const readAll = async (partition: number): Promise<{ batchOffsets: number[]; records: ReadRecord[] }> => {
    const response = await fetchBytes(partition);
    const result = response.partitions[0];
    assert.equal(result.errorCode, ErrorCode.NONE, result.errorMessage);
    const batchOffsets: number[] = [];
    const records: ReadRecord[] = [];
    for (const fetched of result.batches) {
      batchOffsets.push(Number(fetched.baseOffset));
      for (const r of decodeBatch(fetched.batch as Buffer, Number(fetched.baseOffset)).records) {
        records.push({
          offset: r.offset,
          timestamp: r.timestamp,
          key: text(r.key),
          value: text(r.value),
          headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])),
        });
      }
    }
    return { batchOffsets, records };
  };

  it('serves every record at its offset, with keys, headers and timestamps, the compressed batch included', async () => {
    for (let partition = 0; partition < TOPIC_PARTITIONS; partition++) {
      const expectedOffsets: number[] = [];
      const expected: ReadRecord[] = [];
      BATCHES.forEach((batch, i) => {
        if (batch.partition !== partition) return;
        const base = manifest.baseOffsets[i]!;
        expectedOffsets.push(base);
        batch.records.forEach((r, j) =>
          expected.push({ offset: base + j, timestamp: r.timestamp!, key: (r.key as string | null) ?? null, value: r.value as string, headers: { ...(r.headers as Record<string, string>) } }),
        );
      });
      const read = await readAll(partition);
      assert.deepEqual(read.batchOffsets, expectedOffsets, `batches of ${TOPIC}/${partition}`);
      assert.deepEqual(read.records, expected, `records of ${TOPIC}/${partition}`);
      const { partitions } = await fx.data('listOffsets', { partitions: [{ topic: TOPIC, partition, timestampMs: -1 }] });
      assert.equal(Number(partitions[0].offset), expected.length);
    }
  });

  it('keeps the topic, its partition count and its configs, and not the deleted topic', async () => {
    const described = await fx.admin('describeTopics', { names: [TOPIC, DELETED_TOPIC] });
    const [topic, deleted] = described.topics;
    assert.equal(topic.errorCode, ErrorCode.NONE);
    assert.equal(topic.partitions.length, TOPIC_PARTITIONS);
    assert.deepEqual({ ...topic.configs }, manifest.configs);
    assert.equal(deleted.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const listed = await fx.admin('listTopics', {});
    assert.deepEqual(listed.topics.map((t: any) => t.name), [TOPIC]);
    assert.equal(existsSync(join(fx.dataDir, 'partitions', `${DELETED_TOPIC}-0`)), false);
    const produced = await fx.data('produce', { partitions: [{ topic: DELETED_TOPIC, partition: 0, batch: batchMessage({ partition: 0, records: [{ value: 'v' }] }, 0, 0) }] });
    assert.equal(produced.partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("answers the group's committed offsets (the topic keeps its creation time), and none of the deleted topic", async () => {
    const partitions = [0, 1, 2].map((partition) => ({ topic: TOPIC, partition }));
    const fetched = await fx.groups('fetchOffsets', { groupId: GROUP, partitions: [...partitions, { topic: DELETED_TOPIC, partition: 0 }] });
    const byPartition = new Map(COMMITS.map((c) => [c.partition, c]));
    assert.deepEqual(
      fetched.partitions.map((p: any) => [p.topic, p.partition, Number(p.offset), p.metadata]),
      [
        ...partitions.map((p) => [TOPIC, p.partition, byPartition.get(p.partition as 0 | 1)?.offset ?? -1, byPartition.get(p.partition as 0 | 1)?.metadata ?? '']),
        [DELETED_TOPIC, 0, -1, ''],
      ],
    );
    // A new topic of the deleted one's name does not inherit its commits.
    const created = await fx.admin('createTopics', { topics: [{ name: DELETED_TOPIC, partitions: 1 }] });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const again = await fx.groups('fetchOffsets', { groupId: GROUP, partitions: [{ topic: DELETED_TOPIC, partition: 0 }] });
    assert.equal(Number(again.partitions[0].offset), -1);
  });

  it("answers a retry of the idempotent producer's last batch as a duplicate at its original offset, and accepts its next batch", async () => {
    const last = BATCHES.length - 1;
    assert.equal(BATCHES[last]!.partition, IDEMPOTENT_PARTITION);
    const produce = async (batch: (typeof BATCHES)[number]) =>
      (await bytesView('produce', { partitions: [{ topic: TOPIC, partition: IDEMPOTENT_PARTITION, batch: batchBytes(batch, manifest.producerId, manifest.producerEpoch) }] })).partitions[0];
    const retry = await produce(BATCHES[last]!);
    assert.equal(retry.errorCode, ErrorCode.DUPLICATE_SEQUENCE, retry.errorMessage);
    assert.equal(Number(retry.baseOffset), manifest.baseOffsets[last]);
    const next = await produce(NEXT_IDEMPOTENT_BATCH);
    assert.equal(next.errorCode, ErrorCode.NONE, next.errorMessage);
    const end = manifest.baseOffsets[last]! + BATCHES[last]!.records.length;
    assert.equal(Number(next.baseOffset), end);
    assert.equal((await readAll(IDEMPOTENT_PARTITION)).records.length, end + 1);
  });

  it('never hands out the fixture producer id again', async () => {
    const { producerId } = await fx.data('initProducer', {});
    assert.ok(Number(producerId) > manifest.producerId, `new id ${producerId} after ${manifest.producerId}`);
  });
});
