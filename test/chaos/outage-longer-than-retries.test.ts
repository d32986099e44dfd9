// Issue 27's first scenario, with the client's default settings: both followers of a 1-partition
// RF 3 topic are killed (kill -9) for 6 s — longer than the old ~3 s of retries — while one
// idempotent acks=all producer writes unique values at ~3,000 records/s, then restarted one at a
// time. Every acknowledged record must be read back at its acknowledged offset, once; every
// record reported as certainly not stored must be absent; nothing else may appear (docs/chaos.md).
import assert from 'node:assert/strict';
import { SluiceClient } from '../../src/client';
import { createTopic, sleep, startCluster, type ClusterHarness } from '../integration/cluster-harness';
import { summary, violations } from './checker';
import { bootstrapOf, checkTopic, closeWithin, flushWithin, othersThan, PacedProducer, holdsWithin } from './fault-run';
import { History } from './history';

const TOPIC = 'outage';
const RATE = 3000;
const OUTAGE_MS = 6000;
/** Acknowledgements to see before the fault, and after the last restart, before stopping. */
const ACKS_AROUND_THE_FAULT = 3000;

describe('chaos: an outage of both followers longer than the old retries (default producer settings)', function () {
  this.timeout(180_000);
  let cluster: ClusterHarness;
  let client: SluiceClient;

  beforeEach(async () => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, 1, 3);
    client = new SluiceClient({ brokers: bootstrapOf(cluster) });
  });
  afterEach(async () => {
    await closeWithin(() => client.close(), 5000);
    await cluster.close();
  });

  it('stores every acknowledged record at its offset once, and no record reported as not stored', async () => {
    const producer = client.producer({ acks: 'all' });
    await producer.connect();
    const history = new History('v');
    const paced = new PacedProducer(producer, TOPIC, history, RATE);
    const missed: string[] = [];
    paced.start();
    try {
      if (!(await holdsWithin(() => history.acknowledgements >= ACKS_AROUND_THE_FAULT, 30_000))) missed.push(`only ${history.acknowledgements} acks before the fault`);
      const leader = await cluster.leaderOf(TOPIC, 0);
      const [first, second] = othersThan(cluster, leader);
      await cluster.kill(first!, 'SIGKILL');
      await cluster.kill(second!, 'SIGKILL');
      await sleep(OUTAGE_MS); // the fault's length, not a wait for an outcome
      const acksBeforeRestart = history.acknowledgements;
      await cluster.start(first!);
      if (!(await holdsWithin(() => history.acknowledgements > acksBeforeRestart, 30_000))) missed.push('no ack within 30 s of the first restart');
      await cluster.start(second!);
      const acksAfterRestarts = history.acknowledgements;
      if (!(await holdsWithin(() => history.acknowledgements >= acksAfterRestarts + ACKS_AROUND_THE_FAULT, 30_000))) {
        missed.push(`only ${history.acknowledgements - acksAfterRestarts} acks within 30 s of the second restart`);
      }
    } finally {
      paced.stop();
    }
    if (!(await flushWithin(producer, 60_000))) missed.push('the flush did not finish within 60 s');

    const result = await checkTopic(cluster, TOPIC, 1, [history]);
    console.log(`    outage-longer-than-retries: ${JSON.stringify(summary(result))}`);
    console.log(`    failures: ${JSON.stringify(result.producers[0]!.failureKinds)}`);
    assert.deepEqual([...missed, ...violations(result)], []);
    assert.ok(result.producers[0]!.acknowledged >= 2 * ACKS_AROUND_THE_FAULT);
  });
});
