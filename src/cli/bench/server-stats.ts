// What Sluice brokers did during one bench run, read from their /metrics before and after it:
// CPU, and the means of produce time, Raft commit time and persist time. Put in the run's notes
// so that a slow run of a comparison can be read afterwards instead of reproduced.

/** One scrape: every sample's value, summed over its labels, by metric name. */
export type MetricTotals = ReadonlyMap<string, number>;

/** Sums each sample of a Prometheus text exposition by name (labels dropped; buckets skipped). */
export function parseMetricTotals(text: string): MetricTotals {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1]!.endsWith('_bucket')) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + value);
  }
  return totals;
}

export async function scrapeMetricTotals(httpAddress: string, timeoutMs = 5000): Promise<MetricTotals> {
  const response = await fetch(`http://${httpAddress}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET http://${httpAddress}/metrics answered ${response.status}`);
  return parseMetricTotals(await response.text());
}

const HISTOGRAMS: readonly [string, string][] = [
  ['sluice_produce_latency_seconds', 'produce'],
  ['sluice_raft_commit_seconds', 'commit'],
  ['sluice_raft_persist_seconds', 'persist'],
];

/** e.g. "CPU 56%, produce 8.2 ms, commit 7.8 ms, persist 4.4 ms (means)"; histograms with no samples are left out. */
export function describeBrokerDelta(before: MetricTotals, after: MetricTotals, elapsedMs: number): string {
  const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const parts = [`CPU ${Math.round((delta('sluice_process_cpu_seconds_total') * 100_000) / elapsedMs)}%`];
  for (const [name, label] of HISTOGRAMS) {
    const count = delta(`${name}_count`);
    if (count > 0) parts.push(`${label} ${((delta(`${name}_sum`) / count) * 1000).toFixed(1)} ms`);
  }
  return `${parts.join(', ')} (means)`;
}

/** Scrapes every broker, then returns a function that scrapes them again and describes what each did. */
export async function brokerStatsSince(httpAddresses: readonly string[]): Promise<() => Promise<string>> {
  const started = performance.now();
  const before = await Promise.all(httpAddresses.map((a) => scrapeMetricTotals(a).catch(() => null)));
  return async () => {
    const elapsedMs = performance.now() - started;
    const after = await Promise.all(httpAddresses.map((a) => scrapeMetricTotals(a).catch(() => null)));
    const each = httpAddresses.map((address, i) => {
      const [b, a] = [before[i], after[i]];
      return `${address}: ${b && a ? describeBrokerDelta(b, a, elapsedMs) : 'no /metrics'}`;
    });
    return `brokers during the run: ${each.join('; ')}`;
  };
}
