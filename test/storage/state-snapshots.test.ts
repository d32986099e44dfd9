// State snapshots kept with a partition log (the idempotent-producer table's): usable only while
// the log holds the entry they end with, with its term; deleted with a truncated suffix, with a
// tail lost in a crash (before an entry could reuse its index), and beyond the newest three.
import assert from 'node:assert/strict';
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { asRaftIndex } from '../../src/common/ids';
import { STATE_SNAPSHOTS_KEPT } from '../../src/storage/state-snapshots';
import { config, entries, storageEngineEachTest } from './helpers';

const snapshotFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.state')).sort();

describe('storage: state snapshots', () => {
  const storage = storageEngineEachTest();
  const open = () => storage.engine.openLog('snap', 0, config());
  const partitionDir = (): string => join(storage.dir, 'partitions', readdirSync(join(storage.dir, 'partitions')).find((n) => n.startsWith('snap'))!);

  it('reads back what was written, lists only the newest few, and keeps them across a restart', async () => {
    const log = await open();
    await log.append(entries(1, 10));
    for (const index of [2, 4, 6, 8, 10]) await log.stateSnapshots.write({ raftIndex: index, term: 1 }, Buffer.from(`after ${index}`));
    assert.deepEqual(log.stateSnapshots.list().map((s) => s.raftIndex), [6, 8, 10].slice(-STATE_SNAPSHOTS_KEPT));
    assert.equal(snapshotFiles(partitionDir()).length, STATE_SNAPSHOTS_KEPT);
    await storage.reopen();
    const reopened = await open();
    assert.deepEqual(reopened.stateSnapshots.list(), [{ raftIndex: 6, term: 1 }, { raftIndex: 8, term: 1 }, { raftIndex: 10, term: 1 }]);
    assert.equal((await reopened.stateSnapshots.read({ raftIndex: 10, term: 1 })).toString(), 'after 10');
  });

  it('is not usable once the log holds another term at its index, and is deleted with a truncated suffix', async () => {
    const log = await open();
    await log.append(entries(1, 10, { term: 1 }));
    await log.stateSnapshots.write({ raftIndex: 5, term: 1 }, Buffer.from('5'));
    await log.stateSnapshots.write({ raftIndex: 9, term: 1 }, Buffer.from('9'));
    await log.stateSnapshots.write({ raftIndex: 7, term: 2 }, Buffer.from('a term the log does not have there'));
    assert.deepEqual(log.stateSnapshots.list().map((s) => s.raftIndex), [5, 9]);
    await log.truncateSuffix(asRaftIndex(8));
    await log.append(entries(8, 3, { term: 3 }));
    assert.deepEqual(log.stateSnapshots.list(), [{ raftIndex: 5, term: 1 }]);
    assert.deepEqual(snapshotFiles(partitionDir()), ['00000000000000000005-1.state']);
  });

  it('deletes at open a snapshot of a tail the crash lost, so that an entry appended again at its index never matches it', async () => {
    const log = await open();
    await log.append(entries(1, 10));
    await log.stateSnapshots.write({ raftIndex: 10, term: 1 }, Buffer.from('10'));
    await storage.reopen();
    const segment = join(partitionDir(), readdirSync(partitionDir()).find((n) => n.endsWith('.log'))!);
    truncateSync(segment, statSync(segment).size - 10); // a torn last entry
    const recovered = await open();
    assert.equal(recovered.lastRaftIndex, 9);
    assert.deepEqual(snapshotFiles(partitionDir()), []);
    await recovered.append(entries(10, 1));
    assert.deepEqual(recovered.stateSnapshots.list(), []);
  });

  it('refuses a snapshot whose bytes were damaged', async () => {
    const log = await open();
    await log.append(entries(1, 3));
    await log.stateSnapshots.write({ raftIndex: 3, term: 1 }, Buffer.from('intact'));
    truncateSync(join(partitionDir(), '00000000000000000003-1.state'), 6);
    await assert.rejects(log.stateSnapshots.read({ raftIndex: 3, term: 1 }), /fails its CRC32C check/);
  });
});
