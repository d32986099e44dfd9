// flush.policy=interval on a replicated partition: a replica counts a batch as persisted once it
// is written to the OS, so a commit needs a majority of writes, not of fsyncs (Kafka's default
// durability); the fsync follows on the log's timer. Under the default policy (batch) a commit
// still needs a majority of fsyncs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryNetwork } from '../../src/replication/transport';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { produceOnLeader, startNode, stopNode, until, type TestNode } from './replica-harness';

/** Long enough that no timer flush happens during a test. */
const HOUR_MS = 3_600_000;

describe('replicated partition under flush.policy', function () {
  let nodes: TestNode[] = [];
  const dirs: string[] = [];

  async function startThree(flushPolicy: 'batch' | 'interval'): Promise<void> {
    const network = new InMemoryNetwork();
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `sluice-flush-${id}-`));
      dirs.push(dir);
      nodes.push(await startNode(network, id, dir, { logConfig: { ...DEFAULT_LOG_CONFIG, flushPolicy, flushIntervalMs: HOUR_MS } }));
    }
  }

  afterEach(async () => {
    for (const node of nodes.splice(0)) await stopNode(node);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('interval: commits acks=all once a majority has written the batch, before any replica fsyncs it', async () => {
    await startThree('interval');
    const outcome = await produceOnLeader(() => nodes, ['a', 'b', 'c']);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await until(() => nodes.every((n) => n.partition.highWatermark === 3), 'every replica to learn the commit');
    const written = nodes.map((n) => n.log.lastRaftIndex);
    const synced = nodes.map((n) => n.log.syncedRaftIndex);
    nodes.forEach((n, i) => assert.ok(synced[i]! < written[i]!, `replica ${n.id} fsynced up to ${synced[i]} of ${written[i]}: the commit should not have waited for it`));
  });

  it('batch: a committed write is fsynced on a majority', async () => {
    await startThree('batch');
    const outcome = await produceOnLeader(() => nodes, ['a', 'b', 'c']);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const last = Math.max(...nodes.map((n) => n.log.lastRaftIndex));
    const fsynced = nodes.filter((n) => n.log.syncedRaftIndex >= last).length;
    assert.ok(fsynced >= 2, `only ${fsynced} of 3 replicas fsynced raft index ${last} when the commit was acknowledged`);
  });
});
