// Candidates and pre-candidates (thesis §3.4, §9.6): count votes; yield to a leader of our term.
import type { Message } from './messages';
import type { RaftCore } from './raft-core';
import { campaign } from './campaign';
import { stepFollower } from './step-follower';

export function stepCandidate(core: RaftCore, m: Message): void {
  switch (m.type) {
    case 'append':
    case 'heartbeat':
    case 'snapshot':
      // Another server won this term (thesis §3.4): become its follower.
      core.becomeFollower(core.term, m.from);
      stepFollower(core, m);
      return;
    case 'voteResponse': {
      if (m.preVote !== (core.role === 'preCandidate')) return; // a response to another kind of round
      const result = core.poll(m.from, m.granted);
      if (result === 'won') {
        if (core.role === 'preCandidate') campaign(core, 'election');
        else becomeLeaderAndAnnounce(core);
      } else if (result === 'lost') {
        core.becomeFollower(core.term, null);
      }
      return;
    }
    default:
      return;
  }
}

export function becomeLeaderAndAnnounce(core: RaftCore): void {
  core.becomeLeader();
  core.pendingBroadcast = true;
}
