// Issue 27, item 7: one partition's leader is paused (SIGSTOP) for 10 s while a producer with
// default settings writes keyless records to a 3-partition RF 3 topic whose leaders sit on three
// different brokers. The other two partitions are healthy, so their records must keep being
// acknowledged during the pause (the sticky partitioner must not pour every record into the
// stalled partition), and after SIGCONT the log must check out. Counts, not times.
import assert from 'node:assert/strict';
import { SluiceClient } from '../../src/client';
import { createTopic, sleep, startCluster, type ClusterHarness } from '../integration/cluster-harness';
import { summary, violations } from './checker';
import { bootstrapOf, checkTopic, closeWithin, flushWithin, PacedProducer, holdsWithin } from './fault-run';
import { History } from './history';

const TOPIC = 'spread';
const PARTITIONS = 3;
const RATE = 3000;
const PAUSE_MS = 10_000;
const ACKS_AROUND_THE_FAULT = 3000;
/**
 * Acknowledgements on the healthy partitions between SIGSTOP and SIGCONT that prove they kept
 * flowing: one second's worth of the whole rate, out of about two thirds of ten seconds' records.
 */
const HEALTHY_ACKS_DURING_PAUSE = RATE;

describe('chaos: a paused partition leader does not stall keyless records to healthy partitions', function () {
  this.timeout(180_000);
  let cluster: ClusterHarness;
  let client: SluiceClient;
  let paused: number | undefined;

  beforeEach(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, PARTITIONS, 3);
    client = new SluiceClient({ brokers: bootstrapOf(cluster) });
  });
  afterEach(async () => {
    if (paused !== undefined) cluster.processes.get(paused)?.child.kill('SIGCONT');
    await closeWithin(() => client.close(), 5000);
    await cluster.close();
  });

  async function leaders(): Promise<number[]> {
    const found: number[] = [];
    for (let p = 0; p < PARTITIONS; p++) found.push(await cluster.leaderOf(TOPIC, p));
    return found;
  }

  it('keeps acknowledging records on the other partitions during the pause, and the log checks out after', async () => {
    // Placement spreads preferred leaders over the brokers and leaders move to them once caught up.
    let current: number[] = [];
    const spread = await holdsWithin(async () => new Set((current = await leaders())).size === PARTITIONS, 30_000);
    assert.ok(spread, `the partitions' leaders did not spread over three brokers within 30 s (leaders ${current})`);

    const producer = client.producer({ acks: 'all' });
    await producer.connect();
    const history = new History('k');
    const paced = new PacedProducer(producer, TOPIC, history, RATE);
    const missed: string[] = [];
    const stalledPartition = 0;
    const healthyAcks = (): number => [...history.acksByPartition].reduce((sum, [p, n]) => (p === stalledPartition ? sum : sum + n), 0);
    let healthyDuringPause = 0;
    paced.start();
    try {
      if (!(await holdsWithin(() => history.acknowledgements >= ACKS_AROUND_THE_FAULT, 30_000))) missed.push(`only ${history.acknowledgements} acks before the fault`);
      paused = current[stalledPartition]!;
      const healthyBefore = healthyAcks();
      cluster.processes.get(paused)!.child.kill('SIGSTOP');
      await sleep(PAUSE_MS); // the fault's length, not a wait for an outcome
      healthyDuringPause = healthyAcks() - healthyBefore;
      cluster.processes.get(paused)!.child.kill('SIGCONT');
      paused = undefined;
      const acksAtResume = history.acknowledgements;
      if (!(await holdsWithin(() => history.acknowledgements >= acksAtResume + ACKS_AROUND_THE_FAULT, 30_000))) {
        missed.push(`only ${history.acknowledgements - acksAtResume} acks within 30 s of SIGCONT`);
      }
    } finally {
      paced.stop();
    }
    if (!(await flushWithin(producer, 60_000))) missed.push('the flush did not finish within 60 s');

    const result = await checkTopic(cluster, TOPIC, PARTITIONS, [history]);
    console.log(`    paused-leader: acks on the healthy partitions during the pause ${healthyDuringPause}; ${JSON.stringify(summary(result))}`);
    console.log(`    acks by partition ${JSON.stringify(Object.fromEntries(history.acksByPartition))}; failures: ${JSON.stringify(result.producers[0]!.failureKinds)}`);
    assert.deepEqual([...missed, ...violations(result)], []);
    assert.ok(
      healthyDuringPause >= HEALTHY_ACKS_DURING_PAUSE,
      `only ${healthyDuringPause} records were acknowledged on the healthy partitions while partition ${stalledPartition}'s leader was paused (wanted ${HEALTHY_ACKS_DURING_PAUSE})`,
    );
  });
});
