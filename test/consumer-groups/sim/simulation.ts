// One seeded run of a consumer group under churn: members join, leave, crash (stop
// heartbeating), pause past their session and resume as zombies, restart statically; heartbeats
// are delayed or lost and answers lost; topics grow, appear and are deleted; the coordinator
// fails over (a new one is rebuilt from the records). After every input the invariants of
// checker.ts hold; then the faults stop and the group must become stable with every live client
// consuming exactly its assignment.
import { strict as assert } from 'node:assert';
import { checkOffsetCommit } from '../../../src/consumer-groups/coordinator/commit-fencing';
import type { ConsumerGroupOptions } from '../../../src/consumer-groups/coordinator/config';
import { ConsumerGroup, type ConsumerGroupSnapshot, type HeartbeatResult } from '../../../src/consumer-groups/coordinator/consumer-group';
import { heldPartitions } from '../../../src/consumer-groups/coordinator/member';
import { parsePartitionKey } from '../../../src/consumer-groups/coordinator/partition-key';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord, type ConsumerGroupRecord } from '../../../src/consumer-groups/coordinator/records';
import { restoreConsumerGroup } from '../../../src/consumer-groups/coordinator/restore';
import { SeededRandom } from '../../../src/raft/random';
import { checkMinimalMovement, checkRevocationNeeded, checkSingleOwner, checkStableCoversAll, InvariantViolation } from './checker';
import { SimClient } from './sim-client';

export interface SimOptions {
  readonly steps: number;
  readonly trace?: (line: string) => void;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly step?: number;
  readonly stats: { joins: number; epochs: number; takeovers: number; staticRestarts: number; fenced: number; movementChecks: number };
}

const STEP_MS = 1_000;
const TOPICS = ['t0', 't1', 't2'];

export class Simulation {
  private readonly random: SeededRandom;
  private readonly options: ConsumerGroupOptions;
  private group: ConsumerGroup;
  private readonly log: ConsumerGroupRecord[] = [];
  private readonly topics = new Map<string, number>();
  private readonly clients: SimClient[] = [];
  private now = 0;
  private nextName = 0;
  private readonly trace: (line: string) => void;
  private readonly faults: { dropRate: number; maxDelaySteps: number; eventRate: number; homogeneous: boolean; slowRevokeRate: number };
  private readonly stats = { joins: 0, epochs: 0, takeovers: 0, staticRestarts: 0, fenced: 0, movementChecks: 0 };
  /** Instance ids of static clients that left (-2) or crashed, and when they come back. */
  private readonly restarts: { client: SimClient; atMs: number }[] = [];

  constructor(readonly seed: number, private readonly opts: SimOptions) {
    this.random = new SeededRandom(seed);
    const r = this.random;
    this.trace = opts.trace ?? (() => {});
    const sessionTimeoutMs = r.pick([6_000, 10_000, 20_000]);
    let memberIds = 0;
    this.options = {
      sessionTimeoutMs,
      heartbeatIntervalMs: r.pick([1_000, 2_000]),
      rebalanceTimeoutMs: r.pick([4_000, 8_000, 30_000]),
      maxSize: r.pick([4, 8, 100]),
      defaultAssignor: r.pick(['uniform', 'uniform', 'range']),
      newMemberId: () => `member-${++memberIds}`,
    };
    this.faults = {
      dropRate: r.pick([0, 0.05, 0.2]),
      maxDelaySteps: r.pick([0, 1, 3]),
      eventRate: r.pick([0.05, 0.15, 0.3]),
      homogeneous: r.chance(0.7),
      slowRevokeRate: r.pick([0, 0.1, 0.3]),
    };
    this.topics.set('t0', 1 + r.nextInt(8));
    if (r.chance(0.5)) this.topics.set('t1', 1 + r.nextInt(6));
    this.group = new ConsumerGroup('g', this.options, new Map(this.topics));
    this.trace(`seed ${seed}: options ${JSON.stringify({ ...this.options, newMemberId: undefined })} faults ${JSON.stringify(this.faults)} topics ${JSON.stringify([...this.topics])}`);
  }

  run(): SimResult {
    let step = 0;
    try {
      for (; step < this.opts.steps; step++) {
        if (this.random.chance(this.faults.eventRate)) this.event();
        this.advance(true);
      }
      // Faults stop: paused clients resume, pending static restarts happen, nothing is lost.
      // A client slower to revoke than the rebalance timeout is a fault too: it is fenced, rejoins
      // and takes partitions that others must revoke, forever (as in Kafka).
      for (const c of this.clients) {
        if (c.status === 'paused') c.status = 'running';
        c.revokeDelayMs = Math.min(c.revokeDelayMs, this.options.rebalanceTimeoutMs! / 2);
      }
      // A slow revoker fenced by its rebalance timeout rejoins and may be fenced again while
      // others move, so convergence takes a few rounds of timeouts, not one.
      const quietSteps = Math.ceil((10 * (this.options.sessionTimeoutMs! + this.options.rebalanceTimeoutMs!)) / STEP_MS) + 50;
      for (let i = 0; i < quietSteps && this.unsettled() !== null; i++, step++) this.advance(false);
      const why = this.unsettled();
      if (why !== null) throw new InvariantViolation(`liveness: ${quietSteps} steps after faults stopped, ${why}`);
      return { seed: this.seed, ok: true, stats: this.stats };
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      return { seed: this.seed, ok: false, error: e instanceof InvariantViolation ? e.message : `${e.stack ?? e.message}`, step, stats: this.stats };
    }
  }

  private event(): void {
    const r = this.random;
    const running = this.clients.filter((c) => c.status === 'running');
    const kind = r.pick(['join', 'join', 'join', 'leave', 'crash', 'pause', 'static-restart', 'grow', 'grow', 'delete-topic', 'takeover']);
    if (kind === 'join' || running.length === 0) return this.addClient(r.chance(0.4) ? `static-${this.nextName}` : '', null);
    const c = r.pick(running);
    switch (kind) {
      case 'leave':
        this.trace(`t${this.now} ${c.name} leaves`);
        this.deliver(c, { memberId: c.memberId, memberEpoch: -1 });
        c.status = 'stopped';
        return;
      case 'crash':
        this.trace(`t${this.now} ${c.name} crashes`);
        c.status = 'crashed';
        if (c.instanceId !== '') this.restarts.push({ client: c, atMs: this.now + r.nextInt(2 * this.options.sessionTimeoutMs!) });
        return;
      case 'pause':
        this.trace(`t${this.now} ${c.name} pauses`);
        c.status = 'paused';
        c.nextHeartbeatMs = this.now + r.nextInt(2 * this.options.sessionTimeoutMs!);
        return;
      case 'static-restart':
        if (c.instanceId === '' || c.memberEpoch <= 0) return;
        this.trace(`t${this.now} ${c.name} (${c.instanceId}) shuts down for a restart`);
        if (this.deliver(c, { memberId: c.memberId, memberEpoch: -2, instanceId: c.instanceId }).ok) {
          this.restarts.push({ client: c, atMs: this.now + r.nextInt(this.options.sessionTimeoutMs! - STEP_MS) });
        }
        c.status = 'stopped';
        return;
      case 'grow': {
        const topic = r.pick(TOPICS);
        this.topics.set(topic, (this.topics.get(topic) ?? 0) + 1 + r.nextInt(3));
        this.trace(`t${this.now} topic ${topic} now has ${this.topics.get(topic)} partitions`);
        this.input(() => this.group.updateTopics(new Map(this.topics)).records);
        return;
      }
      case 'delete-topic': {
        if (this.topics.size <= 1) return;
        const topic = r.pick([...this.topics.keys()]);
        this.topics.delete(topic);
        this.trace(`t${this.now} topic ${topic} deleted`);
        this.input(() => this.group.updateTopics(new Map(this.topics)).records);
        return;
      }
      case 'takeover':
        return this.takeover();
    }
  }

  /** Starts a client process; a static restart keeps the configuration of the process it replaces. */
  private addClient(instanceId: string, previous: SimClient | null): void {
    const name = `c${this.nextName++}`;
    const picked = this.faults.homogeneous ? TOPICS : TOPICS.filter(() => this.random.chance(0.6));
    const topics = previous?.topics ?? (picked.length > 0 ? picked : ['t0']);
    const assignor = previous?.assignor ?? (this.faults.homogeneous ? '' : this.random.pick(['', '', this.options.defaultAssignor!, 'range', 'uniform']));
    const revokeDelayMs = this.random.chance(this.faults.slowRevokeRate) ? STEP_MS * (1 + this.random.nextInt(10)) : 0;
    const c = new SimClient(name, instanceId, topics, assignor, revokeDelayMs);
    c.nextHeartbeatMs = this.now;
    this.clients.push(c);
    this.stats.joins++;
    this.trace(`t${this.now} ${name} starts${instanceId ? ` as ${instanceId}` : ''}, subscribed to ${c.topics.join(',')}`);
  }

  /** The coordinator fails over: a new one is rebuilt from the records, with the same state. */
  private takeover(): void {
    const wire = this.log.map(encodeConsumerGroupRecord).map((e) => decodeConsumerGroupRecord(e.key, e.value));
    const restored = restoreConsumerGroup('g', wire, this.options, new Map(this.topics), this.now);
    try {
      assert.deepStrictEqual(restored.snapshot(), this.group.snapshot());
    } catch (e) {
      throw new InvariantViolation(`the restored coordinator differs from the one it replaces: ${(e as Error).message}`);
    }
    this.group = restored;
    this.stats.takeovers++;
    this.trace(`t${this.now} coordinator takeover (${this.log.length} records)`);
  }

  /** One step of time: restarts, due heartbeats, slow revocations, the coordinator's tick, checks. */
  private advance(faulty: boolean): void {
    this.now += STEP_MS;
    for (const due of this.restarts.filter((x) => x.atMs <= this.now || !faulty)) {
      this.restarts.splice(this.restarts.indexOf(due), 1);
      this.addClient(due.client.instanceId, due.client);
    }
    for (const c of this.clients) {
      if (c.status === 'paused' && this.now >= c.nextHeartbeatMs) c.status = 'running';
      if (c.status !== 'running') continue;
      c.maybeFinishRevoking(this.now);
      if (c.inFlight === null && this.now >= c.nextHeartbeatMs) {
        if (faulty && this.random.chance(this.faults.dropRate)) {
          c.nextHeartbeatMs = this.now + STEP_MS; // the request is lost: the client times out and retries
          continue;
        }
        const delay = faulty ? this.random.nextInt(this.faults.maxDelaySteps + 1) : 0;
        c.inFlight = { req: c.request(), deliverAtMs: this.now + delay * STEP_MS };
      }
      if (c.inFlight !== null && c.inFlight.deliverAtMs <= this.now) {
        const req = c.inFlight.req;
        c.inFlight = null;
        const result = this.deliver(c, req);
        if (faulty && this.random.chance(this.faults.dropRate)) {
          c.nextHeartbeatMs = this.now + STEP_MS; // the answer is lost: retry with what it has
          continue;
        }
        const takenAway = c.onResponse(result, this.now, this.options.heartbeatIntervalMs!);
        if (result.ok) checkRevocationNeeded(c.memberId, takenAway, this.group.snapshot());
        else if (result.error.code === 'FENCED_MEMBER_EPOCH' || result.error.code === 'UNKNOWN_MEMBER_ID') this.stats.fenced++;
      }
      this.commitOwned(c);
    }
    this.input(() => this.group.tick(this.now).records);
  }

  /** Runs one coordinator input and checks the invariants across it. */
  private input(run: () => readonly ConsumerGroupRecord[]): void {
    const before = this.group.snapshot();
    const records = run();
    this.log.push(...records);
    const after = this.group.snapshot();
    if (after.groupEpoch !== before.groupEpoch) this.stats.epochs++;
    checkSingleOwner(after);
    checkStableCoversAll(this.group.state(), after, this.topics);
    if (this.group.assignorName() === 'uniform' && !renamedStatic(before, after) && checkMinimalMovement(before, after)) this.stats.movementChecks++;
  }

  private deliver(c: SimClient, req: Parameters<ConsumerGroup['heartbeat']>[0]): HeartbeatResult {
    let result!: HeartbeatResult;
    const restarting = req.memberEpoch === 0 && req.instanceId !== undefined ? [...this.group.snapshot().members.values()].find((m) => m.instanceId === req.instanceId && m.staticLeft) : undefined;
    const epochBefore = this.group.snapshot().groupEpoch;
    this.input(() => {
      const out = this.group.heartbeat(req, this.now);
      result = out.result;
      return out.records;
    });
    if (restarting !== undefined && result.ok) {
      this.stats.staticRestarts++;
      const epochAfter = this.group.snapshot().groupEpoch;
      if (epochAfter !== epochBefore) throw new InvariantViolation(`static member ${req.instanceId} restarted within its session but the group epoch moved ${epochBefore} → ${epochAfter}`);
    }
    this.trace(`t${this.now} ${c.name} ${JSON.stringify(req)} → ${JSON.stringify(result)}`);
    return result;
  }

  /** A client commits what it consumes (a zombie too); an accepted commit must come from the holder. */
  private commitOwned(c: SimClient): void {
    for (const key of c.owned) {
      const { topic, partition } = parsePartitionKey(key);
      if (checkOffsetCommit(this.group, { memberId: c.memberId, memberEpoch: c.memberEpoch, topic, partition }) !== null) continue;
      const m = this.group.member(c.memberId);
      if (m === undefined || !heldPartitions(m).includes(key)) throw new InvariantViolation(`a commit by ${c.name} for ${key} was accepted though the coordinator does not give it that partition`);
    }
  }

  /** Why the group has not settled (stable, every running client consuming exactly its assignment), or null. */
  private unsettled(): string | null {
    const state = this.group.state();
    const live = this.clients.filter((c) => c.status === 'running');
    if (live.length > 0 && state !== 'stable') return `the consumer group is ${state}, not stable`;
    for (const c of live) {
      const m = this.group.member(c.memberId);
      if (m === undefined) return `${c.name} (${c.memberId}) runs but is not a member`;
      const assigned = [...m.assigned.keys()].sort().join(' ');
      const owned = [...c.owned].sort().join(' ');
      if (assigned !== owned) return `${c.name} consumes [${owned}] but is assigned [${assigned}]`;
    }
    return null;
  }
}

/** A static member's replacement renames a member: movement is not comparable across it. */
function renamedStatic(before: ConsumerGroupSnapshot, after: ConsumerGroupSnapshot): boolean {
  const ids = (s: ConsumerGroupSnapshot) => new Map([...s.members.values()].filter((m) => m.instanceId !== '').map((m) => [m.instanceId, m.memberId]));
  const a = ids(before);
  return [...ids(after)].some(([instance, id]) => a.has(instance) && a.get(instance) !== id);
}

export function runSeed(seed: number, opts: SimOptions): SimResult {
  return new Simulation(seed, opts).run();
}
