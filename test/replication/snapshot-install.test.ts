// A follower behind the leader's log start is brought up to date by a snapshot install, which
// swaps its partition directory (resetTo: `~reset` beside the live directory, then renames). For
// a topic with the longest accepted name (249 characters) that suffix once exceeded the 255-byte
// file-name limit; directories are now named by the topic id (docs/storage.md).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asNodeId } from '../../src/common/ids';
import { newTopicId } from '../../src/common/topic-id';
import { InMemoryNetwork } from '../../src/replication/transport';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/types';
import { electedLeader, produceOnLeader, startNode, stopNode, type TestNode } from './replica-harness';
import { until } from '../until';

const LONG_TOPIC = { name: `snap.${'s'.repeat(244)}`, topicId: newTopicId() };
const LOG_CONFIG = { ...DEFAULT_LOG_CONFIG, segmentBytes: 1024, retentionBytes: 1024, retentionMs: -1 };

describe('snapshot install on a topic with a 249-character name (3 replicas, in-memory network)', function () {
  const dirs: string[] = [];
  let nodes: TestNode[] = [];
  let network: InMemoryNetwork;
  beforeEach(async () => {
    network = new InMemoryNetwork();
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `sluice-snapshot-${id}-`));
      dirs.push(dir);
      nodes.push(await startNode(network, id, dir, { topic: LONG_TOPIC, logConfig: LOG_CONFIG }));
    }
  });
  afterEach(async () => {
    network.heal();
    for (const node of nodes.splice(0)) await stopNode(node);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('resets a lagging follower to the leader\'s log start and serves the records after it', async () => {
    assert.equal(LONG_TOPIC.name.length, 249);
    await produceOnLeader(() => nodes, ['first']);
    const leader = await electedLeader(() => nodes);
    const lagging = nodes.find((n) => n.id !== leader.id)!;
    network.isolate(asNodeId(lagging.id));
    const others = (): TestNode[] => nodes.filter((n) => n !== lagging);
    for (let i = 0; i < 40; i++) {
      const outcome = await produceOnLeader(others, [`value-${i}-${'x'.repeat(100)}`], [lagging.id]);
      assert.ok(outcome.ok, JSON.stringify(outcome));
    }
    for (const node of others()) await node.partition.applyRetention();
    const start = Math.min(...others().map((n) => n.partition.logStartOffset));
    assert.ok(start > lagging.partition.logEndOffset, `retention moved the log start (${start}) past the lagging follower's end (${lagging.partition.logEndOffset})`);

    network.heal();
    await until(() => lagging.partition.highWatermark === 41 && lagging.partition.logStartOffset >= start, 'the lagging follower to install the snapshot and catch up');
    const { entries } = await lagging.log.read(lagging.partition.logStartOffset as never, 41 as never, 1 << 20);
    assert.equal(entries.at(-1)!.header.baseOffset, 40);
  });
});
