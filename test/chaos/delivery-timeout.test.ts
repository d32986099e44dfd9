// Both followers killed (kill -9) for longer than the producer's delivery timeout: batches that
// reached the leader cannot commit, so their records fail with an error whose outcome is unknown
// (isOutcomeUnknown). The producer then goes on under a bumped epoch (it may not renumber batches
// whose fate is unknown, issue 27 / docs/client.md), later records are acknowledged where they are
// stored, and each unknown record is stored at most once. The one test that shortens deliveryTimeoutMs.
import assert from 'node:assert/strict';
import { SluiceClient } from '../../src/client';
import { createTopic, sleep, startCluster, type ClusterHarness } from '../integration/cluster-harness';
import { summary, violations } from './checker';
import { bootstrapOf, checkTopic, closeWithin, flushWithin, othersThan, PacedProducer, holdsWithin } from './fault-run';
import { History } from './history';

const TOPIC = 'expiry';
const RATE = 1000;
const DELIVERY_TIMEOUT_MS = 3000;
/** Well past the delivery timeout, so records sent to the cut-off leader expire while it is cut off. */
const OUTAGE_MS = 3 * DELIVERY_TIMEOUT_MS;
const ACKS_AROUND_THE_FAULT = 1000;

describe('chaos: an outage of both followers longer than the delivery timeout', function () {
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

  it('fails the records it cannot commit as outcome unknown, bumps the epoch, and stores later records correctly', async () => {
    const producer = client.producer({ acks: 'all', deliveryTimeoutMs: DELIVERY_TIMEOUT_MS });
    await producer.connect();
    const before = producer.identity;
    const history = new History('d');
    const paced = new PacedProducer(producer, TOPIC, history, RATE);
    const missed: string[] = [];
    let acksAfterRestarts = 0;
    paced.start();
    try {
      if (!(await holdsWithin(() => history.acknowledgements >= ACKS_AROUND_THE_FAULT, 30_000))) missed.push(`only ${history.acknowledgements} acks before the fault`);
      const leader = await cluster.leaderOf(TOPIC, 0);
      const followers = othersThan(cluster, leader);
      for (const id of followers) await cluster.kill(id, 'SIGKILL');
      await sleep(OUTAGE_MS); // the fault's length, not a wait for an outcome
      for (const id of followers) await cluster.start(id);
      const acksAtRestart = history.acknowledgements;
      if (!(await holdsWithin(() => history.acknowledgements >= acksAtRestart + ACKS_AROUND_THE_FAULT, 30_000))) {
        missed.push(`only ${history.acknowledgements - acksAtRestart} acks within 30 s of the restarts`);
      }
      acksAfterRestarts = history.acknowledgements - acksAtRestart;
    } finally {
      paced.stop();
    }
    if (!(await flushWithin(producer, 30_000))) missed.push('the flush did not finish within 30 s');
    const after = producer.identity;

    const result = await checkTopic(cluster, TOPIC, 1, [history]);
    const report = result.producers[0]!;
    console.log(`    delivery-timeout: ${JSON.stringify(summary(result))}`);
    console.log(`    failures: ${JSON.stringify(report.failureKinds)}; identity ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    assert.deepEqual([...missed, ...violations(result)], []);
    assert.ok(report.failedUnknown > 0, 'no record failed with an unknown outcome, though the leader held batches it could not commit');
    assert.ok(
      after.producerId !== before.producerId || after.producerEpoch > before.producerEpoch,
      `the producer went on without a new epoch after giving up records of unknown outcome (${JSON.stringify(before)} -> ${JSON.stringify(after)})`,
    );
    assert.ok(acksAfterRestarts >= ACKS_AROUND_THE_FAULT);
  });
});
