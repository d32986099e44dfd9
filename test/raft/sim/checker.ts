// Raft's safety properties (thesis §3.6.3, Figure 3.2), checked as the simulation runs:
// election safety, log matching, leader completeness, state machine safety, and that no
// acknowledged (applied anywhere) entry is ever lost or changed.
import { asRaftIndex } from '../../../src/common/ids';
import type { Entry } from '../../../src/raft/messages';
import { entryKey, type TestHost } from '../test-host';

export class SafetyViolation extends Error {}

interface Committed {
  readonly term: number;
  readonly key: string;
  readonly hash: number;
}

export class SafetyChecker {
  /** term → the leader of that term. */
  private readonly leaders = new Map<number, number>();
  /** index → the entry applied there (by whichever node applied it first). */
  readonly committed = new Map<number, Committed>();
  maxCommitted = 0;

  leaderTerms(): number {
    return this.leaders.size;
  }

  /** Called for every entry any node applies (state machine safety). */
  onApply(host: TestHost, e: Entry, hash: number): void {
    const key = entryKey(e);
    const c = this.committed.get(e.index);
    if (!c) {
      this.committed.set(e.index, { term: e.term, key, hash });
      this.maxCommitted = Math.max(this.maxCommitted, e.index);
      return;
    }
    if (c.term !== e.term || c.key !== key || c.hash !== hash) {
      throw new SafetyViolation(`state machine safety: node ${host.id} applied ${e.term}/${e.index} '${key}' (hash ${hash}) where ${c.term}/${e.index} '${c.key}' (hash ${c.hash}) was applied before`);
    }
  }

  /** After a node installs a snapshot or restarts: its state at the snapshot index must match. */
  checkSnapshotState(host: TestHost): void {
    const c = this.committed.get(host.appliedIndex);
    if (c && host.appliedIndex > 0 && c.hash !== host.appliedHash) {
      throw new SafetyViolation(`state machine safety: node ${host.id} restored state at ${host.appliedIndex} with hash ${host.appliedHash}, expected ${c.hash}`);
    }
  }

  /** Election safety, and leader completeness for each newly seen leader. */
  checkLeaders(hosts: readonly TestHost[]): void {
    for (const h of hosts) {
      const s = h.node?.status();
      if (!s || s.role !== 'leader') continue;
      const prev = this.leaders.get(s.term);
      if (prev === undefined) {
        this.leaders.set(s.term, h.id);
        this.checkCompleteness(h, s.term);
      } else if (prev !== h.id) {
        throw new SafetyViolation(`election safety: nodes ${prev} and ${h.id} are both leaders of term ${s.term}`);
      }
    }
  }

  private checkCompleteness(h: TestHost, term: number): void {
    const log = logOf(h);
    for (let i = log.first; i <= this.maxCommitted; i++) {
      const c = this.committed.get(i);
      if (!c) continue;
      const e = log.entries[i - log.first];
      if (!e || e.term !== c.term || entryKey(e) !== c.key) {
        throw new SafetyViolation(`leader completeness: node ${h.id}, leader of term ${term}, lacks committed ${c.term}/${i} '${c.key}' (has ${e ? `${e.term}/${i} '${entryKey(e)}'` : 'nothing'})`);
      }
    }
  }

  /** Log matching: if two logs hold an entry with the same index and term, they agree up to it. */
  checkLogMatching(hosts: readonly TestHost[]): void {
    const logs = hosts.map((h) => ({ id: h.id, ...logOf(h) }));
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const x = logs[a]!;
        const y = logs[b]!;
        const lo = Math.max(x.first, y.first);
        let matched = false;
        for (let i = Math.min(x.first + x.entries.length, y.first + y.entries.length) - 1; i >= lo; i--) {
          const ex = x.entries[i - x.first]!;
          const ey = y.entries[i - y.first]!;
          if (!matched && ex.term === ey.term) matched = true;
          if (matched && (ex.term !== ey.term || entryKey(ex) !== entryKey(ey))) {
            throw new SafetyViolation(`log matching: nodes ${x.id} and ${y.id} share an entry at a later index but differ at ${i}: ${ex.term} '${entryKey(ex)}' vs ${ey.term} '${entryKey(ey)}'`);
          }
        }
      }
    }
  }
}

/** The node's whole log as its host stored it (after each Ready everything is in storage). */
function logOf(h: TestHost): { first: number; entries: readonly Entry[] } {
  const st = h.storage;
  const first = st.firstIndex();
  const last = st.lastIndex();
  return { first, entries: last >= first ? st.entries(first, asRaftIndex(last + 1), Number.MAX_SAFE_INTEGER) ?? [] : [] };
}
