// The topics of a release-0.1 data directory are adopted once: a start that finds their list
// again (a crash after the replay, before the list was forgotten) replays only what the metadata
// lacks, and the topics keep their records, creation times and committed offsets.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { StorageEngine } from '../../src/storage/storage-engine';
import { BATCHES, COMMITS, GROUP, TOPIC, type FixtureManifest } from '../fixtures/single-broker-v0.1/content';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

const FIXTURE_DIR = resolve(__dirname, '../../../test/fixtures/single-broker-v0.1');
const manifest = JSON.parse(readFileSync(join(FIXTURE_DIR, 'fixture.json'), 'utf8')) as FixtureManifest;
/** Where release 0.1 kept its topics (src/broker/cluster/single-broker-topics.ts). */
const TOPICS_KEY = 'metadata/topics';

async function withMeta<T>(dataDir: string, use: (engine: StorageEngine) => Promise<T>): Promise<T> {
  const engine = await StorageEngine.open({ dataDir });
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

describe('adopting a release-0.1 data directory', () => {
  let fx: BrokerFixture | undefined;
  afterEach(async () => fx?.close());

  it('replays the topics once: found again after a crash, they are skipped and keep their data and commit times', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-adoption-'));
    cpSync(join(FIXTURE_DIR, 'data'), dataDir, { recursive: true });
    const stored = await withMeta(dataDir, async (engine) => engine.getMeta(TOPICS_KEY));
    assert.ok(Array.isArray(stored) && stored.length > 0, 'the fixture holds the single broker topic list');

    fx = await startBrokerFixture({}, dataDir);
    await fx.close({ keepData: true });
    fx = undefined;
    await withMeta(dataDir, async (engine) => {
      assert.equal(engine.getMeta(TOPICS_KEY) ?? null, null, 'forgotten once adopted');
      // As a crash between the replay and forgetting the list leaves it.
      await engine.putMetaDurable(TOPICS_KEY, stored);
    });

    fx = await startBrokerFixture({}, dataDir);
    const listed = await fx.admin('listTopics', { includeInternal: true });
    assert.deepEqual(listed.topics.map((t: any) => t.name).sort(), ['__consumer_offsets', TOPIC]);
    const end = await fx.data('listOffsets', { partitions: [{ topic: TOPIC, partition: 0, timestampMs: -1 }] });
    const partition0 = BATCHES.filter((b) => b.partition === 0).reduce((n, b) => n + b.records.length, 0);
    assert.equal(Number(end.partitions[0].offset), partition0);
    const fetched = await fx.groups('fetchOffsets', { groupId: GROUP, partitions: COMMITS.map((c) => ({ topic: c.topic, partition: c.partition })) });
    assert.deepEqual(fetched.partitions.map((p: any) => [p.errorCode, Number(p.offset)]), COMMITS.map((c) => [ErrorCode.NONE, c.offset]));
    const described = await fx.admin('describeTopics', { names: [TOPIC] });
    assert.deepEqual({ ...described.topics[0].configs }, manifest.configs);
    await fx.close({ keepData: true });
    fx = undefined;
    await withMeta(dataDir, async (engine) => assert.equal(engine.getMeta(TOPICS_KEY) ?? null, null));
    fx = await startBrokerFixture({}, dataDir);
  });
});
