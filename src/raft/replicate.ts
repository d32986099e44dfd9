// The leader's side of log replication (thesis §3.5, §3.6.2): what to send each follower given
// its Progress, and when an index is committed.
import { asRaftIndex, asTerm, type NodeId } from '../common/ids';
import { isVoter } from './membership';
import { entryBytes } from './messages';
import type { Progress } from './progress';
import type { RaftCore } from './raft-core';

/**
 * Sends the follower the entries it lacks (at most maxMessageBytes), or a snapshot when they
 * were compacted away. Returns whether a message was sent. With sendIfEmpty=false nothing is
 * sent when there are no new entries.
 */
export function sendAppend(core: RaftCore, to: NodeId, sendIfEmpty = true): boolean {
  const pr = core.progress.get(to);
  if (!pr || to === core.id || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = core.log.term(prevIndex);
  if (prevTerm === undefined) return sendSnapshot(core, pr);
  const r = core.log.slice(pr.next, core.log.lastIndex() + 1, core.opts.maxMessageBytes);
  if (r.compacted) return sendSnapshot(core, pr);
  const entries = r.entries;
  if (entries === undefined) return false; // storage is loading the range; retried on a later response or tick
  if (entries.length === 0 && !sendIfEmpty) return false;
  let bytes = 0;
  for (const e of entries) bytes += entryBytes(e);
  core.send({ type: 'append', to, prevIndex: asRaftIndex(prevIndex), prevTerm, entries, commit: asRaftIndex(core.log.committed) });
  pr.sentCommit = core.log.committed;
  pr.sentEntries(entries.length, prevIndex + entries.length, bytes);
  return true;
}

/** Thesis §5.1: a follower that needs compacted entries gets the latest snapshot instead. */
function sendSnapshot(core: RaftCore, pr: Progress): boolean {
  const snapshot = core.log.storage.snapshot();
  core.send({ type: 'snapshot', to: pr.id, snapshot });
  pr.becomeSnapshot(snapshot.meta.index);
  return true;
}

/** Sends new entries (or a commit update, or a probe) to every follower that is not paused. */
export function broadcastAppend(core: RaftCore): void {
  for (const pr of core.progress.values()) {
    if (pr.id === core.id) continue;
    sendAppend(core, pr.id, pr.state === 'probe' || pr.sentCommit < core.log.committed);
  }
}

/** Heartbeats carry min(match, commit) so a follower never commits what it does not hold. */
export function broadcastHeartbeat(core: RaftCore): void {
  for (const pr of core.progress.values()) {
    if (pr.id === core.id) continue;
    core.send({ type: 'heartbeat', to: pr.id, commit: asRaftIndex(Math.min(pr.match, core.log.committed)) });
  }
}

/**
 * Thesis §3.6.2 (Figure 3.7 / the paper's Figure 8): an index is committed once a majority of
 * voters store it durably AND its entry is from the current term; earlier entries are then
 * committed indirectly. Returns whether the commit index advanced.
 */
export function maybeCommit(core: RaftCore): boolean {
  const matches: number[] = [];
  for (const v of core.config.voters) matches.push(core.progress.get(v)?.match ?? 0);
  if (matches.length === 0) return false;
  matches.sort((a, b) => b - a);
  const candidate = matches[core.quorum() - 1]!;
  if (candidate <= core.log.committed || core.log.term(candidate) !== asTerm(core.term)) return false;
  core.log.commitTo(candidate);
  return true;
}

/** A leader's own log became durable up to durableIndex: count it in the majority. */
export function leaderDurableAdvanced(core: RaftCore): void {
  const self = core.progress.get(core.id);
  if (self && self.maybeUpdate(core.durableIndex)) commitAdvanced(core);
}

/** After any change that may move the commit index: broadcast it, and step down once our own removal is committed. */
export function commitAdvanced(core: RaftCore): boolean {
  if (!maybeCommit(core)) return false;
  if (core.opts.eagerCommitBroadcast) core.pendingBroadcast = true;
  // Thesis §4.2.2: a leader that is not part of the new configuration steps down once it is committed.
  if (core.configIndex <= core.log.committed && !isVoter(core.config, core.id)) {
    broadcastAppend(core);
    handOffAfterRemoval(core);
    core.becomeFollower(core.term, null);
  }
  return true;
}

/**
 * A leader that removed itself (of two voters, only the leader may leave: docs/raft.md, "Two
 * voters") tells the most caught-up voter left to campaign now: a quiet group's followers do not
 * tick (quiescence, src/replication/raft-host.ts), so none would time out and stand for election.
 */
function handOffAfterRemoval(core: RaftCore): void {
  let best: NodeId | undefined;
  let bestMatch = -1;
  for (const v of core.config.voters) {
    const match = core.progress.get(v)?.match ?? 0;
    if (match > bestMatch) [best, bestMatch] = [v, match];
  }
  if (best !== undefined) core.send({ type: 'timeoutNow', to: best });
}
