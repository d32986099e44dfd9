// A single broker's partition is a Raft group of one voter. Its produce path must not cost more
// than the log under it: a commit is answered as soon as it is known, and entries nobody will
// read again do not stay in memory (docs/benchmarks.md, "One-voter Raft path versus the
// single-broker partition").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProduceOutcome } from '../../src/partition/replica';
import { InMemoryNetwork } from '../../src/replication/transport';
import { nodeFileIo, type FileIo } from '../../src/storage/file-io';
import { asOffset } from '../../src/common/ids';
import type { PartitionLog } from '../../src/storage/types';
import { until } from '../until';
import { produce, startNode, stopNode, type TestNode } from './replica-harness';

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
    await until(() => node.partition.leaderId === 1, 'the only voter to lead');
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
    await until(() => settled.has('a'), "a's answer while c's write is held", { maxWaitMs: 5_000 });
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

describe('a sole voter that gains a replica', function () {
  const dirs: string[] = [];
  const started: TestNode[] = [];
  afterEach(async () => {
    for (const node of started.splice(0)) await stopNode(node);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('sends the batches it kept in two parts (Entry.prefix) to the new replica intact', async () => {
    const network = new InMemoryNetwork();
    const dir = (id: number): string => {
      const path = mkdtempSync(join(tmpdir(), `sluice-grow-${id}-`));
      dirs.push(path);
      return path;
    };
    const sole = await startNode(network, 1, dir(1), { replicaIds: [1] });
    started.push(sole);
    await until(() => sole.partition.leaderId === 1 && sole.partition.caughtUp, 'the only voter to lead');
    for (let i = 0; i < 20; i++) assert.equal((await produce(sole.partition, [`v${i}`, `w${i}`])).ok, true);
    const joiner = await startNode(network, 2, dir(2), { replicaIds: [1, 2], joining: true });
    started.push(joiner);
    for (const node of started) node.membership.assign(node.partition, { replicas: [1, 2], retiring: [] });
    // The broker's timer (ClusterCore) retries membership work that waits for a learner to catch up.
    await until(() => {
      for (const node of started) node.membership.retry([node.partition]);
      return joiner.log.logEndOffset >= sole.log.logEndOffset && sole.partition.membership.voters.length === 2;
    }, 'the new replica to catch up and vote');
    assert.deepEqual(await batches(joiner.log), await batches(sole.log, joiner.log.logEndOffset));
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
