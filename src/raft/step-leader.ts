// The leader (thesis §3.5, §3.10, §6.2): react to followers' acknowledgements with flow control,
// commit, leadership transfer, CheckQuorum and heartbeats.
import type { NodeId } from '../common/ids';
import type { AppendResponseMessage, Message } from './messages';
import type { RaftCore } from './raft-core';
import { commitAdvanced, broadcastHeartbeat, sendAppend } from './replicate';

export function stepLeader(core: RaftCore, m: Message): void {
  const pr = core.progress.get(m.from);
  if (!pr) return; // not (or no longer) a member
  switch (m.type) {
    case 'appendResponse':
      pr.recentActive = true;
      handleAppendResponse(core, m);
      return;
    case 'heartbeatResponse':
      pr.recentActive = true;
      pr.probeSent = false;
      if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < core.log.lastIndex() || pr.sentCommit < core.log.committed) sendAppend(core, m.from);
      return;
    default:
      return;
  }
}

function handleAppendResponse(core: RaftCore, m: AppendResponseMessage): void {
  const pr = core.progress.get(m.from)!;
  if (m.reject) {
    // Fast back-off (thesis §3.5): jump over the follower's whole conflicting term at once.
    let nextProbe: number = m.hintIndex;
    if (m.hintTerm > 0) nextProbe = core.log.findConflictByTerm(m.hintIndex, m.hintTerm).index;
    if (pr.maybeDecrTo(m.index, nextProbe)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(core, m.from);
    }
    return;
  }
  const wasPaused = pr.isPaused();
  if (pr.maybeUpdate(m.index)) {
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match + 1 >= core.log.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
    if (!commitAdvanced(core) && wasPaused) sendAppend(core, m.from);
    if (core.role !== 'leader') return;
    // Keep the pipeline full (thesis §10.2.2).
    while (sendAppend(core, m.from, false)) {
      /* loop until paused or caught up */
    }
    if (core.leadTransferee === m.from && pr.match === core.log.lastIndex()) sendTimeoutNow(core, m.from);
  } else if (pr.state === 'snapshot' && m.index >= pr.pendingSnapshot) {
    pr.becomeProbe();
    sendAppend(core, m.from);
  }
}

export function sendTimeoutNow(core: RaftCore, to: NodeId): void {
  core.send({ type: 'timeoutNow', to });
}

export function tickLeader(core: RaftCore): void {
  core.electionElapsed++;
  core.heartbeatElapsed++;
  for (const pr of core.progress.values()) {
    if (pr.state === 'snapshot' && ++pr.snapshotTicks >= core.opts.electionTimeoutTicks) {
      pr.becomeProbe(); // the snapshot or its acknowledgement was lost: probe again
    }
  }
  if (core.electionElapsed >= core.opts.electionTimeoutTicks) {
    core.electionElapsed = 0;
    if (core.opts.checkQuorum && !quorumActive(core)) {
      // Thesis §6.2: a leader that has not heard from a majority in an election timeout steps
      // down, so clients can find the real leader and its lease-based reads stay safe.
      core.becomeFollower(core.term, null);
      return;
    }
    core.leadTransferee = null; // a transfer that has not completed within an election timeout is abandoned
  }
  if (core.heartbeatElapsed >= core.opts.heartbeatTicks) {
    core.heartbeatElapsed = 0;
    broadcastHeartbeat(core);
  }
}

/** True if a majority of voters (counting ourselves) was heard from since the last check; resets the marks. */
function quorumActive(core: RaftCore): boolean {
  let active = 0;
  for (const v of core.config.voters) {
    const pr = core.progress.get(v);
    if (pr && (pr.recentActive || v === core.id)) active++;
  }
  for (const pr of core.progress.values()) if (pr.id !== core.id) pr.recentActive = false;
  return active >= core.quorum();
}
