// Reads a process's resident memory and open descriptors from /proc (Linux), for the peaks the
// fuzzer reports: growth that does not stop is a finding even when nothing crashed.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  readonly rssBytes: number;
  readonly descriptors: number;
}

/** The sample of `pid`, or undefined when the process is gone (or /proc is not there). */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    // An exiting (zombie) process has no VmRSS line: no sample.
    if (rssKb === undefined) return undefined;
    const descriptors = readdirSync(`/proc/${pid}/fd`).length;
    return { rssBytes: Number(rssKb) * 1024, descriptors };
  } catch {
    return undefined;
  }
}

/** Peak and last samples of a set of processes, taken every `intervalMs` until stopped. */
export class ProcessWatch {
  peakRssBytes = 0;
  peakDescriptors = 0;
  /** (seconds since start, rss MiB, descriptors) of the largest process at each sample, for the growth curve. */
  readonly timeline: [number, number, number][] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = performance.now();

  constructor(private readonly pids: () => readonly number[], private readonly intervalMs = 500) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  sample(): void {
    let rss = 0;
    let fds = 0;
    for (const pid of this.pids()) {
      const s = sampleProcess(pid);
      if (!s) continue;
      rss = Math.max(rss, s.rssBytes);
      fds = Math.max(fds, s.descriptors);
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, rss);
    this.peakDescriptors = Math.max(this.peakDescriptors, fds);
    const seconds = Math.round((performance.now() - this.startedAt) / 1000);
    const last = this.timeline[this.timeline.length - 1];
    if (!last || seconds - last[0] >= 5) this.timeline.push([seconds, Math.round(rss / 2 ** 20), fds]);
  }
}
