// Runs one scheduled step (schedule.ts) against a cluster in network namespaces: its network
// nemesis as nftables rules (partitions.ts), its process nemesis with the fault injector
// (../faults.ts: kill -9 and restart, SIGSTOP and SIGCONT; a crash that loses unsynced writes) or
// its disk nemesis (disk-nemesis.ts), its clock nemesis (clock.ts), all held for the step's hold,
// then undone, a degraded link's fault through the link proxies (links.ts) likewise; and its
// membership change (membership.ts), started with them and waited on after the heal. The network,
// the links and the clocks are healed whatever happens.
import { join } from 'node:path';
import { sleep, type ClusterHarness } from '../../integration/cluster-harness';
import { unsyncedBytes } from '../../../src/storage/unsynced-loss-file-io';
import type { FaultInjector } from '../faults';
import { isProxyNemesis, proxyFaultOf, type ProxyNemesis } from './degraded-links';
import type { LinkProxies } from './links';
import { applyNetwork, healNetwork, NetworkState } from './partitions';
import { DiskNemesisRunner } from './disk-nemesis';
import type { BrokerClocks } from './clock';
import type { MembershipRunner } from './membership';
import type { ClockNemesis, DiskNemesis, NetworkNemesis, ProcessNemesis, Step } from './schedule';
import { isClock, isDisk, isMembership, isNetwork, isProcess } from './schedule';

/** How long a crash waits for its brokers to hold unsynced segment bytes, and how often it looks. */
const UNSYNCED_WAIT_MS = 10_000;
const UNSYNCED_PROBE_MS = 7;

export class NemesisRunner {
  /** Segment bytes the crash-losing-unsynced-writes restarts cut away, in total. */
  unsyncedBytesCut = 0;
  readonly disk: DiskNemesisRunner;

  constructor(
    private readonly cluster: ClusterHarness,
    private readonly topic: string,
    private readonly brokers: readonly number[],
    private readonly injector: FaultInjector,
    private readonly log: (line: string) => void,
    /** Present when the run may draw clock, membership or link-proxy nemeses. */
    private readonly extras: { readonly clocks?: BrokerClocks; readonly membership?: MembershipRunner; readonly links?: LinkProxies } = {},
  ) {
    this.disk = new DiskNemesisRunner(cluster, topic, log, (partition, fallback) => this.leaderOr(partition, fallback));
  }

  /** Applies `step` (the `index`th), holds it, undoes it. */
  async run(step: Step, index = 0): Promise<void> {
    const network = step.nemeses.find(isNetwork);
    const process = step.nemeses.find((n): n is ProcessNemesis | DiskNemesis => isProcess(n) || isDisk(n));
    const clock = step.nemeses.find(isClock);
    const membershipChange = step.nemeses.find(isMembership);
    if ((clock !== undefined && !this.extras.clocks) || (membershipChange !== undefined && !this.extras.membership)) {
      throw new Error(`step #${index + 1} draws ${clock ?? membershipChange}, but the brokers were started without it (run.ts starts them under libfaketime, with a spare, when the nemeses include it)`);
    }
    const membership = membershipChange === undefined ? undefined : this.extras.membership!.run(membershipChange, step, index);
    try {
      await Promise.all([
        network === undefined ? undefined : this.network(network, step),
        process === undefined ? undefined : this.process(process, step),
        clock === undefined ? undefined : this.clock(clock, step),
      ]);
    } finally {
      healNetwork(this.brokers);
      this.injector.resume();
      this.extras.clocks?.reset();
      await this.extras.links?.heal();
    }
    await membership;
  }

  /**
   * Steps or skews order[0]'s wall clock for the hold; the heal (run's finally) steps it back to
   * the true time, as NTP would.
   */
  private async clock(nemesis: ClockNemesis, step: Step): Promise<void> {
    const victim = step.order[0]!;
    const clocks = this.extras.clocks!;
    if (nemesis === 'clock-step') {
      clocks.set(victim, step.clockStepMs);
      this.log(`  clock: broker ${victim}'s wall clock stepped ${step.clockStepMs >= 0 ? '+' : ''}${step.clockStepMs} ms`);
      await sleep(step.holdMs);
      return;
    }
    this.log(`  clock: broker ${victim}'s wall clock runs at ${step.clockRate}x`);
    await clocks.skew(victim, step.clockRate, step.holdMs);
    this.log(`  clock: broker ${victim}'s wall clock is ${Math.round(clocks.offsetOf(victim))} ms off before the heal`);
  }

  private async network(nemesis: NetworkNemesis, step: Step): Promise<void> {
    const state = new NetworkState(this.brokers);
    const order = step.order;
    // Every broker, spares too: a spare that joined is cut like the others.
    const rest = (victims: readonly number[]): number[] => this.brokers.filter((id) => !victims.includes(id));
    switch (nemesis) {
      case 'isolate-one':
      case 'flapping':
        state.cut([order[0]!], rest([order[0]!]));
        break;
      case 'majority-minority': {
        const minority = order.slice(0, Math.floor(order.length / 2));
        state.cut(minority, rest(minority));
        break;
      }
      case 'isolate-leader': {
        const leader = await this.leaderOr(step.partition, order[0]!);
        state.cut([leader], rest([leader]));
        break;
      }
      case 'bridge': {
        // order[0] sees both sides; the sides cannot see each other.
        const side = order.slice(1, 1 + Math.floor((order.length - 1) / 2));
        state.cut(side, rest([order[0]!, ...side]));
        break;
      }
      case 'asymmetric':
        // Everything order[0] sends is dropped; what it is sent still arrives.
        for (const other of rest([order[0]!])) state.drop(order[0]!, other);
        break;
      case 'packet-loss':
        state.loss(order[0]!, step.lossPercent);
        break;
      case 'isolate-metadata-leader': {
        const leader = await this.metadataLeaderOr(order[0]!);
        state.cut([leader], rest([leader]));
        break;
      }
      case 'slow-link':
        state.limit(order[0]!, step.link.rateKbit);
        break;
      case 'link-delay':
      case 'link-stall':
      case 'link-reset':
      case 'half-open':
        break;
    }
    this.log(`  network: ${nemesis}: ${isProxyNemesis(nemesis) ? await this.degradeLinks(nemesis, step) : state.describe()}`);
    applyNetwork(state);
    if (nemesis !== 'flapping') {
      await sleep(step.holdMs);
      this.log(`  before the heal, leaders as each broker reports them: ${await this.leadersAsReported()}`);
      if (nemesis === 'isolate-metadata-leader') this.log(`  before the heal, the metadata leader as each broker reports it: ${describeControllers(await this.controllersAsReported())}`);
      return;
    }
    const endAt = performance.now() + step.holdMs;
    for (let cut = true; performance.now() < endAt; cut = !cut) {
      if (cut) applyNetwork(state);
      else healNetwork(this.brokers);
      await sleep(Math.min(step.flapMs, Math.max(0, endAt - performance.now())));
    }
  }

  private async process(kind: ProcessNemesis | DiskNemesis, step: Step): Promise<void> {
    if (isDisk(kind)) return this.disk.run(kind, step);
    const order = step.order;
    if (kind === 'crash-losing-unsynced-writes') {
      // The brokers run with the lose-unsynced-writes test fault (run.ts): kill -9 of the
      // partition's leader and one more replica (a majority), so each restarts without the
      // segment bytes it had not fdatasynced, as after a machine crash.
      const leader = await this.leaderOr(step.partition, order[0]!);
      const crashed = [leader, order.find((id) => id !== leader)!];
      this.log(`  process: ${kind} broker(s) ${crashed.join(',')}`);
      // What each crashed broker had written and not fdatasynced, which its restart cuts away.
      const cut = await this.stopHoldingUnsyncedBytes(crashed);
      await Promise.all(crashed.map((id) => this.cluster.kill(id, 'SIGKILL')));
      this.unsyncedBytesCut += cut.reduce((a, b) => a + b, 0);
      this.log(`  crashed brokers ${crashed.join(',')} lose ${cut.join(' and ')} unsynced segment bytes`);
      await sleep(step.holdMs);
      for (const id of crashed) await this.cluster.start(id);
      return;
    }
    const brokers =
      kind === 'kill-one' ? [order[1] ?? order[0]!]
      : kind === 'kill-two' ? order.slice(1, 3)
      : kind === 'restart-all' ? [...order]
      : [await this.leaderOr(step.partition, order[0]!)];
    this.log(`  process: ${kind} broker(s) ${brokers.join(',')}`);
    await this.injector.inflict({ kind, brokers, holdMs: step.holdMs, ...(kind === 'pause-leader' ? { partition: step.partition } : {}) });
  }

  /**
   * SIGSTOPs `ids` at a moment when they hold segment bytes written and not yet fdatasynced, so
   * that the crash which follows loses some: with flush.policy=batch that window is short (on a
   * fast disk a kill at a random moment usually finds none). Stopped, a broker cannot record a
   * sync, so what it holds unsynced is what kill -9 then loses. Looks again after letting them run
   * briefly, for at most UNSYNCED_WAIT_MS (no traffic, no unsynced bytes); returns each one's bytes.
   */
  private async stopHoldingUnsyncedBytes(ids: readonly number[]): Promise<number[]> {
    const giveUpAt = performance.now() + UNSYNCED_WAIT_MS;
    for (;;) {
      const children = ids.map((id) => this.cluster.processes.get(id)?.child);
      for (const child of children) child?.kill('SIGSTOP');
      const cut = ids.map((id) => unsyncedBytes(join(this.cluster.dir, `node-${id}`)));
      if (cut.some((bytes) => bytes > 0) || performance.now() >= giveUpAt) return cut;
      for (const child of children) child?.kill('SIGCONT');
      await sleep(UNSYNCED_PROBE_MS);
    }
  }

  /** What each live broker names as every partition's leader and term, for the log: "broker 1: p0 3@t4 p1 none@t2 …". */
  private async leadersAsReported(): Promise<string> {
    const views = await Promise.all(this.brokers.map(async (id) => {
      if (!this.cluster.processes.get(id)) return `broker ${id}: down`;
      try {
        const described = await this.cluster.call(id, 'sluice.v1.Admin', 'describeTopics', { names: [this.topic] }, 2000);
        const partitions = (described.topics[0]?.partitions ?? []) as { partition: number; leaderId: number; leaderEpoch: number | string }[];
        return `broker ${id}: ${partitions.map((p) => `p${p.partition} ${p.leaderId || 'none'}@t${p.leaderEpoch}`).join(' ')}`;
      } catch (error) {
        return `broker ${id}: no answer (${(error as Error).message.slice(0, 60)})`;
      }
    }));
    return views.join('; ');
  }

  /** Sets the step's proxy fault on every link of its first broker, both ways (run() heals them); says what it did. */
  private async degradeLinks(nemesis: ProxyNemesis, step: Step): Promise<string> {
    if (!this.extras.links) throw new Error(`${nemesis} needs the link proxies, which a run starts when its nemeses include ${nemesis}`);
    const fault = proxyFaultOf(nemesis, step.link);
    await this.extras.links.degrade(step.order[0]!, fault);
    return `every link of broker ${step.order[0]}, both ways: ${JSON.stringify(fault)}`;
  }

  /** What each live broker names as the metadata group's leader (DescribeCluster), undefined for none or no answer. */
  private async controllersAsReported(): Promise<{ id: number; controller: number | undefined }[]> {
    return Promise.all(this.brokers.filter((id) => this.cluster.processes.get(id)).map(async (id) => {
      try {
        const described = await this.cluster.call(id, 'sluice.v1.Admin', 'describeCluster', {}, 2000);
        return { id, controller: (described.controllerId as number) || undefined };
      } catch {
        return { id, controller: undefined };
      }
    }));
  }

  /** The metadata group's leader, as most live brokers name it; `fallback` if none is named within 10 s. */
  private async metadataLeaderOr(fallback: number): Promise<number> {
    const giveUpAt = performance.now() + 10_000;
    for (;;) {
      const views = await this.controllersAsReported();
      const votes = new Map<number, number>();
      for (const { controller } of views) if (controller !== undefined && this.cluster.processes.get(controller)) votes.set(controller, (votes.get(controller) ?? 0) + 1);
      const leader = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
      if (leader !== undefined || performance.now() >= giveUpAt) {
        this.log(`  metadata leader as each broker reports it: ${describeControllers(views)}; ${leader === undefined ? `none named, striking broker ${fallback}` : `isolating broker ${leader}`}`);
        return leader ?? fallback;
      }
      await sleep(200);
    }
  }

  /** The partition's leader as the cluster reports it; `fallback` if none answers within 10 s. */
  private async leaderOr(partition: number, fallback: number): Promise<number> {
    const leader = await Promise.race([
      this.cluster.leaderOf(this.topic, partition).catch(() => undefined),
      sleep(10_000).then(() => undefined),
    ]);
    this.log(`  leader of ${this.topic}/${partition}: ${leader ?? `none answered, striking broker ${fallback}`}`);
    return leader ?? fallback;
  }
}

const describeControllers = (views: readonly { id: number; controller: number | undefined }[]): string =>
  views.map((v) => `broker ${v.id}: ${v.controller ?? 'none'}`).join('; ');
