// A single broker's partition is a Raft group of one voter. Its produce path must not cost more
// than the log under it: a commit is answered as soon as it is known, and entries nobody will
// read again do not stay in memory (docs/benchmarks.md, "One-voter Raft path versus the
// single-broker partition").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProduceOutcome } from '../../src/partition/partition';
import { InMemoryNetwork } from '../../src/replication/transport';
import { nodeFileIo, type FileIo } from '../../src/storage/file-io';
import { asOffset } from '../../src/common/ids';
import type { PartitionLog } from '../../src/storage/types';
import { electedLeader, produce, startNode, stopNode, threeReplicasEachTest, until, type TestNode } from './replica-harness';

/** Calls held until the test releases them, one at a time or all. */
class Gate {
  holding = false;
  private readonly held: (() => void)[] = [];

  get waiting(): number {
    return this.held.length;
  }

  pass(): Promise<void> {
    return this.holding ? new Promise((resolve) => this.held.push(resolve)) : Promise.resolve();
  }

  releaseOne(): void {
    this.held.shift()?.();
  }

  open(): void {
    this.holding = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

describe('a one-voter Raft group (a single broker)', function () {
  const writes = new Gate();
  const syncs = new Gate();
  const io: FileIo = {
    ...nodeFileIo,
    writev: async (fd, buffers, position) => {
      await writes.pass();
      return nodeFileIo.writev(fd, buffers, position);
    },
    fdatasync: async (fd) => {
      await syncs.pass();
      await nodeFileIo.fdatasync(fd);
      afterSync?.();
    },
  };
  /** Called as each fdatasync returns, before the log hears of it. */
  let afterSync: (() => void) | undefined;
  let dir: string;
  let node: TestNode;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-one-voter-'));
    node = await startNode(new InMemoryNetwork(), 1, dir, { replicaIds: [1], io });
    await electedLeader(() => [node]);
    await until(() => node.partition.caughtUp, 'the leader to commit its first entry');
  });

  afterEach(async () => {
    afterSync = undefined;
    writes.open();
    syncs.open();
    await stopNode(node);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a committed batch without waiting for the write of batches proposed after it', async () => {
    const settled = new Set<string>();
    const track = (name: string, outcome: Promise<ProduceOutcome>): Promise<ProduceOutcome> => outcome.finally(() => settled.add(name));

    syncs.holding = true;
    const a = track('a', produce(node.partition, ['a']));
    await until(() => node.log.logEndOffset === 1, 'a to be written');
    const aIndex = node.log.lastRaftIndex;

    writes.holding = true;
    const b = track('b', produce(node.partition, ['b']));
    await until(() => writes.waiting === 1, "b's write to start");
    syncs.open();
    await until(() => node.log.syncedRaftIndex >= aIndex, 'a to be fsynced');

    // a is durable, so committed; the group is busy with b's write. c's write must not come first.
    const c = track('c', produce(node.partition, ['c']));
    writes.releaseOne();
    await until(() => writes.waiting === 1, "c's write to start");
    await until(() => settled.has('a'), "a's answer while c's write is held", 5_000);
    assert.equal(settled.has('c'), false);
    const answer = await a;
    assert.equal(answer.ok && answer.baseOffset, 0);

    writes.open();
    assert.equal((await b).ok, true);
    assert.equal((await c).ok, true);
  });

  it('answers a batch as its fsync returns, as the single-broker partition did, not a turn of the event loop later', async () => {
    let answered = false;
    let answeredBeforeTheLoopTurned: boolean | undefined;
    syncs.holding = true;
    const a = produce(node.partition, ['a']).then((outcome) => ((answered = true), outcome));
    await until(() => syncs.waiting === 1, "a's fsync to start");
    afterSync = () => setImmediate(() => (answeredBeforeTheLoopTurned ??= answered));
    syncs.open();
    assert.equal((await a).ok, true);
    await until(() => answeredBeforeTheLoopTurned !== undefined, 'the event loop to turn');
    assert.equal(answeredBeforeTheLoopTurned, true);
  });

  it('lets go of the entries it applied: no follower will ask for them', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await produce(node.partition, [`v${i}`])).ok, true);
    await until(() => node.host.entryCache.bytes === 0, 'the cache to be empty');
  });
});

describe('a group shrinking to one voter', function () {
  const { nodes } = threeReplicasEachTest('shrink');

  it('replicates the batches it keeps in two parts (assigned to its leader alone) intact', async () => {
    const leader = await electedLeader(() => nodes);
    await until(() => leader.partition.caughtUp, 'the leader to commit its first entry');
    const others = nodes.filter((n) => n !== leader);
    // From here the leader's proposals keep the batch apart from its prefix, while the other two
    // are still voters that must receive every one of them until they are removed.
    leader.partition.setAssignment([leader.id], others.map((n) => n.id));
    for (let i = 0; i < 20; i++) assert.equal((await produce(leader.partition, [`v${i}`, `w${i}`])).ok, true);
    await until(() => leader.partition.membership.voters.length === 1, 'the group to shrink to its leader');
    const received = others.reduce((sum, n) => sum + n.log.logEndOffset, 0);
    assert.ok(received > 0, 'the followers received batches before they were removed');
    for (const follower of others) assert.deepEqual(await batches(follower.log), await batches(leader.log, follower.log.logEndOffset));
  });
});

/** Every stored batch below `end` (default: the log end), with its facts, read back (CRC-checked). */
async function batches(log: PartitionLog, end = log.logEndOffset): Promise<string[]> {
  const out: string[] = [];
  let offset = 0;
  while (offset < end) {
    const { entries } = await log.read(asOffset(offset), asOffset(end), 1 << 20);
    if (entries.length === 0) break;
    for (const { header, batch } of entries) {
      out.push(`${header.baseOffset}+${header.recordCount} crc ${header.crc} ${batch.toString('hex')}`);
      offset = header.baseOffset + header.recordCount;
    }
  }
  return out;
}
