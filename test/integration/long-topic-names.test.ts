// Every accepted topic name can be deleted and re-created (issue 28): a name of 249 characters, the
// longest accepted, once made the `~deleting` rename exceed the file system's 255-byte name
// limit, left the directory behind (a re-created topic served the old records) and stopped the
// next start. Partition directories are named by the topic id (docs/storage.md).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawClient, type Rpc } from '../broker/broker-fixture';
import { startBrokerProcess, type BrokerProcess } from './broker-process';

/** 249 characters: the longest name the topic-name rule accepts. */
const LONG_NAME = `long.${'n'.repeat(240)}_end`;

describe('a topic with the longest accepted name (real broker process)', function () {
  let dataDir: string;
  let broker: BrokerProcess | undefined;
  const clients: { client: { close(): void } }[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sluice-long-names-'))));
  afterEach(async () => {
    for (const c of clients.splice(0)) c.client.close();
    await broker?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const connect = (b: BrokerProcess): { admin: Rpc; data: Rpc; groups: Rpc } => {
    const admin = rawClient(b.address, 'sluice.v1.Admin');
    const data = rawClient(b.address, 'sluice.v1.Data');
    const groups = rawClient(b.address, 'sluice.v1.Groups');
    clients.push(admin, data, groups);
    return { admin: admin.call, data: data.call, groups: groups.call };
  };
  const produce = async (data: Rpc, partition: number, values: string[]): Promise<void> => {
    const response = await data('produce', { acks: 0, partitions: [{ topic: LONG_NAME, partition, batch: { baseTimestampMs: Date.now(), records: values.map((v) => ({ value: Buffer.from(v) })) } }] });
    assert.equal(response.partitions[0].errorCode, 0, response.partitions[0].errorMessage);
  };
  const values = async (data: Rpc, partition: number): Promise<string[]> => {
    const response = await data('fetch', { partitions: [{ topic: LONG_NAME, partition, offset: 0, maxBytes: 1 << 20 }] });
    const result = response.partitions[0];
    assert.equal(result.errorCode, 0, result.errorMessage);
    return result.batches.flatMap((b: any) => b.batch.records.map((r: any) => Buffer.from(r.value).toString()));
  };
  const expectOk = (response: any): void => {
    for (const t of response.topics) assert.equal(t.errorCode, 0, t.errorMessage);
  };

  it('is deleted, re-created empty, and the broker restarts and serves it', async () => {
    assert.equal(LONG_NAME.length, 249);
    broker = await startBrokerProcess(dataDir);
    let { admin, data, groups } = connect(broker);
    expectOk(await admin('createTopics', { topics: [{ name: LONG_NAME, partitions: 2 }] }));
    await produce(data, 0, ['old-0', 'old-1']);
    await produce(data, 1, ['old-2']);
    const commit = await groups('commitOffsets', { groupId: 'readers', partitions: [{ topic: LONG_NAME, partition: 0, offset: 2 }] });
    assert.equal(commit.partitions[0].errorCode, 0, commit.partitions[0].errorMessage);

    expectOk(await admin('deleteTopics', { names: [LONG_NAME] }));
    assert.deepEqual((await admin('listTopics', {})).topics.map((t: any) => t.name), []);
    expectOk(await admin('createTopics', { topics: [{ name: LONG_NAME, partitions: 2 }] }));
    assert.deepEqual(await values(data, 0), [], 'the re-created topic serves none of the old records');
    assert.deepEqual(await values(data, 1), []);
    const fetched = await groups('fetchOffsets', { groupId: 'readers', partitions: [{ topic: LONG_NAME, partition: 0 }] });
    assert.equal(Number(fetched.partitions[0].offset), -1, 'a commit of the deleted topic is not the re-created one\'s');
    await produce(data, 0, ['new-0']);

    await broker.kill('SIGTERM');
    broker = await startBrokerProcess(dataDir, [], { readyTimeoutMs: 60_000 });
    ({ admin, data, groups } = connect(broker));
    assert.deepEqual(await values(data, 0), ['new-0'], 'the re-created topic keeps its own records across a restart');
    assert.deepEqual(await values(data, 1), []);

    // Deleted again after the restart, nothing of it stays on disk.
    expectOk(await admin('deleteTopics', { names: [LONG_NAME] }));
    await broker.kill('SIGKILL');
    broker = await startBrokerProcess(dataDir, [], { readyTimeoutMs: 60_000 });
    const left = readdirSync(join(dataDir, 'partitions')).filter((name) => !name.startsWith('__'));
    assert.deepEqual(left, [], `directories left of deleted topics: ${left.join(', ')}`);
  });
});
