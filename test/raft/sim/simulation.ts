// One seeded run of a Raft cluster under faults: message loss, delay, duplication and
// reordering; symmetric, asymmetric and bridge partitions; crashes that lose everything not
// durable; restarts; leader transfers; membership changes; log compaction; all interleaved with
// client proposals. Then the faults stop and the cluster must make progress (liveness).
import { asNodeId, type NodeId } from '../../../src/common/ids';
import type { ConfChangeType } from '../../../src/raft/membership';
import { MemoryRaftStorage } from '../../../src/raft/memory-storage';
import type { Entry } from '../../../src/raft/messages';
import { SeededRandom } from '../../../src/raft/random';
import { TestHost } from '../test-host';
import { SafetyChecker, SafetyViolation } from './checker';
import { SimNetwork } from './network';

export interface SimOptions {
  readonly nodes: number;
  /** Ticks of the faulty phase. */
  readonly steps: number;
  /** Ticks allowed, after faults stop, to elect a leader and commit every pending proposal. */
  readonly livenessTicks?: number;
  readonly trace?: (line: string) => void;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly step?: number;
  readonly stats: { ticks: number; messages: number; committed: number; acked: number; leaders: number };
}

const SPARES = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Simulation {
  private readonly random: SeededRandom;
  private readonly net: SimNetwork;
  private readonly hosts: TestHost[] = [];
  private readonly checker = new SafetyChecker();
  private now = 0;
  /** Client proposals: key → when and at which leader term it was last proposed; removed once applied anywhere. */
  private readonly pending = new Map<string, { at: number; term: number }>();
  private readonly acked = new Set<string>();
  private nextProposal = 0;
  private readonly trace: (line: string) => void;
  /** Probability, after each Ready a node handles, that it crashes right there (then restarts soon). */
  private crashAfterReadyRate: number;
  /** Rate of fault events per tick. */
  private readonly faultRate: number;
  /** node id → tick at which a bounced node restarts. */
  private readonly restartAt = new Map<number, number>();

  constructor(readonly seed: number, private readonly opts: SimOptions) {
    this.random = new SeededRandom(seed);
    this.trace = opts.trace ?? (() => {});
    const r = this.random;
    this.net = new SimNetwork(new SeededRandom(seed ^ 0x5eed), {
      lossRate: r.pick([0, 0.02, 0.1, 0.25]),
      duplicateRate: r.pick([0, 0.02, 0.1]),
      maxDelayTicks: r.pick([0, 1, 3]),
      reorder: r.chance(0.5),
    });
    this.crashAfterReadyRate = r.pick([0, 0.002, 0.01, 0.03]);
    this.faultRate = r.pick([0.03, 0.08, 0.15]);
    // Vary the protections too: elections without PreVote (or without CheckQuorum) overlap more.
    const [preVote, checkQuorum] = r.pick([[true, true], [true, true], [false, true], [true, false]] as const);
    const electionTimeoutTicks = r.pick([5, 10]);
    const voters = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    const asyncMode = r.pick(['none', 'all', 'mixed'] as const);
    const maxInflightMessages = r.pick([1, 4, 256]);
    const eagerCommitBroadcast = r.chance(0.5);
    for (let id = 1; id <= opts.nodes + SPARES; id++) {
      const storage = id <= opts.nodes ? MemoryRaftStorage.bootstrap(voters) : new MemoryRaftStorage();
      const asyncStorageWrites = asyncMode === 'all' || (asyncMode === 'mixed' && r.chance(0.5));
      this.hosts.push(new TestHost(asNodeId(id), storage, { asyncStorageWrites, preVote, checkQuorum, electionTimeoutTicks, maxInflightMessages, eagerCommitBroadcast, maxMessageBytes: r.pick([1, 256, 4096, 1 << 20]) }, seed * 131 + id, (h, e, hash) => this.onApply(h, e, hash)));
    }
    this.trace(`seed ${seed}: ${opts.nodes} voters + ${SPARES} spares, faults ${JSON.stringify(this.net.faults)}, async=${asyncMode}, inflight=${maxInflightMessages}, eagerCommit=${eagerCommitBroadcast}, preVote=${preVote}, checkQuorum=${checkQuorum}, election=${electionTimeoutTicks}, crashAfterReady=${this.crashAfterReadyRate}, faultRate=${this.faultRate}`);
  }

  private onApply(h: TestHost, e: Entry, hash: number): void {
    this.checker.onApply(h, e, hash);
    if (e.type === 'normal' && e.data.byteLength > 0) this.ack(decoder.decode(e.data));
  }

  run(): SimResult {
    let step = 0;
    try {
      for (; step < this.opts.steps; step++) {
        this.maybeFault();
        this.maybePropose(false);
        this.advanceTime();
        this.check(step % 20 === 0);
      }
      this.quiet();
      // Liveness: once faults stop, the cluster must keep making progress — some node's commit,
      // applied or last index moves, or a proposal is acknowledged, at least every `stallTicks` — until
      // there is one leader, every proposal is committed and every member has caught up. The
      // bound is on stalls, not on total time, because a laggard fed one entry per round trip
      // (tiny messages, window of 1) legitimately needs many ticks.
      const stallTicks = this.opts.livenessTicks ?? 300;
      let lastProgress = this.now;
      let lastMark = '';
      for (; !this.live(); step++) {
        this.maybePropose(true);
        this.advanceTime();
        this.check(step % 20 === 0);
        const mark = this.progressMark();
        if (mark !== lastMark) {
          lastMark = mark;
          lastProgress = this.now;
        } else if (this.now - lastProgress > stallTicks) {
          throw new SafetyViolation(`liveness: no progress for ${stallTicks} ticks after faults stopped: ${this.describeLiveness()}`);
        }
        if (this.now > this.opts.steps + 20_000) throw new SafetyViolation(`liveness: not done 20000 ticks after faults stopped: ${this.describeLiveness()}`);
      }
      this.check(true);
      return this.result(true);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      return { ...this.result(false), error: e instanceof SafetyViolation ? e.message : `${e.stack ?? e.message}`, step };
    }
  }

  private result(ok: boolean): SimResult {
    return {
      seed: this.seed,
      ok,
      stats: { ticks: this.now, messages: this.net.sent, committed: this.checker.maxCommitted, acked: this.acked.size, leaders: this.checker.leaderTerms() },
    };
  }

  private up(): TestHost[] {
    return this.hosts.filter((h) => h.up);
  }

  private leaders(): TestHost[] {
    return this.up().filter((h) => h.node!.status().role === 'leader');
  }

  /** One tick: every live node ticks, due messages are delivered, Readys handled, fsyncs happen. */
  private advanceTime(): void {
    this.now++;
    for (const [id, at] of this.restartAt) {
      if (at > this.now) continue;
      this.restartAt.delete(id);
      this.restart(this.hosts[id - 1]!);
    }
    for (const h of this.up()) h.node!.tick();
    for (const h of this.up()) this.drain(h);
    for (const m of this.net.due(this.now)) {
      const h = this.hosts[m.to - 1];
      if (!h || !h.up) continue;
      h.node!.step(m);
      this.drain(h);
    }
    for (const h of this.up()) {
      if (h.async && this.random.chance(0.5)) {
        this.net.send(this.now, h.fsync());
        this.drain(h);
      }
    }
  }

  private drain(h: TestHost): void {
    for (let r = h.handleReady(); r; r = h.handleReady()) {
      if (r.ready.snapshot) this.checker.checkSnapshotState(h);
      if (r.ready.softState) this.trace(`t${this.now} node ${h.id} is ${r.ready.softState.role} (leader ${r.ready.softState.leader ?? '-'}) at term ${h.node!.status().term}`);
      this.net.send(this.now, r.send);
      if (this.crashAfterReadyRate > 0 && this.random.chance(this.crashAfterReadyRate)) {
        // Crash right after this Ready: in async mode before its fsync, losing its writes while
        // the messages it allowed out early are already on the wire.
        h.crash();
        this.restartAt.set(h.id, this.now + this.random.nextInt(20));
        this.trace(`t${this.now} crash ${h.id} right after Ready ${r.ready.seq}`);
        return;
      }
    }
  }

  private restart(h: TestHost): void {
    if (h.up) return;
    h.restart();
    this.checker.checkSnapshotState(h);
    this.trace(`t${this.now} restart ${h.id}`);
    this.drain(h);
  }

  private check(full: boolean): void {
    this.checker.checkLeaders(this.up());
    if (full) this.checker.checkLogMatching(this.hosts);
  }

  private maybePropose(quiet: boolean): void {
    const leaders = this.leaders();
    if (leaders.length === 0) return;
    const leader = leaders[this.random.nextInt(leaders.length)]!;
    const term = leader.node!.status().term;
    if (!quiet && this.random.chance(0.3)) {
      const n = 1 + this.random.nextInt(3);
      const keys = Array.from({ length: n }, () => `p${this.nextProposal++}`);
      const res = leader.node!.proposeBatch(keys.map((k) => encoder.encode(k)));
      for (const k of keys) this.pending.set(k, { at: this.now, term: res.ok ? term : -1 });
    }
    // A client retries a proposal that is not acknowledged after a while once leadership has
    // changed (it may have been lost with the old leader's uncommitted tail).
    const retry: string[] = [];
    for (const [k, p] of this.pending) if (this.now - p.at > 40 && p.term !== term) retry.push(k);
    if (retry.length > 0) {
      const res = leader.node!.proposeBatch(retry.map((k) => encoder.encode(k)));
      for (const k of retry) this.pending.set(k, { at: this.now, term: res.ok ? term : -1 });
    }
    this.drain(leader);
  }

  private maybeFault(): void {
    const r = this.random;
    if (!r.chance(this.faultRate)) return;
    const all = this.hosts.map((h) => h.id as number);
    const kind = r.pick(['partition', 'asymmetric', 'bridge', 'heal', 'heal', 'crash', 'crash', 'restart', 'restart', 'transfer', 'conf', 'conf', 'compact', 'compact'] as const);
    switch (kind) {
      case 'partition': {
        const a = all.filter(() => r.chance(0.5));
        const b = all.filter((x) => !a.includes(x));
        this.net.partition(a, b);
        this.trace(`t${this.now} partition (${a}) | (${b})`);
        return;
      }
      case 'asymmetric': {
        const from = r.pick(all);
        const to = all.filter((x) => x !== from && r.chance(0.5));
        for (const t of to) this.net.blocked.add(`${from}->${t}`);
        this.trace(`t${this.now} block ${from} -> (${to})`);
        return;
      }
      case 'bridge': {
        const bridge = r.pick(all);
        const rest = all.filter((x) => x !== bridge);
        const a = rest.filter(() => r.chance(0.5));
        const b = rest.filter((x) => !a.includes(x));
        this.net.partition(a, b);
        this.trace(`t${this.now} bridge ${bridge} between (${a}) and (${b})`);
        return;
      }
      case 'heal':
        this.net.heal();
        this.trace(`t${this.now} heal`);
        return;
      case 'crash': {
        const h = r.pick(this.hosts);
        if (!h.up) return;
        h.crash();
        this.trace(`t${this.now} crash ${h.id}`);
        return;
      }
      case 'restart': {
        const down = this.hosts.filter((h) => !h.up);
        if (down.length === 0) return;
        this.restart(r.pick(down));
        return;
      }
      case 'transfer': {
        const leaders = this.leaders();
        if (leaders.length === 0) return;
        const l = r.pick(leaders);
        const to = r.pick(l.node!.status().config.voters.filter((v) => v !== l.id).concat(l.id));
        this.trace(`t${this.now} transfer leadership ${l.id} -> ${to}: ${l.node!.transferLeadership(to)}`);
        this.drain(l);
        return;
      }
      case 'conf': {
        const leaders = this.leaders();
        if (leaders.length === 0) return;
        const l = r.pick(leaders);
        const cfg = l.node!.status().config;
        const type = r.pick(['addLearner', 'addLearner', 'promote', 'promote', 'demote', 'remove'] as ConfChangeType[]);
        const candidates: NodeId[] =
          type === 'addLearner' ? this.hosts.map((h) => h.id).filter((id) => !cfg.voters.includes(id) && !cfg.learners.includes(id))
          : type === 'promote' ? [...cfg.learners]
          : type === 'demote' ? (cfg.voters.length > 2 ? [...cfg.voters] : [])
          : cfg.voters.length > 2 ? [...cfg.voters, ...cfg.learners] : [...cfg.learners];
        if (candidates.length === 0) return;
        const node = r.pick(candidates);
        const res = l.node!.proposeConfChange({ type, node });
        this.trace(`t${this.now} ${type} ${node} at leader ${l.id}: ${res.ok ? `appended at ${res.index}` : res.reason}`);
        this.drain(l);
        return;
      }
      case 'compact': {
        const up = this.up();
        if (up.length === 0) return;
        const h = r.pick(up);
        const at = h.appliedIndex - r.nextInt(5);
        if (h.compact(at)) this.trace(`t${this.now} node ${h.id} compacts through ${at}`);
        return;
      }
    }
  }

  /** Faults stop: heal the network, restart every node, no more loss or duplication. */
  private quiet(): void {
    this.trace(`t${this.now} faults stop`);
    this.net.heal();
    this.net.faults = { ...this.net.faults, lossRate: 0, duplicateRate: 0 };
    this.crashAfterReadyRate = 0;
    this.restartAt.clear();
    for (const h of this.hosts) this.restart(h);
  }

  private progressMark(): string {
    return `${this.acked.size}|` + this.hosts.map((h) => `${h.node?.status().commit ?? -1}/${h.appliedIndex}/${h.node?.status().lastIndex ?? -1}`).join(',');
  }

  /** A leader, every proposal acknowledged, and every member caught up with its commit index. */
  private live(): boolean {
    const leaders = this.leaders();
    if (leaders.length !== 1 || this.pending.size > 0) return false;
    const s = leaders[0]!.node!.status();
    if (s.commit !== s.lastIndex) return false;
    for (const id of [...s.config.voters, ...s.config.learners]) {
      const h = this.hosts[id - 1]!;
      if (!h.up || h.appliedIndex !== s.commit) return false;
    }
    return true;
  }

  private describeLiveness(): string {
    const states = this.hosts.map((h) => {
      const s = h.node?.status();
      return s ? `${h.id}:${s.role}/t${s.term}/c${s.commit}/a${h.appliedIndex}/l${s.lastIndex}` : `${h.id}:down`;
    });
    const progress = this.leaders().map((l) => `leader ${l.id} ${l.node!.status().config.voters}/${l.node!.status().config.learners} progress [${l.node!.describeProgress().join('; ')}]`);
    return `${this.pending.size} proposals unacknowledged; nodes ${states.join(' ')}; ${progress.join(' ')}`;
  }

  /** Marks client proposals acknowledged when any node applies them. */
  ack(key: string): void {
    if (this.pending.delete(key)) this.acked.add(key);
  }
}

export function runSeed(seed: number, opts: SimOptions): SimResult {
  return new Simulation(seed, opts).run();
}
