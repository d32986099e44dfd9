// The chaos run's nemesis schedule, a pure function of the seed (docs/chaos.md): which nemeses
// strike in which order, how long each holds, the healthy pause before it, and the random choices
// it needs (an order of the brokers to take victims from, a partition whose leader to strike, a
// loss percentage, a flapping period). The run prints it before it starts; the same seed and
// options give the same schedule. Choices that depend on the cluster (who leads a partition) are
// made when the step runs, and logged.
import { seededRandom } from '../../../src/cli/bench/keys';
import { DEGRADED_LINK_NEMESES, describeLinkParameters, drawLinkParameters, type LinkParameters } from './degraded-links';

export const NETWORK_NEMESES = ['isolate-one', 'majority-minority', 'isolate-leader', 'bridge', 'asymmetric', 'flapping', 'packet-loss', 'isolate-metadata-leader', ...DEGRADED_LINK_NEMESES] as const;
export const PROCESS_NEMESES = ['kill-one', 'kill-two', 'pause-leader', 'restart-all', 'crash-losing-unsynced-writes'] as const;
/** Disk faults on one broker (disk-nemesis.ts); scheduled like process nemeses (one a step, combinable with a network one). */
export const DISK_NEMESES = ['disk-eio', 'disk-full', 'bit-flip'] as const;
/** One broker's wall clock stepped or skewed (clock.ts); a step of its own, or a membership step's partner. */
export const CLOCK_NEMESES = ['clock-step', 'clock-skew'] as const;
/** Replica set changes (membership.ts); each runs alongside another nemesis of the step when there is one. */
export const MEMBERSHIP_NEMESES = ['reassign-partition', 'drain-broker', 'add-broker'] as const;
export type NetworkNemesis = (typeof NETWORK_NEMESES)[number];
export type ProcessNemesis = (typeof PROCESS_NEMESES)[number];
export type DiskNemesis = (typeof DISK_NEMESES)[number];
export type ClockNemesis = (typeof CLOCK_NEMESES)[number];
export type MembershipNemesis = (typeof MEMBERSHIP_NEMESES)[number];
export type Nemesis = NetworkNemesis | ProcessNemesis | DiskNemesis | ClockNemesis | MembershipNemesis;
export const ALL_NEMESES: readonly Nemesis[] = [...NETWORK_NEMESES, ...PROCESS_NEMESES, ...DISK_NEMESES, ...CLOCK_NEMESES, ...MEMBERSHIP_NEMESES];
/** The names --nemesis takes for a whole group. */
const GROUPS: Record<string, readonly Nemesis[]> = { all: ALL_NEMESES, network: NETWORK_NEMESES, process: PROCESS_NEMESES, disk: DISK_NEMESES, clock: CLOCK_NEMESES, membership: MEMBERSHIP_NEMESES };
/** clock-step's offsets (ms), one drawn per step with a sign: up to past the broker's 24 h producer id expiration. */
export const CLOCK_STEPS_MS = [3000, 30_000, 600_000, 3 * 3_600_000, 25 * 3_600_000] as const;

export interface Step {
  /** One or two nemeses at once: at most one of each kind (network, process, clock, membership). */
  readonly nemeses: readonly Nemesis[];
  readonly healthyBeforeMs: number;
  readonly holdMs: number;
  /** The brokers in a random order: victims and sides are taken from its front. */
  readonly order: readonly number[];
  /** The partition whose leader isolate-leader, pause-leader and crash-losing-unsynced-writes strike. */
  readonly partition: number;
  /** packet-loss's percentage. */
  readonly lossPercent: number;
  /** flapping's period: the partition is toggled every flapMs. */
  readonly flapMs: number;
  /** disk-eio's failing operation (drawn only for a step with a disk nemesis, so that older schedules replay). */
  readonly eioOn: 'append' | 'fsync';
  /** Seeds bit-flip's choice of segment, byte and bit (likewise). */
  readonly flipSeed: number;
  /** clock-step's offset of order[0]'s wall clock (ms, signed; drawn only for a step with a clock nemesis, else 0). */
  readonly clockStepMs: number;
  /** clock-skew's rate of order[0]'s wall clock (1 is true time; drawn only for a step with a clock nemesis, else 1). */
  readonly clockRate: number;
  /** slow-link's rate, link-delay's delay and jitter (degraded-links.ts). */
  readonly link: LinkParameters;
}

export interface ScheduleOptions {
  readonly seed: number;
  readonly durationMs: number;
  readonly nemeses: readonly Nemesis[];
  readonly brokers: readonly number[];
  readonly partitions: number;
  /** 'each-once': every nemesis once, in the order given (the smoke). 'random': drawn until durationMs. */
  readonly mode: 'each-once' | 'random';
  /** In random mode, the share of steps that combine a network and a process nemesis. */
  readonly combineShare?: number;
  readonly holdMs?: readonly [number, number];
  readonly healthyMs?: readonly [number, number];
}

export const isNetwork = (n: Nemesis): n is NetworkNemesis => (NETWORK_NEMESES as readonly string[]).includes(n);
export const isProcess = (n: Nemesis): n is ProcessNemesis => (PROCESS_NEMESES as readonly string[]).includes(n);
export const isDisk = (n: Nemesis): n is DiskNemesis => (DISK_NEMESES as readonly string[]).includes(n);
export const isClock = (n: Nemesis): n is ClockNemesis => (CLOCK_NEMESES as readonly string[]).includes(n);
export const isMembership = (n: Nemesis): n is MembershipNemesis => (MEMBERSHIP_NEMESES as readonly string[]).includes(n);

/** Parses `--nemesis all|network|process|disk|clock|membership|<name>[,<name>…]`. */
export function parseNemeses(text: string): Nemesis[] {
  const chosen = new Set<Nemesis>();
  const usage = `use all, network, process, disk, clock, membership, or a list of ${ALL_NEMESES.join(', ')}`;
  for (const name of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const group = GROUPS[name];
    if (group !== undefined) group.forEach((n) => chosen.add(n));
    else if ((ALL_NEMESES as readonly string[]).includes(name)) chosen.add(name as Nemesis);
    else throw new Error(`unknown nemesis '${name}': ${usage}`);
  }
  if (chosen.size === 0) throw new Error(`--nemesis names no nemesis: ${usage}`);
  return [...chosen];
}

export function schedule(options: ScheduleOptions): Step[] {
  const random = seededRandom(options.seed);
  const between = ([lo, hi]: readonly [number, number]): number => Math.round(lo + random() * (hi - lo));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const hold = options.holdMs ?? [4000, 12_000];
  const healthy = options.healthyMs ?? [3000, 8000];
  const network = options.nemeses.filter(isNetwork);
  const processes = options.nemeses.filter((n) => isProcess(n) || isDisk(n));
  const partners = options.nemeses.filter((n) => !isMembership(n));
  const linkRandom = seededRandom(options.seed ^ 0x2545f491);
  const step = (nemeses: Nemesis[]): Step => {
    const order = [...options.brokers];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const drawn = {
      nemeses, healthyBeforeMs: between(healthy), holdMs: between(hold), order,
      partition: Math.floor(random() * options.partitions), lossPercent: between([10, 40]), flapMs: between([1000, 3000]),
      link: drawLinkParameters(linkRandom),
    };
    // Drawn last and only when needed, so schedules without a disk or clock nemesis stay as they were.
    const disk = nemeses.some(isDisk) ? { eioOn: random() < 0.5 ? ('append' as const) : ('fsync' as const), flipSeed: Math.floor(random() * 2 ** 31) } : { eioOn: 'fsync' as const, flipSeed: 0 };
    if (!nemeses.some(isClock)) return { ...drawn, ...disk, clockStepMs: 0, clockRate: 1 };
    const sign = random() < 0.5 ? -1 : 1;
    return { ...drawn, ...disk, clockStepMs: sign * pick(CLOCK_STEPS_MS), clockRate: pick([0.25, 0.5, 2, 4, 20]) };
  };
  /** A network and a process (or disk) nemesis together in combineShare of the steps that draw one of them. */
  const combined = (first: Nemesis): Nemesis[] => {
    if (isClock(first)) return [first];
    const combine = network.length > 0 && processes.length > 0 && random() < (options.combineShare ?? 0.25);
    return combine ? [isNetwork(first) ? first : pick(network), isNetwork(first) ? pick(processes) : first] : [first];
  };
  if (options.mode === 'each-once') return options.nemeses.map((n) => step([n]));
  const steps: Step[] = [];
  let elapsedMs = 0;
  while (elapsedMs < options.durationMs) {
    const first = pick(options.nemeses);
    const nemeses: Nemesis[] = isMembership(first) ? [...(partners.length > 0 ? [pick(partners)] : []), first] : combined(first);
    const next = step(nemeses);
    steps.push(next);
    elapsedMs += next.healthyBeforeMs + next.holdMs;
  }
  return steps;
}

/** One line per step, as the run prints the schedule before it starts. */
export function describeStep(step: Step, index: number): string {
  const extras = [
    ...(step.nemeses.some((n) => n === 'isolate-leader' || n === 'pause-leader' || n === 'crash-losing-unsynced-writes' || isDisk(n)) ? [`partition ${step.partition}`] : []),
    ...(step.nemeses.includes('disk-eio') ? [`EIO on ${step.eioOn}`] : []),
    ...(step.nemeses.includes('bit-flip') ? [`flip seed ${step.flipSeed}`] : []),
    ...(step.nemeses.includes('packet-loss') ? [`${step.lossPercent}% loss`] : []),
    ...(step.nemeses.includes('flapping') ? [`toggled every ${(step.flapMs / 1000).toFixed(1)} s`] : []),
    ...(step.nemeses.includes('clock-step') ? [`clock ${step.clockStepMs >= 0 ? '+' : '-'}${describeMs(Math.abs(step.clockStepMs))}`] : []),
    ...(step.nemeses.includes('clock-skew') ? [`clock at ${step.clockRate}x`] : []),
    ...(step.nemeses.includes('reassign-partition') || step.nemeses.includes('add-broker') ? [`partition ${step.partition} moved`] : []),
    ...describeLinkParameters(step.nemeses, step.link),
  ];
  return `#${index + 1} after ${(step.healthyBeforeMs / 1000).toFixed(1)} s healthy: ${step.nemeses.join(' + ')} for ${(step.holdMs / 1000).toFixed(1)} s, broker order ${step.order.join(',')}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

/** "3 s", "10 min", "25 h". */
function describeMs(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
