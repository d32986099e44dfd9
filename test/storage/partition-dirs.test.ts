// Partition directories are named by the topic id (docs/storage.md, "Directory layout"): their
// names stay short whatever the topic's name, so the `~reset` and `~deleting` renames of a topic
// with the longest accepted name (249 characters) fit the file system's 255-byte limit, and a
// re-created topic of the same name never opens the old one's directory.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asOffset, asRaftIndex, asTerm } from '../../src/common/ids';
import { newTopicId } from '../../src/common/topic-id';
import { partitionDirName } from '../../src/storage/partition-dirs';
import { StorageEngine } from '../../src/storage/storage-engine';
import { config, entries, tempDir } from './helpers';

const LONG_NAME = `t${'x'.repeat(248)}`;

describe('storage: partition directories named by topic id', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: StorageEngine;
  beforeEach(async () => {
    dir = tempDir();
    engine = await StorageEngine.open({ dataDir: dir.path });
  });
  afterEach(async () => {
    await engine.close();
    dir.remove();
  });
  const partitionDirs = (): string[] => readdirSync(join(dir.path, 'partitions')).sort();

  it('keeps the directory name of a topic with a 249-character name short enough for its suffixes', () => {
    const name = partitionDirName(LONG_NAME, 1023, newTopicId());
    assert.ok(Buffer.byteLength(`${name}~deleting`) <= 255, `${name}~deleting is too long`);
    assert.ok(name.startsWith(LONG_NAME.slice(0, 40)), 'the name keeps a readable prefix of the topic name');
  });

  it('resets a long-named topic\'s log to a snapshot point', async () => {
    const topicId = newTopicId();
    const log = await engine.openLog(LONG_NAME, 0, config(), topicId);
    await log.append(entries(1, 5));
    await log.resetTo(asOffset(500), asRaftIndex(60), asTerm(4));
    assert.equal(log.logStartOffset, 500);
    assert.deepEqual(partitionDirs(), [partitionDirName(LONG_NAME, 0, topicId)]);
    await engine.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
    assert.equal((await engine.openLog(LONG_NAME, 0, config(), topicId)).firstRaftIndex, 60);
  });

  it('deletes a long-named topic\'s log, and a re-created topic of that name starts empty', async () => {
    const first = newTopicId();
    await (await engine.openLog(LONG_NAME, 0, config(), first)).append(entries(1, 3));
    assert.deepEqual(engine.listLogs(), [{ topicId: first, partition: 0 }]);
    await engine.deleteLog(LONG_NAME, 0, first);
    assert.deepEqual(partitionDirs(), []);
    const again = await engine.openLog(LONG_NAME, 0, config(), newTopicId());
    assert.equal(again.logEndOffset, 0);
  });

  it('moves a log named by its topic name to its topic id\'s directory, once', async () => {
    await (await engine.openLog('orders', 2, config())).append(entries(1, 4));
    await engine.close();
    engine = await StorageEngine.open({ dataDir: dir.path });
    const topicId = newTopicId();
    await engine.adoptNameDir('orders', 2, topicId);
    assert.deepEqual(partitionDirs(), [partitionDirName('orders', 2, topicId)]);
    await engine.adoptNameDir('orders', 2, topicId); // a second start: nothing left to move
    const log = await engine.openLog('orders', 2, config(), topicId);
    assert.equal(log.lastRaftIndex, 4);
    const read = await log.read(asOffset(0), log.logEndOffset, 1 << 20);
    assert.deepEqual(read.entries.map((e) => e.header.raftIndex), [1, 2, 3, 4]);
    assert.equal(existsSync(join(dir.path, 'partitions', 'orders-2')), false);
  });

  it('never moves a name-based log over an existing directory of the id', async () => {
    const topicId = newTopicId();
    await (await engine.openLog('orders', 0, config(), topicId)).append(entries(1, 2));
    await engine.openLog('orders', 0, config());
    await engine.adoptNameDir('orders', 0, topicId);
    assert.deepEqual(partitionDirs(), ['orders-0', partitionDirName('orders', 0, topicId)]);
  });
});
