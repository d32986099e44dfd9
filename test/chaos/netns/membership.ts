// Membership changes while other faults run (docs/chaos.md, "Membership changes"): move one
// replica of a partition to another broker (reassign-partition), drain a broker (every replica it
// holds moves away; it keeps running, holding none), and add a broker (the cluster's spare joins,
// or a drained broker is undrained) that then takes a replica of the step's partition. Which
// brokers are chosen follows the step's seeded broker order and what the cluster holds when the
// step runs (logged). A change is asked for until the cluster accepts it and then waited on until
// the partition's leader reports it finished; a change not accepted, or not finished, within the
// bounds below after the step's other nemesis healed is an anomaly.
import type { ClusterHarness } from '../../integration/cluster-harness';
import { until } from '../../until';
import type { MembershipNemesis, Step } from './schedule';

/** How long a change is asked for before it counts as refused (the step's other nemesis heals within its hold). */
const ACCEPTED_WITHIN_MS = 60_000;
/** How long an accepted change may take to finish: new replicas copy the partition from its leader. */
const FINISHED_WITHIN_MS = 120_000;

interface Move {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
}

interface PartitionView {
  readonly partition: number;
  readonly replicas: number[];
  readonly retiring: number[];
  readonly voters: number[];
  readonly learners: number[];
  readonly leaderId: number;
}

export class MembershipRunner {
  /** Brokers started in this run (the first ones, and spares once joined). */
  private readonly joined: Set<number>;
  /** Brokers drained and not undrained since: they take no replicas. */
  private readonly drained = new Set<number>();
  /** Changes that were not accepted or did not finish in time, one line each. */
  readonly anomalies: string[] = [];

  constructor(
    private readonly cluster: ClusterHarness,
    private readonly topic: string,
    private readonly replicationFactor: number,
    first: readonly number[],
    private readonly spares: readonly number[],
    private readonly log: (line: string) => void,
  ) {
    this.joined = new Set(first);
  }

  /** Makes the change `nemesis` names and waits until it finished; never throws (a failure is an anomaly). */
  async run(nemesis: MembershipNemesis, step: Step, index: number): Promise<void> {
    try {
      if (nemesis === 'drain-broker') await this.drain(step);
      else if (nemesis === 'reassign-partition') await this.reassign(step, undefined);
      else {
        const added = await this.add(step);
        if (added === undefined) this.log('  membership: add-broker: nothing to add (the spares joined and no broker is drained)');
        else await this.reassign(step, added);
      }
    } catch (error) {
      this.anomalies.push(`membership: ${nemesis} of step #${index + 1} failed: ${(error as Error).message}`);
      this.log(`  membership: ${nemesis} failed: ${(error as Error).message}`);
    }
  }

  /** Brokers new replicas may go to. */
  private eligible(): number[] {
    return [...this.joined].filter((id) => !this.drained.has(id));
  }

  /** The step's broker order, then the spares: victims and targets are taken from its front. */
  private preference(step: Step): number[] {
    return [...step.order, ...this.spares];
  }

  /** Joins a spare, else undrains a drained broker; the broker added, or undefined when there is none to add. */
  private async add(step: Step): Promise<number | undefined> {
    const spare = this.spares.find((id) => !this.joined.has(id));
    if (spare !== undefined) {
      this.log(`  membership: broker ${spare} joins the cluster`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.cluster.join(spare),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`broker ${spare} did not start serving within ${ACCEPTED_WITHIN_MS} ms of its join`)), ACCEPTED_WITHIN_MS))),
      ]).finally(() => clearTimeout(timer));
      this.joined.add(spare);
      await this.cluster.retry(`broker ${spare} to be registered`, async (id) => {
        const described = await this.cluster.call(id, 'sluice.v1.Admin', 'describeCluster', {});
        return described.brokers.some((b: { id: number }) => b.id === spare) ? true : undefined;
      }, ACCEPTED_WITHIN_MS);
      return spare;
    }
    const undrained = this.preference(step).find((id) => this.drained.has(id));
    if (undrained === undefined) return undefined;
    this.log(`  membership: broker ${undrained} is undrained`);
    await this.accepted(`broker ${undrained} to be undrained`, (id) => this.cluster.call(id, 'sluice.v1.Admin', 'drainBroker', { brokerId: undrained, undrain: true }).then((r) => (r.errorCode === 0 ? true : undefined)));
    this.drained.delete(undrained);
    return undrained;
  }

  private async drain(step: Step): Promise<void> {
    // Draining needs replicationFactor other brokers to take its replicas.
    if (this.eligible().length - 1 < this.replicationFactor) await this.add(step);
    const victim = this.preference(step).find((id) => this.eligible().includes(id));
    if (victim === undefined || this.eligible().length - 1 < this.replicationFactor) {
      this.log(`  membership: drain-broker: no broker can be drained (${this.eligible().length} take replicas, ${this.replicationFactor} needed)`);
      return;
    }
    this.log(`  membership: draining broker ${victim}`);
    const moves: Move[] = await this.accepted(`the drain of broker ${victim}`, (id) => this.cluster.call(id, 'sluice.v1.Admin', 'drainBroker', { brokerId: victim }).then((r) => (r.errorCode === 0 ? r.moves : undefined)));
    this.drained.add(victim);
    this.log(`  membership: broker ${victim} drains: ${moves.map((m) => `${m.topic}/${m.partition} → ${m.replicas.join(',')}`).join('; ') || 'it held nothing'}`);
    for (const move of moves) await this.finished(move);
  }

  /** Moves one replica of the step's partition onto `onto` (or the first eligible broker not holding it). */
  private async reassign(step: Step, onto: number | undefined): Promise<void> {
    if (onto === undefined && this.eligible().length <= this.replicationFactor) onto = await this.add(step);
    const current = (await this.leaderView(step.partition)).replicas;
    const incoming = onto ?? this.preference(step).find((id) => this.eligible().includes(id) && !current.includes(id));
    if (incoming === undefined || current.includes(incoming)) {
      this.log(`  membership: ${this.topic}/${step.partition} already on ${current.join(',')}: nothing to move${incoming === undefined ? '' : ` onto broker ${incoming}`}`);
      return;
    }
    const leaving = this.preference(step).find((id) => current.includes(id))!;
    const move: Move = { topic: this.topic, partition: step.partition, replicas: current.map((id) => (id === leaving ? incoming : id)) };
    this.log(`  membership: ${this.topic}/${step.partition} moves from ${current.join(',')} to ${move.replicas.join(',')}`);
    await this.accepted(`the reassignment of ${this.topic}/${step.partition} to ${move.replicas.join(',')}`, async (id) => {
      const r = await this.cluster.call(id, 'sluice.v1.Admin', 'reassignPartitions', { reassignments: [{ topic: move.topic, partition: move.partition, replicas: move.replicas }] });
      return r.results[0].errorCode === 0 ? true : undefined;
    });
    await this.finished(move);
  }

  /** Asks through any live broker until the answer is accepted (a value), for at most ACCEPTED_WITHIN_MS. */
  private accepted<T>(what: string, ask: (id: number) => Promise<T | undefined>): Promise<T> {
    return this.cluster.retry(what, (id) => ask(id), ACCEPTED_WITHIN_MS);
  }

  /** Waits until the partition's leader has exactly the move's replicas as voters and none retiring or learning. */
  private async finished(move: Move): Promise<void> {
    const started = performance.now();
    const target = [...move.replicas].sort().join();
    await until(async () => {
      const view = await this.leaderView(move.partition, move.topic).catch(() => undefined);
      return view !== undefined && view.retiring.length === 0 && view.learners.length === 0 && [...view.voters].sort().join() === target;
    }, `${move.topic}/${move.partition} to finish moving to ${move.replicas.join(',')}`, { maxWaitMs: FINISHED_WITHIN_MS, intervalMs: 250 });
    this.log(`  membership: ${move.topic}/${move.partition} is on ${move.replicas.join(',')} after ${Math.round(performance.now() - started)} ms`);
  }

  /** The partition as its leader describes it (voters are exact there). */
  private async leaderView(partition: number, topic = this.topic): Promise<PartitionView> {
    return this.cluster.retry(`the leader's view of ${topic}/${partition}`, async (id) => {
      const described = await this.cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [topic] }, 3000);
      const view = (described.topics[0]?.partitions as PartitionView[] | undefined)?.find((p) => p.partition === partition);
      return view !== undefined && view.leaderId === id ? view : undefined;
    }, ACCEPTED_WITHIN_MS);
  }
}
