// The paced sender's own cost: CPU of one bench producer thread and how late its records leave,
// at several rates, against a system that costs nothing (every send is acknowledged at the end of
// the loop turn). Compares waking for each record (intended time) with the wake grid of
// PacingSchedule.wakeNs. Prints figures and writes bench-results/pacing.json.
// Run: npx tsc -p tsconfig.json && node dist/scripts/bench-pacing.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { newLatencyHistogram, recordLatencyNs, summarizeLatency } from '../src/cli/bench/latency';
import { PacingSchedule, sendOnSchedule, sleepUntilNs } from '../src/cli/bench/pacing';
import { monotonicNs as now } from '../src/cli/bench/worker-protocol';

interface Figure {
  readonly wake: 'each record' | 'grid';
  readonly ratePerSecond: number;
  readonly cpuPercent: number;
  readonly cpuMicrosPerRecord: number;
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
}

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rates = [5_000, 20_000, 50_000, 100_000];

async function run(rate: number, wake: Figure['wake']): Promise<Figure> {
  const total = rate * seconds;
  const schedule = new PacingSchedule(now() + 50_000_000, rate, total);
  const lateness = newLatencyHistogram();
  let inFlight = 0;
  let acks: (() => void)[] = [];
  const ackAll = (): void => {
    const due = acks;
    acks = [];
    for (const ack of due) ack();
  };
  const sender = {
    inFlight: () => inFlight,
    slotFreed: () => new Promise<void>((resolve) => setImmediate(resolve)),
    send: (_index: number, intendedNs: number) => {
      recordLatencyNs(lateness, now() - intendedNs);
      inFlight++;
      if (acks.length === 0) setImmediate(ackAll);
      acks.push(() => { inFlight--; });
    },
    stopped: () => false,
  };
  await sleepUntilNs(schedule.startNs, now);
  const before = process.cpuUsage();
  const wakeAt = wake === 'grid' ? (i: number) => schedule.wakeNs(i) : (i: number) => schedule.intendedNs(i);
  await sendOnSchedule(schedule, 20_000, sender, now, () => true, wakeAt);
  const cpu = process.cpuUsage(before);
  const cpuMicros = cpu.user + cpu.system;
  const summary = summarizeLatency(lateness);
  const figure = {
    wake, ratePerSecond: rate,
    cpuPercent: cpuMicros / 10_000 / seconds,
    cpuMicrosPerRecord: cpuMicros / total,
    latenessP50Ms: summary.p50Ms,
    latenessP99Ms: summary.p99Ms,
  };
  console.log(`${`wake for ${wake}`.padEnd(22)} ${String(rate).padStart(7)} records/s  cpu ${figure.cpuPercent.toFixed(1).padStart(5)}% of a core  ${figure.cpuMicrosPerRecord.toFixed(2).padStart(6)} us/record  sent late by p50 ${summary.p50Ms.toFixed(3)} ms, p99 ${summary.p99Ms.toFixed(3)} ms`);
  return figure;
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  for (const rate of rates) {
    for (const wake of ['each record', 'grid'] as const) figures.push(await run(rate, wake));
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/pacing.json', JSON.stringify({ seconds, figures }, null, 2));
  console.log('wrote bench-results/pacing.json');
}

void main();
