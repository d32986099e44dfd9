import assert from 'node:assert/strict';
import { asNodeId, asRaftIndex } from '../../src/common/ids';
import { CATCH_UP_SLACK_ENTRIES, nextMembershipStep, type LeaderView } from '../../src/partition/membership-plan';
import { makeConfig, type ProgressStatus } from '../../src/raft';

const progress = (matches: Record<number, number>, learners: number[] = []): ProgressStatus[] =>
  Object.entries(matches).map(([id, match]) => ({
    id: asNodeId(Number(id)), state: 'replicate', match: asRaftIndex(match), next: asRaftIndex(match + 1), isLearner: learners.includes(Number(id)),
  }));

const view = (self: number, voters: number[], learners: number[], matches: Record<number, number>, commit = 5000): LeaderView => ({
  self, config: makeConfig(voters, learners), commit, progress: progress(matches, learners),
});

describe('nextMembershipStep', () => {
  it('adds every new replica as a learner first, lowest id first', () => {
    assert.deepEqual(nextMembershipStep(view(1, [1, 2, 3], [], { 1: 5000, 2: 5000, 3: 5000 }), [2, 5, 4]), { kind: 'change', change: { type: 'addLearner', node: 4 } });
  });

  it('promotes a learner only once it is within the catch-up slack of the commit point', () => {
    const behind = view(1, [1, 2, 3], [4], { 1: 5000, 2: 5000, 3: 5000, 4: 5000 - CATCH_UP_SLACK_ENTRIES - 1 });
    assert.equal(nextMembershipStep(behind, [2, 3, 4]).kind, 'wait');
    const caughtUp = view(1, [1, 2, 3], [4], { 1: 5000, 2: 5000, 3: 5000, 4: 4990 });
    assert.deepEqual(nextMembershipStep(caughtUp, [2, 3, 4]), { kind: 'change', change: { type: 'promote', node: 4 } });
  });

  it('never promotes a learner that has not answered, however short the log (a broker registered but never started)', () => {
    const silent = view(1, [1, 2, 3], [4], { 1: 12, 2: 12, 3: 12, 4: 0 }, 12);
    assert.equal(nextMembershipStep(silent, [2, 3, 4]).kind, 'wait');
    const answered = view(1, [1, 2, 3], [4], { 1: 12, 2: 12, 3: 12, 4: 12 }, 12);
    assert.deepEqual(nextMembershipStep(answered, [2, 3, 4]), { kind: 'change', change: { type: 'promote', node: 4 } });
  });

  it('removes leaving voters only after the new ones vote, and the leader itself last by a transfer', () => {
    assert.deepEqual(nextMembershipStep(view(2, [1, 2, 3, 4], [], { 1: 5000, 2: 5000, 3: 5000, 4: 5000 }), [2, 3, 4]), { kind: 'change', change: { type: 'remove', node: 1 } });
    assert.deepEqual(nextMembershipStep(view(1, [1, 2, 3, 4], [], { 1: 5000, 2: 4000, 3: 5000, 4: 4999 }), [2, 3, 4]), { kind: 'transfer', to: 3 });
  });

  it('leaves two voters only through the leader: the leaving one is handed leadership and removes itself', () => {
    assert.deepEqual(nextMembershipStep(view(2, [1, 2], [], { 1: 5000, 2: 5000 }), [2]), { kind: 'transfer', to: 1 });
    assert.deepEqual(nextMembershipStep(view(1, [1, 2], [], { 1: 5000, 2: 5000 }), [2]), { kind: 'change', change: { type: 'remove', node: 1 } });
  });

  it('removes a learner that is not assigned, and is done when the voters equal the assignment', () => {
    assert.deepEqual(nextMembershipStep(view(1, [1, 2, 3], [7], { 1: 1, 2: 1, 3: 1, 7: 1 }), [1, 2, 3]), { kind: 'change', change: { type: 'remove', node: 7 } });
    assert.deepEqual(nextMembershipStep(view(1, [1, 2, 3], [], { 1: 1, 2: 1, 3: 1 }), [3, 1, 2]), { kind: 'done' });
  });
});
