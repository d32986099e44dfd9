// The chaos suite's disk nemeses (test/chaos/netns/disk-nemesis.ts) on a 3-broker loopback cluster
// of real processes with the test faults the run gives them (disk-faults, lose-unsynced-writes):
// a leader whose segment fdatasyncs fail with EIO, or whose appends fail with ENOSPC, reports its
// storage failure and is restarted by the heal; a follower's closed segment with a bit flipped
// is found at its restart and rebuilt. Each time nothing acknowledged is lost, acknowledgements
// resume, and every replica's log ends identical. Counts and conditions, not times.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { partitionDirOf } from '../partition-dir-of';
import { SluiceClient } from '../../src/client';
import { createTopic, startCluster, type ClusterHarness } from '../integration/cluster-harness';
import { summary, violations } from './checker';
import { bootstrapOf, checkTopic, closeWithin, flushWithin, holdsWithin, PacedProducer } from './fault-run';
import { History } from './history';
import { DISK_NEMESIS_TOPIC_CONFIGS, DiskNemesisRunner } from './netns/disk-nemesis';
import { compareReplicaLogs } from './netns/replica-logs';
import type { DiskNemesis, Step } from './netns/schedule';

const TOPIC = 'disk';
const PARTITIONS = 2;
const RATE = 1000;
const ACKS_AROUND_THE_FAULT = 2000;

describe('chaos: disk nemeses on one broker (3 broker processes)', function () {
  this.timeout(240_000);
  let cluster: ClusterHarness;
  let client: SluiceClient;
  afterEach(async () => {
    await closeWithin(() => client.close(), 5000);
    await cluster.close();
  });

  const segmentsOf = (id: number): number => readdirSync(partitionDirOf(join(cluster.dir, `node-${id}`), TOPIC, 0)).filter((f) => f.endsWith('.log')).length;

  async function strike(kind: DiskNemesis, eioOn: Step['eioOn']): Promise<string[]> {
    cluster = await startCluster(3, { env: { SLUICE_TEST_FAULT: 'disk-faults,lose-unsynced-writes', SLUICE_TEST_FAULTS_ALLOWED: '1' } });
    await createTopic(cluster, TOPIC, PARTITIONS, 3, DISK_NEMESIS_TOPIC_CONFIGS);
    client = new SluiceClient({ brokers: bootstrapOf(cluster) });
    const producer = client.producer();
    await producer.connect();
    const history = new History('p');
    const paced = new PacedProducer(producer, TOPIC, history, RATE);
    const lines: string[] = [];
    const missed: string[] = [];
    const runner = new DiskNemesisRunner(cluster, TOPIC, (line) => lines.push(line), async (p) => cluster.leaderOf(TOPIC, p));
    paced.start();
    try {
      if (!(await holdsWithin(() => history.acknowledgements >= ACKS_AROUND_THE_FAULT, 60_000))) missed.push(`only ${history.acknowledgements} acks before the fault`);
      // bit-flip needs a closed segment on every broker: the first rolls once the segment is segment.ms old.
      const rolled = await holdsWithin(() => cluster.ids.every((id) => segmentsOf(id) >= 2), 60_000);
      if (!rolled) missed.push('no closed segment of partition 0 on every broker within 60 s');
      const step: Step = { nemeses: [kind], healthyBeforeMs: 0, holdMs: 4000, order: [1, 2, 3], partition: 0, lossPercent: 0, flapMs: 0, eioOn, flipSeed: 7, clockStepMs: 0, clockRate: 1, link: { rateKbit: 0, delayMs: 0, jitterMs: 0 } };
      await runner.run(kind, step);
      const acksAfter = history.acknowledgements;
      if (!(await holdsWithin(() => history.acknowledgements >= acksAfter + ACKS_AROUND_THE_FAULT, 60_000))) missed.push(`only ${history.acknowledgements - acksAfter} acks within 60 s of the heal`);
    } finally {
      paced.stop();
    }
    if (!(await flushWithin(producer, 150_000))) missed.push('the flush did not finish within 150 s');
    const result = await checkTopic(cluster, TOPIC, PARTITIONS, [history]);
    console.log(JSON.stringify({ kind, eioOn, ...summary(result) }));
    assert.deepEqual([...missed, ...violations(result), ...(await compareReplicaLogs(cluster, TOPIC, PARTITIONS, 3, 30_000))], []);
    return lines;
  }

  it('disk-eio on fsync: the leader reports its storage failure, is restarted, and nothing acknowledged is lost', async () => {
    const lines = await strike('disk-eio', 'fsync');
    assert.match(lines.join('\n'), /failed [1-9]\d* writes or fsyncs; it reports [1-9]\d* Raft group\(s\) stopped by a storage failure: restarting it/);
  });

  it('disk-full on append: the same with ENOSPC', async () => {
    const lines = await strike('disk-full', 'fsync');
    assert.match(lines.join('\n'), /failed [1-9]\d* writes or fsyncs; it reports [1-9]\d* Raft group\(s\) stopped by a storage failure: restarting it/);
  });

  it('bit-flip: the follower finds the flipped bit at its restart and is rebuilt; its log ends identical to the others', async () => {
    const lines = await strike('bit-flip', 'fsync');
    assert.match(lines.join('\n'), /bit-flip on broker \d .*: bit \d of byte \d+ of \d+\.log/);
    assert.match(lines.join('\n'), /found the damage and rebuilds its replica from the others/);
  });
});
