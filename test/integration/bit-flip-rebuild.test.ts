// A bit flipped in a closed segment of one replica (issue 32, the chaos suite's bit-flip nemesis;
// docs/storage.md, "A partition that cannot be opened"): the damage is found when the broker opens
// the log, the replica is rebuilt from its peers and ends byte for byte identical to them, and no
// consumer is ever served the damaged entry. Real processes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { ClusterProducer, readAll } from './cluster-producer';
import { HEADER_BYTES } from '../../src/storage/entry-format';
import { until } from '../until';
import { logBytes as logBytesOf, partitionGauge, replicasOf, segmentsOf as segmentsOfTopic } from './replica-probes';

const TOPIC = 'flipped';

const gauge = (cluster: ClusterHarness, id: number, name: string): Promise<number | undefined> => partitionGauge(cluster, id, TOPIC, name);
const segmentsOf = (cluster: ClusterHarness, id: number): string[] => segmentsOfTopic(cluster, id, TOPIC);
const logBytes = (cluster: ClusterHarness, id: number): Buffer => logBytesOf(cluster, id, TOPIC);

/** Flips one bit inside the batch (not the header) of the second entry of `path`; returns the position. */
function flipBitInSecondBatch(path: string): number {
  const bytes = readFileSync(path);
  const secondEntry = HEADER_BYTES + bytes.readUInt32LE(8);
  const at = secondEntry + HEADER_BYTES + 10;
  bytes[at]! ^= 0x04;
  writeFileSync(path, bytes);
  return at;
}

describe('a bit flipped in a closed segment of one replica (3 broker processes)', function () {
  this.timeout(240_000);
  let cluster: ClusterHarness | undefined;
  afterEach(async () => cluster?.close());

  /**
   * With two replicas nothing commits while one is down, so nothing is produced then, and the
   * leader is not crashed afterwards (the other could not be elected alone); the healthy replica
   * is elected with the rebuilding one's vote if needed (docs/raft.md, "Two voters").
   */
  const flipsAndRebuilds = async (replicationFactor: number): Promise<void> => {
    cluster = await startCluster(3);
    await createTopic(cluster, TOPIC, 1, replicationFactor, { 'segment.bytes': String(64 * 1024) });
    const producer = new ClusterProducer(cluster, TOPIC, 0);
    await producer.init();
    const sent: string[] = [];
    const send = async (tag: string, batches: number): Promise<void> => {
      for (let b = 0; b < batches; b++) {
        const values = Array.from({ length: 5 }, (_, i) => `${tag}-${b}-${i}-${'x'.repeat(1000)}`);
        await producer.send(values);
        sent.push(...values);
      }
    };
    await send('before', 60);
    const leader = await cluster.leaderOf(TOPIC, 0);
    const holders = await replicasOf(cluster, TOPIC);
    const damaged = holders.find((id) => id !== leader)!;
    await cluster.kill(damaged);
    const segments = segmentsOf(cluster, damaged);
    assert.ok(segments.length >= 3, `the replica has closed segments (${segments.length} segments)`);
    flipBitInSecondBatch(segments[0]!);
    if (replicationFactor > 2) await send('while-down', 10);

    await cluster.start(damaged);
    await send('after', 10);
    const allHold = (): Promise<boolean> =>
      until(
        async () => {
          for (const id of holders) {
            if ((await gauge(cluster!, id, 'sluice_log_end_offset')) !== sent.length) return false;
            if ((await gauge(cluster!, id, 'sluice_high_watermark')) !== sent.length) return false;
          }
          return true;
        },
        `every replica of ${TOPIC}/0 holding and committing all ${sent.length} records`,
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
    await allHold();
    assert.match(cluster.processes.get(damaged)!.output(), new RegExp(`moved the damaged log of ${TOPIC}/0 to .*: the replica starts empty`));

    if (replicationFactor > 2) {
      // Whoever leads after the leader's crash (the rebuilt replica may), every record is served.
      await cluster.kill(leader);
      assert.deepEqual((await readAll(cluster, TOPIC, 0)).values, sent);
      await cluster.start(leader);
      // A batch of the new leader's term, held by all: every replica holds the whole log, the
      // new term's first entry included, before they stop.
      await send('last', 1);
      await allHold();
    } else {
      assert.deepEqual((await readAll(cluster, TOPIC, 0)).values, sent);
    }
    await Promise.all(cluster.ids.map((id) => cluster!.kill(id, 'SIGTERM')));
    const reference = logBytes(cluster, leader);
    for (const id of holders) {
      const bytes = logBytes(cluster, id);
      let at = 0;
      while (at < bytes.length && bytes[at] === reference[at]) at++;
      assert.ok(bytes.equals(reference), `broker ${id}'s log of ${TOPIC}/0 (damaged: broker ${damaged}) is identical to broker ${leader}'s: ${bytes.length} bytes against ${reference.length}, first difference at ${at}`);
    }
  };

  it('is found when the broker opens the log; the replica is rebuilt from its peers and never serves the damaged entry', () => flipsAndRebuilds(3));

  it('with two replicas: the same, the healthy one elected with the rebuilding one\'s vote if needed', () => flipsAndRebuilds(2));
});
