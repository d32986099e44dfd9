// Network faults as nftables rules inside each broker's namespace (topology.ts). One port serves
// clients and peers, so a partition drops by source address: broker B "dropping from A" discards
// every packet A sends it (A→B is cut; B→A still flows unless A drops from B too). Clients
// (topology's CLIENT_ADDRESS) are never partitioned away: a leader cut off from its peers stays
// reachable by clients, the case loopback tests cannot make. Packet loss drops a share of
// everything entering and leaving a broker's interface with `numgen random mod 100 < N`
// (this machine's kernel has no netem). A slow link is a token bucket (`tc qdisc … tbf`) on
// both ends of a broker's veth pair: what it sends and what it is sent, clients' traffic included.
import { spawnSync } from 'node:child_process';
import { addressOf, inNamespace, interfaceOf, PREFIX, rootEndOf } from './topology';

/** Per broker: the brokers whose packets it drops, the percentage of all packets it loses, and its link's rate. */
export class NetworkState {
  private readonly drops = new Map<number, Set<number>>();
  private readonly lossPercent = new Map<number, number>();
  private readonly rateKbit = new Map<number, number>();

  constructor(readonly ids: readonly number[]) {}

  /** `to` drops every packet from `from` (one direction). */
  drop(from: number, to: number): void {
    if (from === to) throw new Error(`broker ${from} cannot drop its own packets: name two different brokers`);
    const set = this.drops.get(to) ?? new Set<number>();
    set.add(from);
    this.drops.set(to, set);
  }

  /** Cuts both directions between every broker of `side` and every broker of `other`. */
  cut(side: readonly number[], other: readonly number[]): void {
    for (const a of side) for (const b of other) if (a !== b) { this.drop(a, b); this.drop(b, a); }
  }

  loss(id: number, percent: number): void {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new Error(`packet loss must be an integer percentage 0..100, got ${percent}`);
    this.lossPercent.set(id, percent);
  }

  /** Broker `id`'s link carries at most `kbit` kbit/s each way. */
  limit(id: number, kbit: number): void {
    if (!Number.isInteger(kbit) || kbit < 8) throw new Error(`a link's rate must be a whole number of kbit/s, at least 8, got ${kbit}`);
    this.rateKbit.set(id, kbit);
  }

  healed(): boolean {
    return [...this.drops.values()].every((s) => s.size === 0) && [...this.lossPercent.values()].every((p) => p === 0) && this.rateKbit.size === 0;
  }

  /** Broker `id`'s link rate in kbit/s, or undefined when unlimited. */
  rateOf(id: number): number | undefined {
    return this.rateKbit.get(id);
  }

  /** The nftables script for broker `id`: replaces our table whole (atomic, idempotent). */
  rulesFor(id: number): string {
    const dropped = [...(this.drops.get(id) ?? [])].sort((a, b) => a - b).map(addressOf);
    const loss = this.lossPercent.get(id) ?? 0;
    const device = interfaceOf(id);
    // nft takes `numgen random mod 100 < N` for N in 0..99 only; 100% is a plain drop.
    const lossMatch = loss >= 100 ? '' : `numgen random mod 100 < ${loss} `;
    return [
      `table inet ${PREFIX}`,
      `delete table inet ${PREFIX}`,
      `table inet ${PREFIX} {`,
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      ...(dropped.length > 0 ? [`    ip saddr { ${dropped.join(', ')} } drop`] : []),
      ...(loss > 0 ? [`    iifname "${device}" ${lossMatch}drop`] : []),
      '  }',
      '  chain output {',
      '    type filter hook output priority 0; policy accept;',
      ...(loss > 0 ? [`    oifname "${device}" ${lossMatch}drop`] : []),
      '  }',
      '}',
      '',
    ].join('\n');
  }

  /** One line saying who drops whom, for the run's log ("3 drops 1,2; 2 loses 20%"). */
  describe(): string {
    const parts: string[] = [];
    for (const id of this.ids) {
      const dropped = [...(this.drops.get(id) ?? [])].sort((a, b) => a - b);
      if (dropped.length > 0) parts.push(`${id} drops ${dropped.join(',')}`);
      const loss = this.lossPercent.get(id) ?? 0;
      if (loss > 0) parts.push(`${id} loses ${loss}%`);
      const rate = this.rateKbit.get(id);
      if (rate !== undefined) parts.push(`${id} limited to ${rate} kbit/s`);
    }
    return parts.length === 0 ? 'healed' : parts.join('; ');
  }
}

/** Brokers whose link this process limited (a killed run's limits go with its namespaces). */
const limited = new Set<number>();

/**
 * The token bucket that limits a link: `burst` lets a few packets through at line rate, and a
 * packet that would wait longer than `latency` is dropped, as a saturated link's queue drops.
 */
const tbf = (kbit: number): string[] => ['tbf', 'rate', `${kbit}kbit`, 'burst', '32kb', 'latency', '400ms'];

/** Installs `state`'s rules in every broker's namespace, and its rate limits on both ends of each broker's veth. */
export function applyNetwork(state: NetworkState): void {
  for (const id of state.ids) {
    inNamespace(id, 'nft', ['-f', '-'], state.rulesFor(id));
    const rate = state.rateOf(id);
    if (rate !== undefined) {
      inNamespace(id, 'tc', ['qdisc', 'replace', 'dev', interfaceOf(id), 'root', ...tbf(rate)]);
      tc(['qdisc', 'replace', 'dev', rootEndOf(id), 'root', ...tbf(rate)]);
      limited.add(id);
    } else if (limited.delete(id)) {
      inNamespace(id, 'tc', ['qdisc', 'del', 'dev', interfaceOf(id), 'root']);
      tc(['qdisc', 'del', 'dev', rootEndOf(id), 'root']);
    }
  }
}

function tc(args: readonly string[]): void {
  const result = spawnSync('tc', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tc ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
}

/** Removes every rule (each namespace's table emptied) and rate limit: the network is whole again. */
export function healNetwork(ids: readonly number[]): void {
  applyNetwork(new NetworkState(ids));
}
