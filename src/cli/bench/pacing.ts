// The pacing schedule of a rate-limited producer. Record i is *intended* to be sent at
// startNs + i * intervalNs. Latency of a paced run is measured from that intended time, not
// from the moment the send actually happened: when the system under test stalls, records that
// should have gone out during the stall are charged the stall (no coordinated omission).
//
// The sender must also go out on time when nothing stalls: latency is charged from the
// intended time, so a sender that wakes late adds its own lateness to every system's figures.
// Node timers have a 1 ms grain and fire up to ~1 ms late (sleeping with setTimeout made
// records leave 0.55 ms late at p50, 1.1 ms at p99), so sleepUntilNs leaves the last stretch
// to Atomics.wait, which sleeps in the kernel with microsecond resolution (~0.08 ms late here).
//
// Each wake-up costs the sender ~30 us of CPU on this machine (two context switches and a loop
// turn), so a sender that woke for every record of a fast schedule would take the cores the
// system under test needs: no sender wakes more often than every MIN_WAKE_INTERVAL_NS
// (wakeNs). Records due in between leave together, at most that much after their intended time,
// and, being timed from it, charge the wait to every system alike.

import { setImmediate as nextTurn, setTimeout as sleepMs } from 'node:timers/promises';

const NS_PER_SECOND = 1_000_000_000;
/** A sender wakes at most this often; slower schedules wake for each record. */
export const MIN_WAKE_INTERVAL_NS = 200_000;

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

  /**
   * When to wake to send record `index`: its intended time, rounded up to the next multiple of
   * MIN_WAKE_INTERVAL_NS after startNs when records are closer together than that.
   */
  wakeNs(index: number): number {
    const intendedNs = this.intendedNs(index);
    if (this.intervalNs >= MIN_WAKE_INTERVAL_NS || intendedNs <= this.startNs) return intendedNs;
    const ticks = Math.ceil((intendedNs - this.startNs) / MIN_WAKE_INTERVAL_NS);
    return this.startNs + ticks * MIN_WAKE_INTERVAL_NS;
  }

  /** How many records are due by `nowNs`: records [0, dueCount) should have been sent. */
  dueCount(nowNs: number): number {
    if (nowNs < this.startNs) return 0;
    const elapsedNs = nowNs - this.startNs;
    const due = Math.floor(elapsedNs / this.intervalNs) + 1;
    return Math.min(due, this.totalRecords);
  }
}

/** Longest single blocking wait: the event loop (acks, reports) runs between waits. */
export const MAX_BLOCK_NS = 200_000;
/** Node timers may fire this much after their delay (1 ms grain plus a loop turn). */
const TIMER_LATENESS_NS = 1_200_000;

const blockCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for `ns` (the cell never changes, so only the timeout ends the wait). */
function blockNs(ns: number): void {
  Atomics.wait(blockCell, 0, 0, ns / 1_000_000);
}

/**
 * Resolves at `targetNs` (as told by `nowNs`) or a little after, never before. Waits with a
 * timer while the target is far, then blocks in slices of at most MAX_BLOCK_NS, letting the
 * event loop run before each slice. For worker threads: the blocking stalls this thread only.
 */
export async function sleepUntilNs(targetNs: number, nowNs: () => number, block: (ns: number) => void = blockNs): Promise<void> {
  let remainingNs = targetNs - nowNs();
  if (remainingNs <= 0) return;
  if (remainingNs > TIMER_LATENESS_NS + 1_000_000) {
    await sleepMs(Math.floor((remainingNs - TIMER_LATENESS_NS) / 1_000_000));
    remainingNs = targetNs - nowNs();
  }
  while (remainingNs > 0) {
    await nextTurn();
    remainingNs = targetNs - nowNs();
    if (remainingNs <= 0) return;
    block(Math.min(remainingNs, MAX_BLOCK_NS));
    remainingNs = targetNs - nowNs();
  }
}

/** What sendDue needs from a paced producer. */
export interface PacedSender {
  /** Records sent but not yet acknowledged. */
  inFlight(): number;
  /** Resolves once an acknowledgement may have freed a slot. */
  slotFreed(): Promise<void>;
  /** Sends record `index`, to be timed from `intendedNs`. */
  send(index: number, intendedNs: number): void;
  /** True when the run is to end now. */
  stopped(): boolean;
}

/**
 * Sends records [sent, due) in order and returns the new count sent. With `maxInFlight` records
 * unacknowledged it waits for one before the next: a system that falls far behind must not make
 * the bench hold its backlog in memory (3.6M records once took 8 GB and minutes of GC). A record
 * sent late is still timed from its intended send time, so the wait counts against the system.
 */
export async function sendDue(schedule: PacingSchedule, sent: number, due: number, maxInFlight: number, sender: PacedSender): Promise<number> {
  while (sent < due && !sender.stopped()) {
    while (sender.inFlight() >= maxInFlight) await sender.slotFreed();
    sender.send(sent, schedule.intendedNs(sent));
    sent++;
  }
  return sent;
}

/**
 * Sends the schedule's records on time, from record 0, until all are sent or `more()` turns
 * false; returns how many were sent. Between sends it sleeps (without spinning: a setImmediate
 * spin burned a core the system under test needs) until `wakeAt(next record)`.
 */
export async function sendOnSchedule(
  schedule: PacingSchedule, maxInFlight: number, sender: PacedSender, nowNs: () => number,
  more: () => boolean, wakeAt: (index: number) => number = (index) => schedule.wakeNs(index),
): Promise<number> {
  let sent = 0;
  while (sent < schedule.totalRecords && more()) {
    sent = await sendDue(schedule, sent, schedule.dueCount(nowNs()), maxInFlight, sender);
    if (sent >= schedule.totalRecords) break;
    await sleepUntilNs(wakeAt(sent), nowNs);
  }
  return sent;
}
