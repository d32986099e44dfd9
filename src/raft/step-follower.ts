// Followers (thesis §3.5): accept the leader's entries after the consistency check, report
// conflicts with a back-off hint, install snapshots (§5.1), start an election on TimeoutNow (§3.10).
import { asRaftIndex, asTerm } from '../common/ids';
import type { AppendMessage, Message, SnapshotMessage } from './messages';
import type { RaftCore } from './raft-core';
import { campaign } from './campaign';

export function stepFollower(core: RaftCore, m: Message): void {
  stepFollowerMessage(core, m);
  core.noteRebuilt();
}

function stepFollowerMessage(core: RaftCore, m: Message): void {
  switch (m.type) {
    case 'append':
      core.electionElapsed = 0;
      core.lead = m.from;
      handleAppend(core, m);
      return;
    case 'heartbeat':
      core.electionElapsed = 0;
      core.lead = m.from;
      core.log.commitTo(m.commit);
      core.send({ type: 'heartbeatResponse', to: m.from });
      return;
    case 'snapshot':
      core.electionElapsed = 0;
      core.lead = m.from;
      handleSnapshot(core, m);
      return;
    case 'timeoutNow':
      campaign(core, 'transfer');
      return;
    default:
      return;
  }
}

function handleAppend(core: RaftCore, m: AppendMessage): void {
  const log = core.log;
  if (m.prevIndex < log.committed) {
    // Everything up to our commit index matches any leader's log: tell the leader where we are.
    core.send({ type: 'appendResponse', to: m.from, reject: false, index: asRaftIndex(log.committed), hintIndex: asRaftIndex(0), hintTerm: asTerm(0) });
    return;
  }
  if (!log.matchTerm(m.prevIndex, m.prevTerm)) {
    const hint = log.findConflictByTerm(Math.min(m.prevIndex, log.lastIndex()), m.prevTerm);
    core.send({
      type: 'appendResponse',
      to: m.from,
      reject: true,
      index: m.prevIndex,
      hintIndex: asRaftIndex(hint.index),
      hintTerm: asTerm(hint.term ?? 0),
    });
    return;
  }
  const lastNew = m.prevIndex + m.entries.length;
  const conflict = log.findConflict(m.entries);
  if (conflict !== 0) {
    if (conflict <= log.committed) throw new Error(`invariant broken: entry ${conflict} conflicts with committed ${log.committed}`);
    core.appendEntries(m.entries.slice(conflict - (m.prevIndex + 1)));
  }
  log.commitTo(Math.min(m.commit, lastNew));
  core.send({ type: 'appendResponse', to: m.from, reject: false, index: asRaftIndex(lastNew), hintIndex: asRaftIndex(0), hintTerm: asTerm(0) });
}

function handleSnapshot(core: RaftCore, m: SnapshotMessage): void {
  const meta = m.snapshot.meta;
  const log = core.log;
  if (meta.index <= log.committed) {
    // Already have it all.
  } else if (log.matchTerm(meta.index, meta.term)) {
    // Our log already contains the snapshot's last entry: just fast-forward the commit index.
    log.commitTo(meta.index);
  } else {
    log.restore(m.snapshot);
    core.config = meta.config;
    core.configIndex = meta.index;
    core.durableIndex = Math.min(core.durableIndex, meta.index);
    for (const w of core.pendingWrites) w.lastIndex = Math.min(w.lastIndex, meta.index);
  }
  core.send({ type: 'appendResponse', to: m.from, reject: false, index: asRaftIndex(log.committed), hintIndex: asRaftIndex(0), hintTerm: asTerm(0) });
}
