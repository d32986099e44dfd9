// Restarting replicas must not roll their active segments. A new leader's no-op entry and Raft
// configuration entries carry no append time (0); a segment that began with one used to restore
// its age from that 0 after a restart, so segment.ms fired on the first append: every restart
// of a three-replica partition left a new segment on every replica.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { InMemoryNetwork } from '../../src/replication/transport';
import { electedLeader, produceOnLeader, startNode, stopNode, TP, type TestNode } from './replica-harness';
import { until } from '../until';

describe('replicated partition: restarts and segment rolls', function () {
  const nodes: TestNode[] = [];
  const dirs: string[] = [];
  const segmentsOf = (node: TestNode): string[] =>
    readdirSync(join(node.dir, 'partitions', `${TP.topic}-${TP.partition}`)).filter((name) => name.endsWith('.log'));

  afterEach(async () => {
    for (const node of nodes.splice(0)) await stopNode(node);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  for (const restart of ['clean', 'crash'] as const) {
    it(`keeps one segment per replica across four ${restart} restarts of every replica`, async () => {
      const network = new InMemoryNetwork();
      for (const id of [1, 2, 3]) {
        const dir = mkdtempSync(join(tmpdir(), `sluice-roll-${id}-`));
        dirs.push(dir);
        nodes.push(await startNode(network, id, dir));
      }
      for (let round = 0; round < 4; round++) {
        const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => produceOnLeader(() => nodes, [`r${round}-${i}`])));
        assert.ok(outcomes.every((o) => o.ok));
        const end = (await electedLeader(() => nodes)).partition.highWatermark;
        await until(() => nodes.every((n) => n.partition.highWatermark === end), 'every replica to hold every batch');
        const restarted: TestNode[] = [];
        for (const node of nodes.splice(0)) {
          if (restart === 'clean') await stopNode(node);
          else await crash(node);
          restarted.push(await startNode(network, node.id, node.dir));
        }
        nodes.push(...restarted);
      }
      assert.ok((await produceOnLeader(() => nodes, ['last'])).ok);
      for (const node of nodes) assert.deepEqual(segmentsOf(node), ['00000000000000000000.log'], `node ${node.id}`);
    });
  }
});

/**
 * As a kill -9 leaves it, as far as the next open can tell: no segment summaries in the index,
 * so the open scans the segments (the crash path of recovery). Appends were fsynced by the commit.
 */
async function crash(node: TestNode): Promise<void> {
  await stopNode(node);
  const env = open({ path: join(node.dir, 'index'), maxDbs: 16 });
  const summaries = env.openDB({ name: 'segments' });
  const prefix = `${TP.topic}-${TP.partition}`;
  for (const key of summaries.getKeys({ start: [prefix, -1], end: [prefix, Number.MAX_SAFE_INTEGER] })) await summaries.remove(key);
  await env.close();
}
