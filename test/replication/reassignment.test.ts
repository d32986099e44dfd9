// Moving a partition's replicas while it takes writes: the leader adds the new replica as a
// learner, promotes it once caught up, removes the replica that leaves (itself last, after
// handing leadership over), and only then reports the reassignment finished.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryNetwork } from '../../src/replication/transport';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { decodeRecords } from '../../src/protocol/batch-codec';
import { electedLeader, produceOnLeader, startNode, stopNode, TP, type NodeOptions, type TestNode } from './replica-harness';
import { until } from '../until';

describe('partition reassignment through Raft membership changes', function () {
  this.timeout(60_000);
  let network: InMemoryNetwork;
  let nodes: TestNode[];
  const dirs = new Map<number, string>();
  const options = new Map<number, NodeOptions>();
  const reported: (readonly number[])[] = [];

  async function start(id: number, nodeOptions: NodeOptions): Promise<TestNode> {
    if (!dirs.has(id)) dirs.set(id, mkdtempSync(join(tmpdir(), `sluice-reassign-${id}-`)));
    options.set(id, nodeOptions);
    const node = await startNode(network, id, dirs.get(id)!, {
      ...nodeOptions,
      onReassigned: async (replicas) => { reported.push(replicas); },
    });
    nodes.push(node);
    return node;
  }

  /** The broker drives membership on a timer as well as on commits (ClusterCore's membershipTimer). */
  let membershipTimer: NodeJS.Timeout;

  beforeEach(async () => {
    network = new InMemoryNetwork();
    nodes = [];
    reported.length = 0;
    for (const id of [1, 2, 3]) await start(id, { replicaIds: [1, 2, 3] });
    membershipTimer = setInterval(() => {
      for (const node of nodes) node.membership.retry([node.partition]);
    }, 50);
  });
  afterEach(async () => {
    clearInterval(membershipTimer);
    for (const node of nodes) await stopNode(node);
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
    dirs.clear();
  });

  it('moves [1,2,3] to [2,3,4] under load: every acknowledged batch is on the new replicas exactly once', async () => {
    const live = (): TestNode[] => nodes;
    assert.ok((await produceOnLeader(live, ['first'])).ok);
    await start(4, { replicaIds: [2, 3, 4], joining: true });
    assert.deepEqual(nodes.find((n) => n.id === 4)!.partition.membership.voters, [], 'a joining replica starts with no configuration');

    const acknowledged: string[] = [];
    let producing = true;
    const load = (async () => {
      for (let i = 0; producing; i++) {
        const outcome = await produceOnLeader(live, [`v${i}`]);
        if (outcome.ok) acknowledged.push(`v${i}`);
      }
    })();
    await until(() => acknowledged.length >= 20, 'some writes before the move');
    for (const node of nodes) node.membership.assign(node.partition, { replicas: [2, 3, 4], retiring: [1] });
    await until(() => reported.length > 0, 'the leader to report the finished reassignment');
    assert.deepEqual([...reported[0]!], [2, 3, 4]);
    const countAtReport = acknowledged.length;
    await until(() => acknowledged.length >= countAtReport + 20, 'writes after the move');
    producing = false;
    await load;

    const leader = await electedLeader(live, [1]);
    assert.deepEqual(leader.partition.membership, { voters: [2, 3, 4], learners: [] });
    const removed = nodes.find((n) => n.id === 1)!;
    await stopNode(removed);
    nodes = nodes.filter((n) => n !== removed);

    assert.ok((await produceOnLeader(live, ['after-removal'])).ok, 'the group commits without the removed replica');
    const expected = ['first', ...acknowledged, 'after-removal'];
    await until(() => nodes.every((n) => n.partition.highWatermark === expected.length), 'all new replicas to hold every batch');
    for (const node of nodes) {
      const log = await node.engine.openLog(TP.topic, TP.partition, DEFAULT_LOG_CONFIG);
      const { entries } = await log.read(0 as never, expected.length as never, 1 << 24);
      const values = entries.flatMap((e) => decodeRecords(e.batch, e.header.baseOffset).map((r) => r.value!.toString()));
      const committed = values.slice(0, expected.length);
      assert.deepEqual(committed, expected, `node ${node.id} holds every acknowledged batch once, in order`);
    }
  });

  it('shrinks two voters to the leader alone through the voter that leaves, which holds its own removal', async () => {
    const live = (): TestNode[] => nodes;
    for (const node of nodes) node.membership.assign(node.partition, { replicas: [1, 2], retiring: [3] });
    await until(() => reported.length > 0, 'the move to [1,2] to finish');
    const leader = await electedLeader(live, [3]);
    const other = leader.id === 1 ? 2 : 1;
    reported.length = 0;
    // Of two voters the leader may not remove the other (docs/raft.md, "Two voters"): it hands
    // leadership to it, and that one removes itself.
    for (const node of nodes) node.membership.assign(node.partition, { replicas: [leader.id], retiring: [other] });
    await until(() => reported.length > 0, `the move to [${leader.id}] to finish`);
    assert.deepEqual([...reported[0]!], [leader.id]);
    const leaving = nodes.find((n) => n.id === other)!;
    assert.deepEqual(leaving.partition.membership, { voters: [leader.id], learners: [] }, 'the voter that left holds the change that removed it');
    assert.ok((await produceOnLeader(live, ['alone'], [other, 3])).ok, 'the one voter left commits alone');
  });

  it('keeps the changed configuration across a restart of every replica', async () => {
    const live = (): TestNode[] => nodes;
    await start(4, { replicaIds: [2, 3, 4], joining: true });
    for (const node of nodes) node.membership.assign(node.partition, { replicas: [2, 3, 4], retiring: [1] });
    await until(() => reported.length > 0, 'the reassignment to finish');
    assert.ok((await produceOnLeader(live, ['x'])).ok);
    // A commit needs a majority only: the third new replica may not have the last change yet.
    const staying = (): TestNode[] => nodes.filter((n) => n.id !== 1);
    await until(() => staying().every((n) => n.partition.membership.voters.join() === '2,3,4' && n.partition.membership.learners.length === 0), 'every new replica to hold the new configuration');
    for (const node of nodes.splice(0)) await stopNode(node);
    for (const id of [2, 3, 4]) {
      const node = await start(id, options.get(id)!);
      assert.deepEqual(node.partition.membership, { voters: [2, 3, 4], learners: [] }, `node ${id} restarts with the new voters`);
    }
    assert.ok((await produceOnLeader(live, ['y'])).ok, 'the new group elects a leader and commits without node 1');
  });
});
