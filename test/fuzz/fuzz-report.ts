// The run's summary as text for people and as one JSON line for tools, and the verdict: a
// crash, a failed restart or a canary loss fails the run.
import type { FuzzSummary } from './fuzz-run';

export function failures(summary: FuzzSummary): string[] {
  const out: string[] = [];
  if (summary.crashes.length > 0) out.push(`${summary.crashes.length} crash(es)`);
  if (summary.failedRestarts.length > 0) out.push(`${summary.failedRestarts.length} failed restart(s)`);
  if (summary.canaryLosses.length > 0) out.push(`${summary.canaryLosses.length} canary loss(es)`);
  return out;
}

function table(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export function formatSummary(summary: FuzzSummary): string {
  const lines = [
    `fuzz run: target ${summary.target}, seed ${summary.seed}, ${summary.requestsSent}/${summary.requestsPlanned} requests in ${summary.durationS} s`,
    `  requests by kind: ${table(summary.requestsByKind)}`,
    `  gRPC status:      ${table(summary.grpcStatus)}`,
    `  HTTP outcomes:    ${table(summary.httpOutcomes)}`,
    `  streams opened by the stream patterns: ${summary.streamsOpened}`,
    `  crashes: ${summary.crashes.length}, failed restarts: ${summary.failedRestarts.length}, canary losses: ${summary.canaryLosses.length} (of ${summary.canaryBatches} batches)`,
    `  peak RSS: ${summary.peakRssMiB} MiB, peak descriptors: ${summary.peakDescriptors}`,
  ];
  for (const crash of summary.crashes) {
    lines.push(`  CRASH broker ${crash.broker} ${crash.how}; suspects:`, ...crash.suspects.map((s) => `    ${s}`), `    output tail:\n${crash.outputTail.replace(/^/gm, '      ')}`);
  }
  for (const failed of summary.failedRestarts) lines.push(`  FAILED RESTART ${failed}`);
  for (const loss of summary.canaryLosses) lines.push(`  CANARY LOSS ${loss.when}: partition ${loss.partition} offset ${loss.offset}: ${loss.problem}`);
  for (const refusal of summary.deleteRefusals) lines.push(`  delete refused ${refusal}`);
  for (const [kind, count] of Object.entries(summary.unexpectedKinds).sort((a, b) => b[1] - a[1])) lines.push(`  unexpected ×${count} ${kind}`);
  for (const u of summary.unexpectedStatuses) lines.push(`  e.g. ${u.status}: ${u.request}: ${u.details}`);
  const verdict = failures(summary);
  lines.push(verdict.length === 0 ? 'PASS: no crash, every restart served the canary, no canary loss' : `FAIL: ${verdict.join(', ')}`);
  return lines.join('\n');
}
