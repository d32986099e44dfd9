// flush.policy=interval on a replicated partition: a replica counts a batch as persisted once it
// is written to the OS, so a commit needs a majority of writes, not of fsyncs (Kafka's default
// durability); the fsync follows on the log's timer. Under the default policy (batch) a commit
// still needs a majority of fsyncs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asOffset } from '../../src/common/ids';
import type { ProduceOutcome } from '../../src/partition/replica';
import { InMemoryNetwork } from '../../src/replication/transport';
import { nodeFileIo, type FileIo } from '../../src/storage/file-io';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { electedLeader, produce, produceOnLeader, startNode, stopNode, type TestNode } from './replica-harness';
import { until } from '../until';

/** Long enough that no timer flush happens during a test. */
const HOUR_MS = 3_600_000;

describe('replicated partition under flush.policy', function () {
  let nodes: TestNode[] = [];
  const dirs: string[] = [];

  async function startThree(flushPolicy: 'batch' | 'interval', io?: (id: number) => FileIo): Promise<void> {
    const network = new InMemoryNetwork();
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `sluice-flush-${id}-`));
      dirs.push(dir);
      nodes.push(await startNode(network, id, dir, { logConfig: { ...DEFAULT_LOG_CONFIG, flushPolicy, flushIntervalMs: HOUR_MS }, io: io?.(id) }));
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

  it('batch: batches written while an fsync runs share the next one, and each is fsynced on a majority when acknowledged', async () => {
    // A slow disk: every fdatasync takes 30 ms, so that many batches arrive while one runs.
    const fdatasyncs = new Map<number, number>();
    await startThree('batch', (id) => ({
      ...nodeFileIo,
      fdatasync: async (fd) => {
        fdatasyncs.set(id, (fdatasyncs.get(id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 30));
        await nodeFileIo.fdatasync(fd);
      },
    }));
    assert.ok((await produceOnLeader(() => nodes, ['warm-up'])).ok);
    const leader = await electedLeader(() => nodes);
    fdatasyncs.clear();

    const BATCHES = 20;
    const outcomes: Promise<ProduceOutcome>[] = [];
    const syncedWhenAcked: number[][] = [];
    for (let i = 0; i < BATCHES; i++) {
      const k = i;
      // One batch per event-loop turn, so the batches reach the log one by one while fsyncs run.
      outcomes.push(produce(leader.partition, [`v${i}`]).then((outcome) => {
        syncedWhenAcked[k] = nodes.map((n) => n.log.syncedRaftIndex);
        return outcome;
      }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(outcomes);
    for (const [i, r] of results.entries()) {
      assert.ok(r.ok && r.baseOffset === 1 + i, `batch ${i}: ${JSON.stringify(r)}`);
      const { entries } = await leader.log.read(asOffset(r.baseOffset), asOffset(r.baseOffset + 1), 1 << 20);
      const raftIndex = entries[0]!.header.raftIndex;
      const fsynced = syncedWhenAcked[i]!.filter((synced) => synced >= raftIndex).length;
      assert.ok(fsynced >= 2, `batch ${i} (raft index ${raftIndex}) was acknowledged when ${fsynced} of 3 replicas had fsynced it`);
    }
    // One fdatasync per batch (each waiting for the one before) would be 20 per replica, 600 ms of disk.
    for (const node of nodes) {
      const used = fdatasyncs.get(node.id) ?? 0;
      assert.ok(used <= BATCHES / 4, `replica ${node.id} ran ${used} fdatasyncs for ${BATCHES} batches: they were not grouped`);
    }
  });
});
