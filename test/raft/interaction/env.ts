// The interpreter of the scripted interaction tests (test/raft/testdata/*.txt), in the style of
// etcd's raft datadriven tests. Each command returns the text it printed.
import { asNodeId, asRaftIndex, type NodeId } from '../../../src/common/ids';
import { formatConfig, type ConfChangeType } from '../../../src/raft/membership';
import { MemoryRaftStorage } from '../../../src/raft/memory-storage';
import type { ConfigState, Message } from '../../../src/raft/messages';
import { TestHost, type HostOptions } from '../test-host';
import { formatEntries, formatMessage, formatReady } from './format';

const encoder = new TextEncoder();

interface Parsed {
  readonly name: string;
  readonly args: string[];
  readonly kv: Map<string, string>;
}

function parse(line: string): Parsed {
  const tokens = line.trim().match(/\S+=\([^)]*\)|\([^)]*\)|\S+/g) ?? [];
  const args: string[] = [];
  const kv = new Map<string, string>();
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq > 0) kv.set(t.slice(0, eq), t.slice(eq + 1));
    else args.push(t);
  }
  return { name: tokens[0] ?? '', args, kv };
}

const idList = (s: string | undefined): number[] =>
  s === undefined ? [] : s.replace(/[()]/g, '').split(',').filter((x) => x.trim() !== '').map((x) => Number(x));

export class InteractionEnv {
  private readonly hosts = new Map<number, TestHost>();
  private wire: Message[] = [];
  private readonly blocked = new Set<string>();
  /** The configuration the nodes of add-nodes started with (what a node that loses its log restarts with). */
  private bootstrapConfig: ConfigState = { voters: [], learners: [] };

  run(line: string): string {
    const c = parse(line);
    const out: string[] = [];
    const ids = (): number[] => (c.args.length > 0 ? c.args.map(Number) : [...this.hosts.keys()]);
    switch (c.name) {
      case 'add-nodes': this.addNodes(c, out); break;
      case 'campaign': this.host(c.args[0]).node!.campaign(); break;
      case 'tick': for (let i = 0; i < Number(c.kv.get('n') ?? 1); i++) for (const id of ids()) this.host(id).node?.tick(); break;
      case 'tick-election':
        for (const id of ids()) for (let i = 0; i < 2 * (this.host(id).options.electionTimeoutTicks ?? 10); i++) this.host(id).node?.tick();
        break;
      case 'process-ready': for (const id of ids()) this.processReady(id, out); break;
      case 'deliver-msgs': this.deliver(new Set(ids()), c.kv.get('drop') === 'true', out); break;
      case 'drop-msgs': {
        const from = c.kv.get('from');
        const to = c.kv.get('to');
        const keep: Message[] = [];
        for (const m of this.wire) {
          if ((from === undefined || m.from === Number(from)) && (to === undefined || m.to === Number(to))) out.push(`dropped: ${formatMessage(m)}`);
          else keep.push(m);
        }
        this.wire = keep;
        break;
      }
      case 'stabilize': {
        const sink: string[] = [];
        this.stabilize(new Set(ids()), c.kv.get('log') === 'false' ? sink : out, c.kv.get('fsync') !== 'false');
        break;
      }
      case 'fsync': for (const id of ids()) this.fsync(id, out); break;
      case 'propose': out.push(...this.proposeResult(this.host(c.args[0]).node!.propose(encoder.encode(c.args[1] ?? '')))); break;
      case 'propose-batch': {
        const n = Number(c.args[1]);
        const data = Array.from({ length: n }, (_, i) => encoder.encode(`${c.args[2] ?? 'b'}${i}`));
        out.push(...this.proposeResult(this.host(c.args[0]).node!.proposeBatch(data)));
        break;
      }
      case 'propose-conf-change': {
        const r = this.host(c.args[0]).node!.proposeConfChange({ type: c.args[1] as ConfChangeType, node: asNodeId(Number(c.args[2])) });
        out.push(...this.proposeResult(r));
        break;
      }
      case 'transfer-leadership': {
        const ok = this.host(c.kv.get('from')).node!.transferLeadership(asNodeId(Number(c.kv.get('to'))));
        if (!ok) out.push('refused');
        break;
      }
      case 'partition': {
        const groups = c.args.map(idList);
        for (const a of groups) for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.blocked.add(`${x}->${y}`);
        break;
      }
      case 'block': this.blocked.add(`${c.kv.get('from')}->${c.kv.get('to')}`); break;
      case 'heal': this.blocked.clear(); break;
      case 'crash': for (const id of ids()) this.host(id).crash(); break;
      case 'restart': for (const id of ids()) this.host(id).restart(); break;
      case 'lose-log': for (const id of ids()) this.host(id).loseLog(this.bootstrapConfig); break;
      case 'entries-unavailable': this.entriesUnavailable(this.host(c.args[0]), c.args[1] !== 'off'); break;
      case 'entries-loaded': this.host(c.args[0]).node!.entriesLoaded(); break;
      case 'compact': out.push(this.host(c.args[0]).compact(Number(c.args[1])) ? 'ok' : 'refused'); break;
      case 'status': for (const id of ids()) out.push(...this.status(id)); break;
      case 'raft-log': for (const id of ids()) out.push(...this.raftLog(id)); break;
      case 'raft-state': for (const id of [...this.hosts.keys()]) out.push(this.stateLine(id)); break;
      default: throw new Error(`unknown command '${c.name}' in: ${line}`);
    }
    return out.length === 0 ? 'ok' : out.join('\n');
  }

  /**
   * Makes a node's storage answer `undefined` for entries not yet handed over (on) as an adapter
   * does while it loads a range from disk, or serve them again (off).
   */
  private entriesUnavailable(host: TestHost, unavailable: boolean): void {
    const storage = host.storage as unknown as { entries?: () => undefined };
    if (unavailable) storage.entries = () => undefined;
    else delete storage.entries;
  }

  private host(id: string | number | undefined): TestHost {
    const h = this.hosts.get(Number(id));
    if (!h) throw new Error(`no node ${id}`);
    return h;
  }

  private addNodes(c: Parsed, out: string[]): void {
    const n = Number(c.args[0]);
    const first = this.hosts.size + 1;
    const created = Array.from({ length: n }, (_, i) => first + i);
    const voters = c.kv.has('voters') ? idList(c.kv.get('voters')) : created;
    const learners = idList(c.kv.get('learners'));
    const options: HostOptions = {
      preVote: c.kv.get('prevote') !== 'false',
      checkQuorum: c.kv.get('checkquorum') !== 'false',
      asyncStorageWrites: c.kv.get('async') === 'true',
      electionTimeoutTicks: Number(c.kv.get('election') ?? 10),
      heartbeatTicks: Number(c.kv.get('heartbeat') ?? 1),
      maxInflightMessages: Number(c.kv.get('inflight') ?? 256),
      maxMessageBytes: Number(c.kv.get('maxmsgbytes') ?? 1024 * 1024),
      eagerCommitBroadcast: c.kv.get('eagercommit') !== 'false',
    };
    this.bootstrapConfig = { voters: voters.map(asNodeId), learners: learners.map(asNodeId) };
    for (const id of created) {
      this.hosts.set(id, new TestHost(asNodeId(id), MemoryRaftStorage.bootstrap(voters, learners), options, id));
      out.push(`node ${id}: ${formatConfig(this.hosts.get(id)!.node!.status().config)}`);
    }
  }

  private proposeResult(r: ReturnType<import('../../../src/raft/raft-node').RaftNode['propose']>): string[] {
    return r.ok ? [`appended ${r.term}/${r.index}${r.lastIndex !== r.index ? `..${r.lastIndex}` : ''}`] : [`refused: ${r.reason} (${r.message})`];
  }

  private processReady(id: number, out: string[]): boolean {
    const h = this.host(id);
    const r = h.handleReady();
    if (!r) return false;
    out.push(...formatReady(id, r.ready));
    // A partitioned link loses messages as they are sent (they show in the Ready above).
    this.wire.push(...r.send.filter((m) => !this.blocked.has(`${m.from}->${m.to}`)));
    return true;
  }

  /** Async hosts: the pending writes become durable, releasing held messages. */
  private fsync(id: number, out: string[]): boolean {
    const h = this.host(id);
    if (!h.async || !h.up || !h.hasUnsynced()) return false;
    const released = h.fsync();
    out.push(`> ${id} fsync: durable through ${h.node!.status().durableIndex}` + (released.length > 0 ? `, releasing:` : ''));
    for (const m of released) out.push(`    ${formatMessage(m)}`);
    this.wire.push(...released.filter((m) => !this.blocked.has(`${m.from}->${m.to}`)));
    return true;
  }

  private deliver(to: Set<number>, drop: boolean, out: string[]): boolean {
    const now = this.wire.filter((m) => to.has(m.to));
    if (now.length === 0) return false;
    this.wire = this.wire.filter((m) => !to.has(m.to));
    for (const m of now) {
      const h = this.hosts.get(m.to);
      if (drop || !h || !h.node || this.blocked.has(`${m.from}->${m.to}`)) {
        out.push(`dropped: ${formatMessage(m)}`);
        continue;
      }
      out.push(`${formatMessage(m)}`);
      h.node.step(m);
    }
    return true;
  }

  private stabilize(ids: Set<number>, out: string[], fsync: boolean): void {
    for (let round = 0; round < 1000; round++) {
      let progress = false;
      for (const id of ids) if (this.host(id).up && this.processReady(id, out)) progress = true;
      if (fsync) for (const id of ids) if (this.fsync(id, out)) progress = true;
      if (this.deliver(ids, false, out)) progress = true;
      if (!progress) return;
    }
    throw new Error('stabilize did not converge in 1000 rounds');
  }

  private stateLine(id: number): string {
    const node = this.host(id).node;
    if (!node) return `${id}: down`;
    const s = node.status();
    const rebuilding = s.rebuildingAfterTerm === null ? '' : ` rebuilding-after=t${s.rebuildingAfterTerm}`;
    return `${id}: ${s.role} term=${s.term} leader=${s.leader ?? '-'} commit=${s.commit} applied=${s.applied} last=${s.lastIndex} ${formatConfig(s.config)}${rebuilding}`;
  }

  private status(id: number): string[] {
    const node = this.host(id).node;
    if (!node) return [`${id}: down`];
    const s = node.status();
    return [this.stateLine(id) + ` vote=${s.vote ?? '-'} first=${s.firstIndex} durable=${s.durableIndex}`, ...node.describeProgress().map((l) => `  ${l}`)];
  }

  private raftLog(id: number): string[] {
    const st = this.host(id).storage;
    const first = st.firstIndex();
    const last = st.lastIndex();
    const ents = last >= first ? st.entries(first, asRaftIndex(last + 1), Number.MAX_SAFE_INTEGER) ?? [] : [];
    const snap = st.snapshotMeta();
    return [`${id}: snapshot=${snap.term}/${snap.index} log=[${ents.length > 0 ? formatEntries(ents) : ''}]`];
  }
}

export type { NodeId };
