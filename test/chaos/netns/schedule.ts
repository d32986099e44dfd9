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
export type NetworkNemesis = (typeof NETWORK_NEMESES)[number];
export type ProcessNemesis = (typeof PROCESS_NEMESES)[number];
export type Nemesis = NetworkNemesis | ProcessNemesis;
export const ALL_NEMESES: readonly Nemesis[] = [...NETWORK_NEMESES, ...PROCESS_NEMESES];

export interface Step {
  /** One or two nemeses at once: at most one network and one process nemesis. */
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

const isNetwork = (n: Nemesis): n is NetworkNemesis => (NETWORK_NEMESES as readonly string[]).includes(n);

/** Parses `--nemesis all|network|process|<name>[,<name>…]`. */
export function parseNemeses(text: string): Nemesis[] {
  const chosen = new Set<Nemesis>();
  for (const name of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (name === 'all') ALL_NEMESES.forEach((n) => chosen.add(n));
    else if (name === 'network') NETWORK_NEMESES.forEach((n) => chosen.add(n));
    else if (name === 'process') PROCESS_NEMESES.forEach((n) => chosen.add(n));
    else if ((ALL_NEMESES as readonly string[]).includes(name)) chosen.add(name as Nemesis);
    else throw new Error(`unknown nemesis '${name}': use all, network, process, or a list of ${ALL_NEMESES.join(', ')}`);
  }
  if (chosen.size === 0) throw new Error(`--nemesis names no nemesis: use all, network, process, or a list of ${ALL_NEMESES.join(', ')}`);
  return [...chosen];
}

export function schedule(options: ScheduleOptions): Step[] {
  const random = seededRandom(options.seed);
  const between = ([lo, hi]: readonly [number, number]): number => Math.round(lo + random() * (hi - lo));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const hold = options.holdMs ?? [4000, 12_000];
  const healthy = options.healthyMs ?? [3000, 8000];
  const network = options.nemeses.filter(isNetwork);
  const processes = options.nemeses.filter((n) => !isNetwork(n));
  const linkRandom = seededRandom(options.seed ^ 0x2545f491);
  const step = (nemeses: Nemesis[]): Step => {
    const order = [...options.brokers];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return {
      nemeses, healthyBeforeMs: between(healthy), holdMs: between(hold), order,
      partition: Math.floor(random() * options.partitions), lossPercent: between([10, 40]), flapMs: between([1000, 3000]),
      link: drawLinkParameters(linkRandom),
    };
  };
  if (options.mode === 'each-once') return options.nemeses.map((n) => step([n]));
  const steps: Step[] = [];
  let elapsedMs = 0;
  while (elapsedMs < options.durationMs) {
    const first = pick(options.nemeses);
    const combine = network.length > 0 && processes.length > 0 && random() < (options.combineShare ?? 0.25);
    const nemeses: Nemesis[] = combine ? [isNetwork(first) ? first : pick(network), isNetwork(first) ? pick(processes) : first] : [first];
    const next = step(nemeses);
    steps.push(next);
    elapsedMs += next.healthyBeforeMs + next.holdMs;
  }
  return steps;
}

/** One line per step, as the run prints the schedule before it starts. */
export function describeStep(step: Step, index: number): string {
  const extras = [
    ...(step.nemeses.some((n) => n === 'isolate-leader' || n === 'pause-leader' || n === 'crash-losing-unsynced-writes') ? [`partition ${step.partition}`] : []),
    ...(step.nemeses.includes('packet-loss') ? [`${step.lossPercent}% loss`] : []),
    ...(step.nemeses.includes('flapping') ? [`toggled every ${(step.flapMs / 1000).toFixed(1)} s`] : []),
    ...describeLinkParameters(step.nemeses, step.link),
  ];
  return `#${index + 1} after ${(step.healthyBeforeMs / 1000).toFixed(1)} s healthy: ${step.nemeses.join(' + ')} for ${(step.holdMs / 1000).toFixed(1)} s, broker order ${step.order.join(',')}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}
