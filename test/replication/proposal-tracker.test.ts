// The proposal tracker alone: every waiter (a proposal, a retry waiting on it, a retry waiting for
// the commit point) is answered exactly once, with its original when it has one, and fails
// (outcome unknown) when the leader may lose track of it.
import assert from 'node:assert/strict';
import { ProposalTracker, type TrackedProposal } from '../../src/replication/proposal-tracker';

type Outcome = { readonly ok: true; readonly at: number; readonly duplicate: boolean } | { readonly ok: false; readonly why: string };

interface Proposal extends TrackedProposal<Outcome> {
  readonly at: number;
}

/** A tracker whose answers say what happened, and a recorder of every answer each waiter got. */
function setUp(): { tracker: ProposalTracker<Proposal, Outcome>; propose: (index: number, term: number, answerWhenAppended?: boolean) => Proposal; answers: Map<string, Outcome[]>; waiter: (name: string) => (o: Outcome) => void } {
  const answers = new Map<string, Outcome[]>();
  const waiter = (name: string) => (outcome: Outcome) => answers.set(name, [...(answers.get(name) ?? []), outcome]);
  const tracker = new ProposalTracker<Proposal, Outcome>({
    stored: (p) => ({ ok: true, at: p.at, duplicate: false }),
    replaced: () => ({ ok: false, why: 'replaced' }),
    unknown: (reason) => ({ ok: false, why: `unknown: ${reason}` }),
    forDuplicate: (o) => (o.ok ? { ...o, duplicate: true } : o),
  });
  const propose = (index: number, term: number, answerWhenAppended = false): Proposal => {
    const proposal: Proposal = { term, answerWhenAppended, resolve: waiter(`p${index}`), appended: false, duplicates: undefined, at: index * 10 };
    tracker.track(index, proposal);
    return proposal;
  };
  return { tracker, propose, answers, waiter };
}

describe('proposal tracker', () => {
  it('answers a proposal when its entry commits, and "replaced" when another term\'s entry commits at its index', () => {
    const { tracker, propose, answers } = setUp();
    propose(1, 2);
    propose(2, 2);
    assert.equal(tracker.committed(1, 2)?.at, 10);
    assert.equal(tracker.committed(2, 3), undefined);
    assert.deepEqual(answers.get('p1'), [{ ok: true, at: 10, duplicate: false }]);
    assert.deepEqual(answers.get('p2'), [{ ok: false, why: 'replaced' }]);
    assert.equal(tracker.size, 0);
  });

  it('answers with the outcome the committed entry gave, when the owner has one (a state machine\'s answer)', () => {
    const { tracker, propose, answers } = setUp();
    propose(4, 1);
    tracker.committed(4, 1, { ok: false, why: 'the command was refused when applied' });
    assert.deepEqual(answers.get('p4'), [{ ok: false, why: 'the command was refused when applied' }]);
  });

  it('resolves a duplicate with its original: at the append when both asked for it, else at the commit', () => {
    const { tracker, propose, answers, waiter } = setUp();
    const original = propose(7, 1, true);
    tracker.addDuplicate(original, true, waiter('retry-leader'));
    tracker.addDuplicate(original, false, waiter('retry-all'));
    tracker.appended(7, 1);
    assert.deepEqual(answers.get('p7'), [{ ok: true, at: 70, duplicate: false }]);
    assert.deepEqual(answers.get('retry-leader'), [{ ok: true, at: 70, duplicate: true }]);
    assert.equal(answers.get('retry-all'), undefined, 'an acks=all retry waits for the commit');
    tracker.addDuplicate(original, true, waiter('late-retry-leader'));
    assert.deepEqual(answers.get('late-retry-leader'), [{ ok: true, at: 70, duplicate: true }], 'the log holds it already');
    tracker.committed(7, 1);
    assert.deepEqual(answers.get('retry-all'), [{ ok: true, at: 70, duplicate: true }]);
    assert.equal(answers.get('p7')!.length, 1, 'the original was answered once, at its append');
  });

  it('fails a duplicate with its original when the original is replaced', () => {
    const { tracker, propose, answers, waiter } = setUp();
    const original = propose(3, 1);
    tracker.addDuplicate(original, false, waiter('retry'));
    tracker.committed(3, 2);
    assert.deepEqual(answers.get('retry'), [{ ok: false, why: 'replaced' }]);
  });

  it('ignores an append of another term at a proposal\'s index', () => {
    const { tracker, propose, answers } = setUp();
    propose(5, 1, true);
    tracker.appended(5, 2);
    assert.equal(answers.get('p5'), undefined);
  });

  it('answers a retry of an untracked stored entry once the commit index reaches it', () => {
    const { tracker, answers, waiter } = setUp();
    tracker.waitForCommit(9, { ok: true, at: 90, duplicate: true }, waiter('retry'));
    tracker.committed(8, 1);
    assert.equal(answers.get('retry'), undefined);
    tracker.committed(9, 1);
    assert.deepEqual(answers.get('retry'), [{ ok: true, at: 90, duplicate: true }]);
  });

  // The four events after which the leader may lose track of a proposal: every waiter fails.
  const events: [string, (tracker: ProposalTracker<Proposal, Outcome>) => void][] = [
    ['leadership loss', (t) => t.failAll('leadership moved')],
    ['truncation', (t) => t.truncated(1, 'truncated')],
    ['close', (t) => t.failAll('closed')],
    ['storage failure', (t) => t.failAll('storage failed')],
  ];
  for (const [event, happen] of events) {
    it(`fails every waiter with "outcome unknown" on ${event}`, () => {
      const { tracker, propose, answers, waiter } = setUp();
      const inFlight = propose(1, 1);
      const appendedForLeader = propose(2, 1, true);
      tracker.addDuplicate(inFlight, false, waiter('retry-of-1'));
      tracker.addDuplicate(appendedForLeader, false, waiter('retry-of-2'));
      tracker.appended(2, 1);
      tracker.waitForCommit(2, { ok: true, at: 20, duplicate: true }, waiter('retry-of-stored'));
      happen(tracker);
      for (const name of ['p1', 'retry-of-1', 'retry-of-2', 'retry-of-stored']) {
        const got = answers.get(name);
        assert.equal(got?.length, 1, `${name} answered once`);
        assert.ok(!got[0]!.ok && got[0]!.why.startsWith('unknown: '), `${name}: ${JSON.stringify(got)}`);
      }
      assert.deepEqual(answers.get('p2'), [{ ok: true, at: 20, duplicate: false }], 'an acks=leader proposal keeps its answer from the append');
      assert.equal(tracker.size, 0);
      tracker.committed(1, 1);
      tracker.committed(2, 1);
      assert.equal(answers.get('p1')!.length, 1, 'nothing is answered twice');
    });
  }

  it('on truncation keeps the proposals and waiters below the cut', () => {
    const { tracker, propose, answers, waiter } = setUp();
    propose(1, 1);
    propose(2, 1);
    tracker.waitForCommit(1, { ok: true, at: 10, duplicate: true }, waiter('retry-of-1'));
    tracker.waitForCommit(2, { ok: true, at: 20, duplicate: true }, waiter('retry-of-2'));
    tracker.truncated(2, 'truncated');
    assert.equal(answers.get('p1'), undefined);
    assert.equal(answers.get('retry-of-1'), undefined);
    assert.equal(answers.get('p2')?.length, 1);
    assert.equal(answers.get('retry-of-2')?.length, 1);
    tracker.committed(1, 1);
    assert.deepEqual(answers.get('p1'), [{ ok: true, at: 10, duplicate: false }]);
    assert.deepEqual(answers.get('retry-of-1'), [{ ok: true, at: 10, duplicate: true }]);
  });
});
