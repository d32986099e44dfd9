// A leader whose storage fails while its broker stays up: its group hands leadership to a
// follower, also when the group was quiet (followers watching only the leader's broker, which
// keeps answering), and the failed replica stops claiming to lead.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors';
import { InMemoryNetwork } from '../../src/replication/transport';
import { nodeFileIo, type FileIo } from '../../src/storage/file-io';
import { electedLeader, produce, produceOnLeader, startNode, stopNode, type TestNode } from './replica-harness';
import { until } from '../until';

describe('replicated partition: a leader whose storage fails', function () {
  const nodes: TestNode[] = [];
  const dirs: string[] = [];
  /** Nodes whose fdatasync fails from now on, as a disk that went bad. */
  const broken = new Set<number>();

  const ioOf = (id: number): FileIo => ({
    ...nodeFileIo,
    fdatasync: async (fd) => {
      if (broken.has(id)) throw Object.assign(new Error('EIO: i/o error, fdatasync (injected)'), { code: 'EIO' });
      return nodeFileIo.fdatasync(fd);
    },
  });

  beforeEach(async () => {
    const network = new InMemoryNetwork();
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `sluice-failure-${id}-`));
      dirs.push(dir);
      // An election timeout beyond the 10 idle ticks after which a group goes quiet: a follower
      // woken by the failed leader's last append goes quiet again before it would campaign. (With
      // a broker's 10 ticks the follower campaigns only if its randomised timeout is exactly 10.)
      nodes.push(await startNode(network, id, dir, { io: ioOf(id), electionTimeoutTicks: 20 }));
    }
  });

  afterEach(async () => {
    broken.clear();
    for (const node of nodes.splice(0)) await stopNode(node).catch(() => undefined);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('hands leadership to a follower of a quiet group, and the failed replica no longer claims to lead', async () => {
    assert.ok((await produceOnLeader(() => nodes, ['before'])).ok);
    await until(() => nodes.every((n) => n.host.activeGroups === 0), 'every replica to quiesce');
    const old = await electedLeader(() => nodes);
    broken.add(old.id);
    const failed = await produce(old.partition, ['lost']);
    assert.equal(failed.ok, false);
    // Proposed before the storage failed: the followers may hold it, so its outcome is unknown.
    assert.equal(!failed.ok && failed.code, ErrorCode.OUTCOME_UNKNOWN);
    const next = await electedLeader(() => nodes, [old.id]);
    assert.notEqual(next.id, old.id);
    assert.equal(old.partition.leaderId, null, 'the failed replica does not point clients at itself');
    const after = await produceOnLeader(() => nodes, ['after'], [old.id]);
    assert.ok(after.ok, JSON.stringify(after));
    const end = after.ok ? after.baseOffset + 1 : -1;
    const survivors = nodes.filter((n) => n.id !== old.id);
    await until(() => survivors.every((n) => n.partition.highWatermark === end), 'the survivors to commit the write');
  });
});
