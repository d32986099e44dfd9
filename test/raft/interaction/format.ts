// Compact, stable text renderings of Raft values for the scripted interaction tests.
import { decodeConfigEntry, formatConfig } from '../../../src/raft/membership';
import type { Entry, Message } from '../../../src/raft/messages';
import type { Ready } from '../../../src/raft/ready';

const decoder = new TextDecoder();

export function formatEntry(e: Entry): string {
  if (e.type === 'config') {
    const p = decodeConfigEntry(e.data);
    return `${e.term}/${e.index} conf ${p.change.type} ${p.change.node}`;
  }
  return e.data.byteLength === 0 ? `${e.term}/${e.index} empty` : `${e.term}/${e.index} '${decoder.decode(e.data)}'`;
}

export function formatEntries(ents: readonly Entry[]): string {
  if (ents.length <= 6) return ents.map(formatEntry).join(', ');
  return `${formatEntry(ents[0]!)}, ... (${ents.length - 2} more), ${formatEntry(ents[ents.length - 1]!)}`;
}

export function formatMessage(m: Message): string {
  const head = `${m.from}->${m.to}`;
  switch (m.type) {
    case 'append':
      return `${head} append t${m.term} prev=${m.prevTerm}/${m.prevIndex} commit=${m.commit}` + (m.entries.length > 0 ? ` [${formatEntries(m.entries)}]` : '');
    case 'appendResponse':
      return m.reject
        ? `${head} appendResp t${m.term} rejected index=${m.index} hint=${m.hintTerm}/${m.hintIndex}`
        : `${head} appendResp t${m.term} index=${m.index}`;
    case 'heartbeat':
      return `${head} heartbeat t${m.term} commit=${m.commit}`;
    case 'heartbeatResponse':
      return `${head} heartbeatResp t${m.term}`;
    case 'voteRequest':
      return `${head} ${m.preVote ? 'preVote' : 'vote'} t${m.term} last=${m.lastLogTerm}/${m.lastLogIndex}${m.transfer ? ' transfer' : ''}${m.pairCommitted ? ' pair' : ''}`;
    case 'voteResponse':
      return `${head} ${m.preVote ? 'preVoteResp' : 'voteResp'} t${m.term} ${m.granted ? 'granted' : 'rejected'}`;
    case 'snapshot':
      return `${head} snapshot t${m.term} at=${m.snapshot.meta.term}/${m.snapshot.meta.index} ${formatConfig(m.snapshot.meta.config)}`;
    case 'timeoutNow':
      return `${head} timeoutNow t${m.term}`;
  }
}

export function formatReady(id: number, rd: Ready): string[] {
  const out = [`> ${id} handling Ready`];
  if (rd.softState) out.push(`  Role: ${rd.softState.role} leader=${rd.softState.leader ?? '-'}`);
  if (rd.hardState) out.push(`  HardState term=${rd.hardState.term} vote=${rd.hardState.vote ?? '-'} commit=${rd.hardState.commit}`);
  if (rd.snapshot) out.push(`  Snapshot at=${rd.snapshot.meta.term}/${rd.snapshot.meta.index} ${formatConfig(rd.snapshot.meta.config)}`);
  if (rd.entries.length > 0) out.push(`  Entries: ${formatEntries(rd.entries)}`);
  if (rd.committedEntries.length > 0) out.push(`  Committed: ${formatEntries(rd.committedEntries)}`);
  if (rd.unsyncedMessages.length > 0) {
    out.push('  Send now:');
    for (const m of rd.unsyncedMessages) out.push(`    ${formatMessage(m)}`);
  }
  if (rd.messages.length > 0) {
    out.push('  Send after sync:');
    for (const m of rd.messages) out.push(`    ${formatMessage(m)}`);
  }
  return out;
}
