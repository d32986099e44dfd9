// The side-by-side table of `bench compare`: one row per (step, system), with Sluice / peer
// ratios for throughput (higher is better for Sluice) and p99 latency (lower is better). A
// replicated peer is compared with the replicated Sluice (jetstream-r3 with sluice-rf3), every
// other peer with the single broker.
import type { RunResult } from './result';
import { formatTable } from './table';

export interface RatioRow {
  readonly step: string;
  readonly system: string;
  readonly durability: string;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  /** The system this row's ratios compare with (null for a baseline itself). */
  readonly comparedWith: string | null;
  /** baseline rec/s ÷ this system's rec/s; null for the baseline itself or when either is missing. */
  readonly throughputRatio: number | null;
  /** baseline p99 ÷ this system's p99. */
  readonly p99Ratio: number | null;
  readonly note: string;
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a && b && a > 0 && b > 0 ? Math.round((a / b) * 100) / 100 : null;

/** Which baseline each peer is compared with: replicated peers with the replicated baseline. */
export interface Baselines {
  readonly single: string;
  /** Compared with replicated peers; absent or not run: they are compared with `single`. */
  readonly replicated?: string;
  /** Peers compared with a baseline of their own (one of equal durability), when that one ran. */
  readonly byPeer?: Readonly<Record<string, string>>;
}

/** A peer label that names a replicated setup (jetstream-r3, sluice-rf3). */
export const isReplicatedLabel = (label: string): boolean => /-r(f)?\d+$/.test(label);

export function ratioRows(results: readonly RunResult[], baselines: Baselines | string): RatioRow[] {
  const { single, replicated, byPeer = {} } = typeof baselines === 'string' ? { single: baselines, replicated: undefined } : baselines;
  const ran = (system: string | undefined): boolean => system !== undefined && results.some((r) => r.system === system && r.records > 0);
  const hasReplicated = ran(replicated);
  const baselineOf = (system: string): string => (ran(byPeer[system]) ? byPeer[system]! : hasReplicated && isReplicatedLabel(system) ? replicated! : single);
  const ownBaselines = new Set(Object.values(byPeer).filter(ran));
  return results.map((r) => {
    const isBase = r.system === single || (hasReplicated && r.system === replicated) || ownBaselines.has(r.system);
    const comparedWith = isBase ? null : baselineOf(r.system);
    const base = results.find((b) => b.system === comparedWith && b.name === r.name && b.records > 0);
    const measured = r.records > 0;
    return {
      step: r.name,
      system: r.system,
      durability: r.durability,
      comparedWith,
      recordsPerSec: r.recordsPerSec,
      mbPerSec: r.mbPerSec,
      p50Ms: measured ? r.latency?.summary.p50Ms ?? null : null,
      p99Ms: measured ? r.latency?.summary.p99Ms ?? null : null,
      p999Ms: measured ? r.latency?.summary.p999Ms ?? null : null,
      throughputRatio: isBase || !measured ? null : ratio(base?.recordsPerSec, r.recordsPerSec),
      p99Ratio: isBase || !measured ? null : ratio(base?.latency?.summary.p99Ms, r.latency?.summary.p99Ms),
      note: [
        ...(comparedWith !== null && comparedWith !== single ? [`ratios vs ${comparedWith}`] : []),
        ...(r.spec.ratePerSecond !== null && measured ? [`paced at ${r.spec.ratePerSecond}/s${r.recordsPerSec < 0.95 * r.spec.ratePerSecond ? ', fell behind' : ''}`] : []),
        ...(r.ackLatency && r.ackLatency.summary.count > 0 && measured ? [`acks p50/p99 ${r.ackLatency.summary.p50Ms.toFixed(1)}/${r.ackLatency.summary.p99Ms.toFixed(1)} ms`] : []),
        ...r.notes,
        ...(r.missing > 0 ? [`missing ${r.missing}`] : []),
        ...(r.errors > 0 ? [`errors ${r.errors}`] : []),
      ].join('; '),
    };
  });
}

/** Rows grouped by step, steps in the order they first ran, systems in run order within a step. */
export function byStep(rows: readonly RatioRow[]): RatioRow[] {
  const order = [...new Set(rows.map((r) => r.step))];
  return order.flatMap((step) => rows.filter((r) => r.step === step));
}

const singleBaseline = (baselines: Baselines | string): string => (typeof baselines === 'string' ? baselines : baselines.single);

export function formatCompareTable(results: readonly RunResult[], baselines: Baselines | string): string {
  const baseline = singleBaseline(baselines);
  const rows = byStep(ratioRows(results, baselines))
    .map((r) => [
      r.step,
      r.system,
      r.recordsPerSec || '-',
      r.mbPerSec ? r.mbPerSec.toFixed(2) : '-',
      r.p50Ms?.toFixed(2) ?? '-',
      r.p99Ms?.toFixed(2) ?? '-',
      r.p999Ms?.toFixed(2) ?? '-',
      r.throughputRatio?.toFixed(2) ?? '-',
      r.p99Ratio?.toFixed(2) ?? '-',
      r.note.slice(0, 90),
    ]);
  const header = ['step', 'system', 'rec/s', 'MB/s', 'p50 ms', 'p99 ms', 'p99.9 ms', `${baseline}/x rec/s`, `${baseline}/x p99`, 'note'];
  return formatTable(header, rows);
}

/** Markdown version of the compare table, for docs/benchmarks.md. */
export function formatCompareMarkdown(results: readonly RunResult[], baselines: Baselines | string): string {
  const baseline = singleBaseline(baselines);
  const rows = byStep(ratioRows(results, baselines));
  const cell = (v: number | null, digits = 2): string => (v === null ? '–' : v.toFixed(digits));
  const lines = [
    `| step | system | rec/s | MB/s | p50 ms | p99 ms | p99.9 ms | ${baseline}/x rec/s | ${baseline}/x p99 | note |`,
    '|---|---|--:|--:|--:|--:|--:|--:|--:|---|',
    ...rows.map((r) => `| ${r.step} | ${r.system} | ${r.recordsPerSec || '–'} | ${r.mbPerSec ? r.mbPerSec.toFixed(2) : '–'} | ${cell(r.p50Ms)} | ${cell(r.p99Ms)} | ${cell(r.p999Ms)} | ${cell(r.throughputRatio)} | ${cell(r.p99Ratio)} | ${r.note.replace(/\|/g, '/')} |`),
  ];
  return lines.join('\n');
}
