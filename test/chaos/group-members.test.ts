// The chaos run's consumer group on loopback (real broker processes): its two members split the
// topic, commit as they read, keep committing across a kill -9 of the broker leading a partition
// and its restart, and the group checks (group-commits.ts) find nothing in what they recorded.
import assert from 'node:assert/strict';
import { SluiceClient } from '../../src/client';
import { createTopic, startCluster, type ClusterHarness } from '../integration/cluster-harness';
import { until } from '../until';
import { FinalLog } from './consumer-reads';
import { bootstrapOf, closeWithin, flushWithin, PacedProducer } from './fault-run';
import { committedOffsetsWentBack, finalOffsetsBelowCommits, groupReadsNotInLog, highestCommits } from './group-commits';
import { History } from './history';
import { GroupMembers, GROUP_ID } from './netns/group-members';
import { readTopic } from './read-log';

const TOPIC = 'grouped';
const PARTITIONS = 3;

describe('chaos: the consumer group workload across a broker kill (loopback)', function () {
  this.timeout(180_000);
  let cluster: ClusterHarness;
  let client: SluiceClient;
  let groupClient: SluiceClient;

  beforeEach(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, PARTITIONS, 3);
    client = new SluiceClient({ brokers: bootstrapOf(cluster) });
    groupClient = new SluiceClient({ brokers: bootstrapOf(cluster) });
  });
  afterEach(async () => {
    await closeWithin(() => groupClient.close(), 5000);
    await closeWithin(() => client.close(), 5000);
    await cluster.close();
  });

  it('records commits that never go back, a final group offset at or past them, and reads the log holds', async () => {
    const producer = client.producer();
    await producer.connect();
    const history = new History('p');
    const paced = new PacedProducer(producer, TOPIC, history, 300);
    const group = new GroupMembers(groupClient, TOPIC);
    paced.start();
    await until(() => group.counts.assigned >= 2 && new Set(group.commits.map((c) => c.member)).size === 2, 'both members assigned partitions and committing', { maxWaitMs: 60_000 });
    const victim = await cluster.leaderOf(TOPIC, 0);
    await cluster.kill(victim);
    const before = group.commits.length;
    await until(() => group.commits.length > before + 3, 'commits acknowledged with a broker down', { maxWaitMs: 60_000 });
    await cluster.start(victim);
    const reads = (): number => group.reads.reduce((n, r) => n + r.count, 0);
    const readBefore = reads();
    await until(() => reads() > readBefore + 300, 'members reading after the restart', { maxWaitMs: 60_000 });
    paced.stop();
    assert.ok(await flushWithin(producer, 60_000), 'the producer flushed');
    await group.stop();
    const final = new Map((await client.admin().fetchOffsets(GROUP_ID, [0, 1, 2].map((partition) => ({ topic: TOPIC, partition })))).map((o) => [o.partition, o.offset]));
    const log = new FinalLog();
    await readTopic(cluster, TOPIC, PARTITIONS, log);

    assert.deepEqual(committedOffsetsWentBack(group.commits), []);
    assert.deepEqual(finalOffsetsBelowCommits(group.commits, final), []);
    assert.deepEqual(groupReadsNotInLog(group.reads, log), { count: 0, lines: [] });
    assert.equal(highestCommits(group.commits).size, PARTITIONS, 'every partition committed');
    console.log(JSON.stringify({ ...group.counts, reads: reads(), final: Object.fromEntries(final), stops: group.stops }));
  });
});
