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
  const pairCommitted = holdsCommittedPair(core);
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
      pairCommitted,
    });
  }
}

/**
 * Whether this node's configuration is two voters (itself and one other) and no learners, and is
 * committed in its log (the bootstrap configuration, index 0, is every member's from the start).
 * Every entry committed since that configuration needed both voters, and no change away from it
 * can have committed without this node (docs/raft.md, "Two voters").
 */
function holdsCommittedPair(core: RaftCore): boolean {
  const { voters, learners } = core.config;
  return voters.length === 2 && learners.length === 0 && voters.includes(core.id) && core.configIndex <= core.log.committed;
}

/**
 * A node rebuilding a lost log that has heard from no leader for an election timeout tells every
 * voter its log is empty (a rejection of index 0), instead of campaigning. A message other than
 * a heartbeat wakes a quiet group (src/replication/raft-host.ts); its term, higher than a leader
 * that led before the loss, makes that leader step down, so the group elects a leader that has no
 * stale picture of this node's log; a leader of a later term probes this node and sends it the log.
 */
export function announceEmptyLog(core: RaftCore): void {
  for (const v of core.config.voters) {
    if (v === core.id) continue;
    core.send({ type: 'appendResponse', to: v, reject: true, index: asRaftIndex(0), hintIndex: asRaftIndex(0), hintTerm: asTerm(0) });
  }
}
