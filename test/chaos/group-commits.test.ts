// The consumer-group checks on hand-made commits, offsets and reads: each planted anomaly (a
// commit below one acknowledged before it was sent, a group holding less than it acknowledged, a
// read the log does not hold) is reported naming what is involved, and clean histories (including
// two commits in flight at once, out of order) are not.
import assert from 'node:assert/strict';
import { ConsumerReads, FinalLog } from './consumer-reads';
import { committedOffsetsWentBack, finalOffsetsBelowCommits, groupReadsNotInLog, type GroupCommit } from './group-commits';

const commit = (member: string, partition: number, offset: number, sentMs: number, ackedMs: number): GroupCommit => ({ member, partition, offset, sentMs, ackedMs });

describe('chaos consumer-group checks', () => {
  describe('committed offsets never go backwards', () => {
    it('finds nothing in commits that only move forward, across members and partitions', () => {
      assert.deepEqual(committedOffsetsWentBack([
        commit('a', 0, 5, 0, 10), commit('a', 1, 3, 0, 10), commit('b', 0, 9, 20, 30), commit('a', 1, 3, 40, 50), commit('b', 0, 12, 60, 70),
      ]), []);
    });

    it('holds no order between two commits in flight at once', () => {
      // b's 7 was sent before a's 9 was acknowledged: either may have been applied first.
      assert.deepEqual(committedOffsetsWentBack([commit('a', 0, 9, 0, 20), commit('b', 0, 7, 10, 30)]), []);
    });

    it('reports a commit lower than one acknowledged before it was sent, naming both', () => {
      const found = committedOffsetsWentBack([commit('a', 0, 5, 0, 10), commit('a', 0, 9, 20, 30), commit('b', 0, 7, 40, 50), commit('b', 1, 2, 40, 50)]);
      assert.equal(found.length, 1);
      assert.match(found[0]!, /partition 0 went back: b committed 0@7 .* after a committed 0@9/);
    });

    it('reports each commit that went back, against the highest before it', () => {
      const found = committedOffsetsWentBack([commit('a', 2, 9, 0, 10), commit('a', 2, 4, 20, 30), commit('b', 2, 6, 40, 50)]);
      assert.equal(found.length, 2);
      assert.ok(found.every((line) => line.includes('after a committed 2@9')));
    });
  });

  describe('the group holds at least its highest acknowledged commit', () => {
    const commits = [commit('a', 0, 5, 0, 10), commit('b', 0, 8, 20, 30), commit('a', 1, 4, 0, 10)];

    it('finds nothing when the group holds each partition\'s highest commit or more', () => {
      assert.deepEqual(finalOffsetsBelowCommits(commits, new Map([[0, 8], [1, 6]])), []);
    });

    it('reports a partition held below its highest commit, and one not held at all', () => {
      const found = finalOffsetsBelowCommits(commits, new Map([[0, 5]]));
      assert.equal(found.length, 2);
      assert.match(found[0]!, /holds 5 for partition 0, below the acknowledged commit: b committed 0@8/);
      assert.match(found[1]!, /holds -1 for partition 1, below the acknowledged commit: a committed 1@4/);
    });
  });

  describe('every record handed to a member is in the log', () => {
    const log = new FinalLog();
    ['x-0', 'x-1', 'x-2'].forEach((value, offset) => log.record(0, offset, value));

    it('finds nothing in reads the log holds, read twice across members', () => {
      const a = new ConsumerReads('a');
      const b = new ConsumerReads('b');
      a.read(0, 0, 'x-0');
      a.read(0, 1, 'x-1');
      b.read(0, 1, 'x-1');
      b.read(0, 2, 'x-2');
      assert.deepEqual(groupReadsNotInLog([a, b], log), { count: 0, lines: [] });
    });

    it('reports a read of another value and a read past the end of the log', () => {
      const a = new ConsumerReads('a');
      a.read(0, 1, 'y-1');
      a.read(0, 3, 'x-3');
      const found = groupReadsNotInLog([a], log);
      assert.equal(found.count, 2);
      assert.match(found.lines[0]!, /a read 'y-1' at 0@1, which the log after the run holds 'x-1'/);
      assert.match(found.lines[1]!, /a read 'x-3' at 0@3, which the log after the run does not reach/);
    });
  });
});
