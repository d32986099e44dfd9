// Clock faults on one broker (docs/chaos.md, "Clock faults"): every broker of a run that may draw
// clock-step or clock-skew runs under libfaketime (Debian's `faketime` package) with a control
// file of its own, which the nemesis rewrites while the broker runs: "+30" makes its wall clock
// read 30 s ahead, "-0.25" a quarter second behind. Only the wall clock (CLOCK_REALTIME: Date.now(),
// new Date()) is faked: DONT_FAKE_MONOTONIC=1 leaves CLOCK_MONOTONIC (performance.now(),
// process.hrtime, every timer of Node's event loop) alone, as an NTP step or a drifting RTC does —
// the kernel never steps CLOCK_MONOTONIC back, and a Node process whose monotonic clock libfaketime
// stepped back stops firing timers (tried with Node 20: a setInterval went silent).
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../../integration/cluster-harness';

/** Where Debian's libfaketime package puts its thread-safe library (Node runs threads). */
const LIBRARY_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/local/lib/faketime/libfaketimeMT.so.1'];
/**
 * How long libfaketime keeps a control file's offset before reading it again (seconds): each read
 * costs an open and a read, and without a cache every Date.now() pays them (8–15 µs a call, against
 * about 1 µs with it). A skew's offset therefore moves in steps of up to a second.
 */
const CACHE_SECONDS = 1;
/** How often a skew rewrites the offset (its resolution is CACHE_SECONDS anyway). */
const SKEW_UPDATE_MS = 250;

/** libfaketime's path, or undefined when the `faketime` package is missing. */
export function libfaketimePath(): string | undefined {
  return LIBRARY_CANDIDATES.find((path) => existsSync(path));
}

/** Why clock faults cannot run here, or undefined when they can. */
export function clockFaultsUnavailableBecause(): string | undefined {
  return libfaketimePath() === undefined ? `libfaketime is missing (looked for ${LIBRARY_CANDIDATES.join(', ')}): install Debian's 'faketime' package (scripts/ensure-test-packages.sh does)` : undefined;
}

/**
 * The control files of a cluster's brokers, in `dir`, one per broker (`clock-<id>.faketime`), and
 * the writes that step or skew one broker's wall clock. Every file starts at "+0" (the true time).
 */
export class BrokerClocks {
  private readonly library: string;
  /** Each broker's current offset from the true time (ms), as last written. */
  private readonly offsets = new Map<number, number>();

  constructor(private readonly dir: string, ids: readonly number[]) {
    const library = libfaketimePath();
    if (library === undefined) throw new Error(clockFaultsUnavailableBecause());
    this.library = library;
    for (const id of ids) this.set(id, 0);
  }

  /** The control file of broker `id`. */
  fileOf(id: number): string {
    return join(this.dir, `clock-${id}.faketime`);
  }

  /**
   * A command prefix that runs a broker under libfaketime reading its own control file; `env`
   * execs in place, so the child's pid stays the broker's (the fault injector signals it).
   */
  wrapperOf(id: number): string[] {
    return ['env', `LD_PRELOAD=${this.library}`, 'DONT_FAKE_MONOTONIC=1', `FAKETIME_TIMESTAMP_FILE=${this.fileOf(id)}`, `FAKETIME_CACHE_DURATION=${CACHE_SECONDS}`];
  }

  /** Broker `id`'s wall clock reads `offsetMs` from the true time from now on (within CACHE_SECONDS). */
  set(id: number, offsetMs: number): void {
    if (!Number.isFinite(offsetMs)) throw new Error(`a clock offset must be a finite number of milliseconds, got ${offsetMs}`);
    // Written aside and renamed, so libfaketime never reads half a line.
    const file = this.fileOf(id);
    writeFileSync(`${file}.next`, `${offsetMs >= 0 ? '+' : '-'}${(Math.abs(offsetMs) / 1000).toFixed(3)}\n`);
    renameSync(`${file}.next`, file);
    this.offsets.set(id, offsetMs);
  }

  offsetOf(id: number): number {
    return this.offsets.get(id) ?? 0;
  }

  /**
   * Broker `id`'s wall clock runs at `rate` times the true rate for `holdMs` (1.5: it gains half a
   * second each second; 0.5: it loses half), from its current offset; the offset it reached stays.
   */
  async skew(id: number, rate: number, holdMs: number): Promise<void> {
    if (!(rate > 0)) throw new Error(`a clock rate must be above 0 (1 is the true rate), got ${rate}`);
    const fromMs = this.offsetOf(id);
    const startedAt = performance.now();
    for (;;) {
      const elapsedMs = Math.min(holdMs, performance.now() - startedAt);
      this.set(id, fromMs + (rate - 1) * elapsedMs);
      if (elapsedMs >= holdMs) return;
      await sleep(Math.min(SKEW_UPDATE_MS, holdMs - elapsedMs));
    }
  }

  /** Every broker's clock back to the true time (the heal: an NTP step back into line). */
  reset(): void {
    for (const id of this.offsets.keys()) this.set(id, 0);
  }
}
