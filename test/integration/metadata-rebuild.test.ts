// A broker whose metadata log cannot be opened (issue 28): in a cluster it sets the log aside and
// rebuilds it from its peers under the same rule as a partition replica (docs/raft.md,
// "Rebuilding a lost log", "Two voters"); a broker alone has nobody to rebuild it from
// and refuses to start with a message saying what is damaged and how to recover, not a stack
// trace. Real processes: the damage is done while the broker is down.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawClient } from '../broker/broker-fixture';
import { startBrokerProcess, type BrokerProcess } from './broker-process';
import { createTopic, startCluster, type ClusterHarness } from './cluster-harness';
import { until } from '../until';

/**
 * Beyond what log recovery repairs (it truncates a torn tail, rebuilds indexes): the metadata
 * log's first segment file cannot be opened at all, because it is a directory.
 */
function damageMetadataLog(dataDir: string): void {
  const segment = join(dataDir, 'partitions', '__cluster_metadata-0', '00000000000000000000.log');
  assert.ok(existsSync(segment), `the metadata log's first segment is at ${segment}`);
  rmSync(segment);
  mkdirSync(segment);
}

/** The partitions of `topic` as broker `id` describes them, or undefined while it does not know the topic. */
async function describedBy(cluster: ClusterHarness, id: number, topic: string): Promise<any[] | undefined> {
  const described = await cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [topic] });
  const found = described.topics?.[0];
  return found && found.errorCode === 0 ? found.partitions : undefined;
}

describe('a damaged metadata log', function () {
  this.timeout(240_000);

  describe('in a cluster of three brokers', () => {
    let cluster: ClusterHarness | undefined;
    afterEach(async () => cluster?.close());

    it('is rebuilt from the other brokers: the broker starts, catches up, votes again and serves', async () => {
      cluster = await startCluster(3);
      await createTopic(cluster, 'before', 1, 3);
      await cluster.kill(3);
      damageMetadataLog(join(cluster.dir, 'node-3'));
      // Metadata the broker never saw: it learns it only from its peers.
      await createTopic(cluster, 'while-down', 2, 3);

      const broker = await cluster.start(3);
      assert.match(broker.output(), /moved the damaged metadata log to .*: this broker rebuilds it from the other brokers/);
      await until(
        async () => (await describedBy(cluster!, 3, 'while-down'))?.length === 2 && (await describedBy(cluster!, 3, 'before'))?.length === 1,
        'broker 3 describing both topics from its rebuilt metadata',
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
      await until(
        async () => /raft group __metadata: the rebuilt replica has caught up with its peers/.test(broker.output()),
        'broker 3 voting again in the metadata group',
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
      // It serves: it holds its replicas of the topic created while it was down.
      await until(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
          return text.split('\n').some((l) => l.startsWith('sluice_high_watermark{topic="while-down",partition="1"}'));
        },
        'broker 3 holding a replica of while-down/1',
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
      // It votes again: with the metadata leader gone, the one other broker left needs its vote
      // to elect a leader, and only a leader creates a topic.
      const controller = (await cluster.call(3, 'sluice.v1.Admin', 'describeCluster', {})).controllerId as number;
      if (controller !== 3) await cluster.kill(controller);
      await createTopic(cluster, 'after', 1, 2);
      const aside = join(cluster.dir, 'node-3', 'damaged');
      assert.ok(readdirSync(aside).some((name) => name.startsWith('__cluster_metadata-0.')), 'the damaged metadata log is kept aside');
    });
  });

  describe('in a cluster of two brokers', () => {
    let cluster: ClusterHarness | undefined;
    afterEach(async () => cluster?.close());

    it('is rebuilt: the healthy broker is elected with the rebuilding one\'s vote (docs/raft.md, "Two voters")', async () => {
      cluster = await startCluster(2);
      await createTopic(cluster, 'before', 1, 2);
      await cluster.kill(2);
      damageMetadataLog(join(cluster.dir, 'node-2'));

      // Nothing commits with one of two voters down: the metadata changes once it is back.
      const broker = await cluster.start(2);
      assert.match(broker.output(), /moved the damaged metadata log to .*: this broker rebuilds it from the other brokers/);
      await createTopic(cluster, 'after', 1, 2);
      await until(
        async () => (await describedBy(cluster!, 2, 'before'))?.length === 1 && (await describedBy(cluster!, 2, 'after'))?.length === 1,
        'broker 2 describing both topics from its rebuilt metadata',
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
      await until(
        async () => /raft group __metadata: the rebuilt replica has caught up with its peers/.test(broker.output()),
        'broker 2 voting again in the metadata group',
        { maxWaitMs: 120_000, intervalMs: 200 },
      );
    });
  });

  describe('of a broker alone', () => {
    let dataDir: string;
    let broker: BrokerProcess | undefined;
    beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'sluice-metadata-damaged-'))));
    afterEach(async () => {
      await broker?.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses to start with a message naming the damage and the recovery, and no stack trace', async () => {
      broker = await startBrokerProcess(dataDir);
      const admin = rawClient(broker.address, 'sluice.v1.Admin');
      const created = await admin.call('createTopics', { topics: [{ name: 'kept', partitions: 1 }] });
      admin.client.close();
      assert.equal(created.topics[0].errorCode, 0);
      await broker.kill('SIGTERM');
      broker = undefined;
      damageMetadataLog(dataDir);

      const refused = await startBrokerProcess(dataDir, [], { readyTimeoutMs: 60_000 }).then(
        (started) => {
          broker = started;
          return undefined;
        },
        (error: Error) => error.message,
      );
      assert.ok(refused !== undefined, 'the broker must not start');
      assert.match(refused, /broker exited before it was ready \(code 1,/);
      assert.match(refused, /the metadata log of broker 1 cannot be opened/);
      assert.match(refused, /no other broker to rebuild it from/);
      assert.match(refused, /restore .* from a backup/);
      assert.match(refused, /start fresh/);
      assert.doesNotMatch(refused, /\n\s+at /, 'no stack trace');
    });
  });
});
