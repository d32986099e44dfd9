// Entry point for every received message: the term rules shared by all roles (thesis §3.3,
// §4.2.3, §9.6), vote handling, then the role's own step function.
import type { Message, VoteRequestMessage } from './messages';
import type { RaftCore } from './raft-core';
import { stepCandidate } from './step-candidate';
import { stepFollower } from './step-follower';
import { stepLeader } from './step-leader';

export function step(core: RaftCore, m: Message): void {
  if (m.to !== core.id) throw new Error(`message for node ${m.to} delivered to node ${core.id}`);
  if (m.term > core.term) {
    if (m.type === 'voteRequest' && !m.transfer && inLease(core)) {
      // Thesis §4.2.3 / §6.2: while we have heard from a leader within the minimum election
      // timeout, a vote request (from a partitioned or removed server) must not depose it.
      return;
    }
    if (m.type === 'voteRequest' && m.preVote) {
      // Never change term on a pre-vote request.
    } else if (m.type === 'voteResponse' && m.preVote && m.granted) {
      // A granted pre-vote carries the term we would campaign at; the term moves only if we win.
    } else {
      const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
      core.becomeFollower(m.term, fromLeader ? m.from : null);
    }
  } else if (m.term < core.term) {
    if ((core.opts.checkQuorum || core.opts.preVote) && (m.type === 'append' || m.type === 'heartbeat')) {
      // A stale leader (cut off while we moved on) learns the newer term from this and steps down.
      // Without it, PreVote could leave it unable to ever hear of the new term.
      core.send({ type: 'heartbeatResponse', to: m.from });
    } else if (m.type === 'voteRequest' && m.preVote) {
      core.send({ type: 'voteResponse', to: m.from, preVote: true, granted: false });
    }
    return;
  }

  if (m.type === 'voteRequest') {
    handleVoteRequest(core, m);
    return;
  }
  switch (core.role) {
    case 'leader':
      stepLeader(core, m);
      break;
    case 'candidate':
    case 'preCandidate':
      stepCandidate(core, m);
      break;
    case 'follower':
      stepFollower(core, m);
      break;
  }
}

function inLease(core: RaftCore): boolean {
  return core.opts.checkQuorum && core.lead !== null && core.electionElapsed < core.opts.electionTimeoutTicks;
}

/**
 * Thesis §3.4, §3.6.1: one vote per term, only for a candidate whose log is at least as up to
 * date. A node rebuilding a lost log grants none, pre-votes included (see RaftCore.noteRebuilt),
 * except to the other voter of a committed two-voter configuration, whose log holds every
 * committed entry (VoteRequestMessage.pairCommitted; docs/raft.md, "Two voters").
 */
function handleVoteRequest(core: RaftCore, m: VoteRequestMessage): void {
  const canVote =
    (core.rebuildingAfterTerm === null || m.pairCommitted) &&
    (core.vote === m.from ||
    (core.vote === null && core.lead === null) ||
    (m.preVote && m.term > core.term));
  if (canVote && core.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
    // The response reaches the candidate only after our vote is durable: it travels in
    // Ready.messages, which the host sends after persisting Ready.hardState.
    core.send({ type: 'voteResponse', to: m.from, term: m.term, preVote: m.preVote, granted: true });
    if (!m.preVote) {
      core.electionElapsed = 0;
      core.vote = m.from;
    }
  } else {
    core.send({ type: 'voteResponse', to: m.from, preVote: m.preVote, granted: false });
  }
}
