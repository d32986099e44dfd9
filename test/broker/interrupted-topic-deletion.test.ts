// Deleting a topic is crash-safe in any order of events (docs/storage.md, "Directory layout"): a
// directory the deletion did not reach, or one it left as `~deleting`, is removed at the next
// start and never served to a topic re-created under the name; a directory the metadata knows
// nothing about is kept (the applied metadata may lag after a restart: it could be a live topic's).
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { newTopicId } from '../../src/common/topic-id';
import { partitionDirName } from '../../src/storage/partition-dirs';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('a topic deletion interrupted by a crash', () => {
  let fx: BrokerFixture;
  beforeEach(async () => (fx = await startBrokerFixture()));
  afterEach(async () => fx.close());

  const partitionsDir = (): string => join(fx.dataDir, 'partitions');
  const dirsOf = (prefix: string): string[] => readdirSync(partitionsDir()).filter((n) => n.startsWith(prefix)).sort();
  const ok = (response: any): void => assert.equal(response.topics[0].errorCode, 0, response.topics[0].errorMessage);
  const values = async (topic: string): Promise<string[]> => {
    const r = (await fx.data('fetch', { partitions: [{ topic, partition: 0, offset: 0, maxBytes: 1 << 20 }] })).partitions[0];
    assert.equal(r.errorCode, 0, r.errorMessage);
    return r.batches.flatMap((b: any) => b.batch.records.map((rec: any) => Buffer.from(rec.value).toString()));
  };

  it('is finished at the next start, whether its directory was still live or renamed to ~deleting', async () => {
    ok(await fx.admin('createTopics', { topics: [{ name: 'live' }, { name: 'renamed' }] }));
    for (const topic of ['live', 'renamed']) {
      const r = await fx.data('produce', { partitions: [{ topic, partition: 0, batch: { records: [{ value: Buffer.from(`old ${topic}`) }] } }] });
      assert.equal(r.partitions[0].errorCode, 0, r.partitions[0].errorMessage);
    }
    const [live] = dirsOf('live@');
    const [renamed] = dirsOf('renamed@');
    await fx.close({ keepData: true });
    const saved = join(fx.dataDir, 'saved');
    cpSync(join(partitionsDir(), live!), join(saved, live!), { recursive: true });
    cpSync(join(partitionsDir(), renamed!), join(saved, renamed!), { recursive: true });

    fx = await startBrokerFixture({}, fx.dataDir);
    ok(await fx.admin('deleteTopics', { names: ['live'] }));
    ok(await fx.admin('deleteTopics', { names: ['renamed'] }));
    ok(await fx.admin('createTopics', { topics: [{ name: 'live' }, { name: 'renamed' }] }));
    await fx.close({ keepData: true });
    // As if the broker had crashed once the deletions were committed: one before its directory
    // was renamed, one after the rename to ~deleting.
    renameSync(join(saved, live!), join(partitionsDir(), live!));
    renameSync(join(saved, renamed!), join(partitionsDir(), `${renamed!}~deleting`));

    fx = await startBrokerFixture({}, fx.dataDir);
    assert.deepEqual(await values('live'), [], 'the re-created topic serves none of the deleted one\'s records');
    assert.deepEqual(await values('renamed'), []);
    assert.equal(existsSync(join(partitionsDir(), live!)), false, 'the replayed deletion removed the directory it had not reached');
    assert.equal(existsSync(join(partitionsDir(), `${renamed!}~deleting`)), false);
    assert.equal(dirsOf('live@').length, 1);
    assert.equal(dirsOf('renamed@').length, 1);
  });

  it('never removes a directory whose topic id the metadata does not know', async () => {
    ok(await fx.admin('createTopics', { topics: [{ name: 'known' }] }));
    await fx.close({ keepData: true });
    const unknown = partitionDirName('unknown', 0, newTopicId());
    cpSync(join(partitionsDir(), dirsOf('known@')[0]!), join(partitionsDir(), unknown), { recursive: true });
    fx = await startBrokerFixture({}, fx.dataDir);
    fx = await fx.restart();
    assert.ok(existsSync(join(partitionsDir(), unknown)), 'a directory of an id the metadata does not know is kept');
  });
});
