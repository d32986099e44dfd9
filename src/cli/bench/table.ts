// Plain-text tables and the live progress line.
import { recordWindow, type RunResult } from './result';

/** Renders rows as an aligned text table; numbers are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  const numeric = header.map((_, col) => rows.length > 0 && rows.every((row) => typeof row[col] === 'number' || /^[\d.,x-]+$/.test(String(row[col]))));
  const line = (row: readonly string[]): string =>
    row.map((cell, col) => (numeric[col] ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const fixed = (value: number, digits: number): string => value.toFixed(digits);

/** The summary table of a set of runs. */
export function formatResultsTable(results: readonly RunResult[]): string {
  const header = ['system', 'run', 'records', 'rec/s', 'MB/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'latency', 'errors', 'missing'];
  const rows: (string | number)[][] = results.map((r) => [
    r.system,
    r.name,
    r.records,
    r.recordsPerSec,
    fixed(r.mbPerSec, 2),
    r.latency ? fixed(r.latency.summary.p50Ms, 2) : '-',
    r.latency ? fixed(r.latency.summary.p99Ms, 2) : '-',
    r.latency ? fixed(r.latency.summary.p999Ms, 2) : '-',
    r.latency ? fixed(r.latency.summary.maxMs, 1) : '-',
    r.latency ? `${r.latency.kind}${r.latency.measuredFrom === 'intended-send' ? '*' : ''}` : '-',
    r.errors,
    r.missing,
  ]);
  for (const r of results) {
    if (r.ackLatency && r.ackLatency.summary.count > 0) {
      const a = r.ackLatency.summary;
      rows.push([r.system, `${r.name} (acks)`, a.count, '-', '-', fixed(a.p50Ms, 2), fixed(a.p99Ms, 2), fixed(a.p999Ms, 2), fixed(a.maxMs, 1), `ack${r.ackLatency.measuredFrom === 'intended-send' ? '*' : ''}`, '-', '-']);
    }
  }
  const footnotes: string[] = [];
  if (results.some((r) => r.latency?.measuredFrom === 'intended-send')) footnotes.push('(* measured from the intended send time of a paced schedule)');
  const windows = [...new Set(results.filter((r) => r.latency?.measuredFrom === 'actual-send').map((r) => recordWindow(r.spec)))];
  if (windows.length > 0) {
    footnotes.push(`(unpaced: each producer kept up to ${windows.join(' / ')} records unacknowledged (--max-in-flight, --max-in-flight-bytes); such a latency is mostly that window over the rate)`);
  }
  return [formatTable(header, rows), ...footnotes].join('\n');
}

export interface ProgressSnapshot {
  readonly label: string;
  readonly elapsedMs: number;
  readonly records: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly p99Ms: number | null;
}

export function formatProgressLine(s: ProgressSnapshot): string {
  const p99 = s.p99Ms === null ? '-' : s.p99Ms.toFixed(2);
  return `[${s.label}] ${(s.elapsedMs / 1000).toFixed(1)}s  ${s.records} records  ${Math.round(s.recordsPerSec)} rec/s  ${s.mbPerSec.toFixed(2)} MB/s  p99 ${p99} ms`;
}
