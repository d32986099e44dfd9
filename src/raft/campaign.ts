// Starting an election (thesis §3.4), with the PreVote round of §9.6.
import { asRaftIndex, asTerm } from '../common/ids';
import type { RaftCore } from './raft-core';

/**
 * Starts an election (thesis §3.4), preceded by a PreVote round when enabled. A transfer
 * election (TimeoutNow) skips PreVote and overrides receivers' leader lease (thesis §3.10).
 */
export function campaign(core: RaftCore, kind: 'preElection' | 'election' | 'transfer'): void {
  if (!core.promotable()) return;
  let voteTerm: number;
  if (kind === 'preElection') {
    core.becomePreCandidate();
    voteTerm = core.term + 1;
    if (core.poll(core.id, true) === 'won') {
      campaign(core, 'election');
      return;
    }
  } else {
    core.becomeCandidate();
    voteTerm = core.term;
  }
  const lastLogIndex = asRaftIndex(core.log.lastIndex());
  const lastLogTerm = core.log.lastTerm();
  for (const v of core.config.voters) {
    if (v === core.id) continue;
    core.send({
      type: 'voteRequest',
      to: v,
      term: asTerm(voteTerm),
      preVote: kind === 'preElection',
      lastLogIndex,
      lastLogTerm,
      transfer: kind === 'transfer',
    });
  }
}
