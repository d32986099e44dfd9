// A group's committed offsets belong to the topic they were committed against, told apart by its
// topic id: comparing the commit's time with the topic's creation time (wall clocks, in a cluster
// of different brokers) showed a deleted topic's commits for a topic re-created "earlier".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '../../src/broker/broker';
import { resolveBrokerConfig } from '../../src/broker/config';
import type { Clock } from '../../src/common/clock';
import { rawClient, type Rpc } from './broker-fixture';

describe('committed offsets of a deleted and re-created topic', () => {
  let dataDir: string;
  let broker: RunningBroker | undefined;
  const closers: (() => void)[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sluice-recreated-offsets-'))));
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are not answered, even when the new topic was created at an earlier wall-clock time', async () => {
    // A wall clock stepped back (NTP, or another broker's clock in a cluster) between commit and re-creation.
    let skewMs = 0;
    const clock: Clock = { nowMs: () => Date.now() + skewMs };
    broker = await startBroker(resolveBrokerConfig({ dataDir, grpcPort: 0, httpPort: 0, retentionCheckIntervalMs: 3_600_000 }), clock);
    const address = `127.0.0.1:${broker.grpcPort}`;
    const connect = (service: 'sluice.v1.Admin' | 'sluice.v1.Groups'): Rpc => {
      const { client, call } = rawClient(address, service);
      closers.push(() => client.close());
      return call;
    };
    const admin = connect('sluice.v1.Admin');
    const groups = connect('sluice.v1.Groups');
    const fetchCommitted = async (): Promise<number> => {
      const fetched = await groups('fetchOffsets', { groupId: 'readers', partitions: [{ topic: 'audit', partition: 0 }] });
      return Number(fetched.partitions[0].offset);
    };

    assert.equal((await admin('createTopics', { topics: [{ name: 'audit', partitions: 1 }] })).topics[0].errorCode, 0);
    const commit = await groups('commitOffsets', { groupId: 'readers', partitions: [{ topic: 'audit', partition: 0, offset: 7 }] });
    assert.equal(commit.partitions[0].errorCode, 0, commit.partitions[0].errorMessage);
    assert.equal(await fetchCommitted(), 7);

    assert.equal((await admin('deleteTopics', { names: ['audit'] })).topics[0].errorCode, 0);
    skewMs = -60_000;
    assert.equal((await admin('createTopics', { topics: [{ name: 'audit', partitions: 1 }] })).topics[0].errorCode, 0);
    assert.equal(await fetchCommitted(), -1, 'the deleted topic\'s commit is not the new topic\'s');

    // A commit against the new topic counts, whatever the clock says.
    skewMs = -120_000;
    await groups('commitOffsets', { groupId: 'readers', partitions: [{ topic: 'audit', partition: 0, offset: 3 }] });
    assert.equal(await fetchCommitted(), 3);
  });

  it('refuses a fetch and a commit that name the deleted topic\'s id, partition by partition (UNKNOWN_TOPIC_ID)', async () => {
    broker = await startBroker(resolveBrokerConfig({ dataDir, grpcPort: 0, httpPort: 0, retentionCheckIntervalMs: 3_600_000 }));
    const address = `127.0.0.1:${broker.grpcPort}`;
    const connect = (service: 'sluice.v1.Admin' | 'sluice.v1.Groups' | 'sluice.v1.Data'): Rpc => {
      const { client, call } = rawClient(address, service);
      closers.push(() => client.close());
      return call;
    };
    const admin = connect('sluice.v1.Admin');
    const groups = connect('sluice.v1.Groups');
    const data = connect('sluice.v1.Data');
    const created = await admin('createTopics', { topics: [{ name: 'audit', partitions: 1 }, { name: 'other', partitions: 1 }] });
    const oldId: string = created.topics[0].topicId;
    const otherId: string = created.topics[1].topicId;
    await admin('deleteTopics', { names: ['audit'] });
    const newId: string = (await admin('createTopics', { topics: [{ name: 'audit', partitions: 1 }] })).topics[0].topicId;
    assert.notEqual(newId, oldId);

    const fetched = await data('fetch', { partitions: [{ topic: 'audit', partition: 0, offset: 0, topicId: oldId }, { topic: 'other', partition: 0, offset: 0, topicId: otherId }] });
    assert.equal(fetched.partitions[0].errorCode, 35, 'UNKNOWN_TOPIC_ID');
    assert.match(fetched.partitions[0].errorMessage, /deleted and re-created/);
    assert.equal(fetched.partitions[1].errorCode, 0, 'the other partition is read');
    assert.equal((await data('fetch', { partitions: [{ topic: 'audit', partition: 0, offset: 0, topicId: newId }] })).partitions[0].errorCode, 0);

    const committed = await groups('commitOffsets', { groupId: 'readers', partitions: [{ topic: 'audit', partition: 0, offset: 3, topicId: oldId }] });
    assert.equal(committed.partitions[0].errorCode, 35);
    const fetchedOffsets = await groups('fetchOffsets', { groupId: 'readers', partitions: [{ topic: 'audit', partition: 0 }] });
    assert.equal(Number(fetchedOffsets.partitions[0].offset), -1, 'nothing was committed');
  });
});
