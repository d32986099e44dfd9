// Idempotent producers across a leader change on three in-process replicas: the new leader knows
// every producer its log holds, not only those in the log's last entries.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { asNodeId } from '../../src/common/ids';
import type { ProduceOutcome } from '../../src/partition/partition';
import { PRODUCER_STATE_REPLAY_ENTRIES } from '../../src/partition/producer-state-rebuild';
import type { ReplicatedPartition } from '../../src/partition/replicated-partition';
import { InMemoryNetwork } from '../../src/replication/transport';
import { encodeBatch } from '../broker/broker-fixture';
import { electedLeader, produceOnLeader, startNode, stopNode, until, type TestNode } from './replica-harness';

const PRODUCER = { producerId: 7, producerEpoch: 0 };

const produceAs = (p: ReplicatedPartition, baseSequence: number, value: string): Promise<ProduceOutcome> =>
  p.produce({ batch: encodeBatch([value], { ...PRODUCER, baseSequence }), acks: 'all', recordCount: 1, maxTimestampMs: 0, ...PRODUCER, baseSequence });

describe('replicated partition: idempotent producers across a leader change', function () {
  let network: InMemoryNetwork;
  const nodes: TestNode[] = [];
  const dirs: string[] = [];

  beforeEach(async () => {
    network = new InMemoryNetwork();
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `sluice-idem-${id}-`));
      dirs.push(dir);
      nodes.push(await startNode(network, id, dir));
    }
  });

  afterEach(async () => {
    for (const node of nodes.splice(0)) await stopNode(node);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a retried batch as a duplicate on the new leader although other producers wrote more than the replayed tail since', async () => {
    const leader = await electedLeader(() => nodes);
    const first = await produceAs(leader.partition, 0, 'once');
    assert.ok(first.ok && first.code === ErrorCode.NONE, JSON.stringify(first));
    // Other (non-idempotent) writers push the batch out of the tail a new leader used to replay.
    const others = Array.from({ length: PRODUCER_STATE_REPLAY_ENTRIES + 200 }, (_, i) => produceOnLeader(() => nodes, [`other-${i}`]));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
    const end = leader.partition.highWatermark;
    await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');

    network.isolate(asNodeId(leader.id));
    const next = await electedLeader(() => nodes, [leader.id]);
    await until(() => next.partition.caughtUp, 'the new leader to commit in its term');
    const retried = await produceAs(next.partition, 0, 'once');
    assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0]);
    const following = await produceAs(next.partition, 1, 'twice');
    assert.ok(following.ok && following.code === ErrorCode.NONE && following.baseOffset === end, JSON.stringify(following));
    network.heal();
  });

  it('answers it as a duplicate after a clean restart of every replica, whichever leads then', async () => {
    const leader = await electedLeader(() => nodes);
    assert.ok((await produceAs(leader.partition, 0, 'once')).ok);
    const others = Array.from({ length: PRODUCER_STATE_REPLAY_ENTRIES + 200 }, (_, i) => produceOnLeader(() => nodes, [`other-${i}`]));
    assert.ok((await Promise.all(others)).every((o) => o.ok));
    const end = leader.partition.highWatermark;
    await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');

    const restarted: TestNode[] = [];
    for (const node of nodes.splice(0)) {
      await stopNode(node);
      restarted.push(await startNode(network, node.id, node.dir));
    }
    nodes.push(...restarted);
    // Each replica in turn leads: every one kept the table with its clean close (the followers
    // had never led, so knew only what they appended since they opened).
    for (const target of nodes) {
      const current = await electedLeader(() => nodes);
      if (current.id !== target.id) {
        const group = current.host.get('orders/0')!;
        group.node.transferLeadership(asNodeId(target.id));
        current.host.schedule(group);
        await until(() => target.partition.leaderId === target.id, `node ${target.id} to lead`);
      }
      await until(() => target.partition.caughtUp, `node ${target.id} to commit in its term`);
      const retried = await produceAs(target.partition, 0, 'once');
      assert.deepEqual(retried.ok && [retried.code, retried.baseOffset], [ErrorCode.DUPLICATE_SEQUENCE, 0], `leader ${target.id}`);
    }
  });
});
