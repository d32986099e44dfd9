// The pacing schedule of a rate-limited producer. Record i is *intended* to be sent at
// startNs + i * intervalNs. Latency of a paced run is measured from that intended time, not
// from the moment the send actually happened: when the system under test stalls, records that
// should have gone out during the stall are charged the stall (no coordinated omission).

const NS_PER_SECOND = 1_000_000_000;

export class PacingSchedule {
  /** Nanoseconds between consecutive intended sends. Invariant: > 0. */
  readonly intervalNs: number;

  /**
   * @param startNs  monotonic time in ns (monotonicNs()) at which record 0 is due
   * @param ratePerSecond records per second, > 0
   * @param totalRecords how many records the run sends (Infinity for a duration-bounded run)
   */
  constructor(readonly startNs: number, readonly ratePerSecond: number, readonly totalRecords: number) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`rate ${ratePerSecond} is invalid: use a finite number of records per second > 0`);
    }
    this.intervalNs = NS_PER_SECOND / ratePerSecond;
  }

  /** The intended send time of record `index` (0-based). */
  intendedNs(index: number): number {
    return this.startNs + Math.round(index * this.intervalNs);
  }

  /** How many records are due by `nowNs`: records [0, dueCount) should have been sent. */
  dueCount(nowNs: number): number {
    if (nowNs < this.startNs) return 0;
    const elapsedNs = nowNs - this.startNs;
    const due = Math.floor(elapsedNs / this.intervalNs) + 1;
    return Math.min(due, this.totalRecords);
  }

  /** Milliseconds to wait, from `nowNs`, until record `index` is due (0 if already due). */
  delayUntilMs(index: number, nowNs: number): number {
    const waitNs = this.intendedNs(index) - nowNs;
    return waitNs <= 0 ? 0 : waitNs / 1_000_000;
  }
}
