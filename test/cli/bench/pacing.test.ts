import { strict as assert } from 'node:assert';
import { MAX_BLOCK_NS, MIN_WAKE_INTERVAL_NS, PacingSchedule, sendDue, sleepUntilNs } from '../../../src/cli/bench/pacing';
import { monotonicNs } from '../../../src/cli/bench/worker-protocol';

describe('bench pacing schedule', () => {
  const start = 1_000_000_000;

  it('places record i at start + i / rate (the intended send time)', () => {
    const s = new PacingSchedule(start, 10_000, 100);
    assert.equal(s.intervalNs, 100_000);
    assert.equal(s.intendedNs(0), start);
    assert.equal(s.intendedNs(1), start + 100_000);
    assert.equal(s.intendedNs(99), start + 9_900_000);
  });

  it('counts the records due by a given time, including the one due exactly then', () => {
    const s = new PacingSchedule(start, 1000, 1_000_000);
    assert.equal(s.dueCount(start - 1), 0);
    assert.equal(s.dueCount(start), 1);
    assert.equal(s.dueCount(start + 999_999), 1);
    assert.equal(s.dueCount(start + 1_000_000), 2);
    assert.equal(s.dueCount(start + 1_000_000_000), 1001);
  });

  it('after a stall, makes every overdue record due at once, keeping their earlier intended times', () => {
    const s = new PacingSchedule(start, 1000, 1_000_000);
    const afterStallNs = start + 50_000_000; // the sender was blocked for 50 ms
    assert.equal(s.dueCount(afterStallNs), 51);
    // Record 10 was meant to go at +10 ms: a send at +50 ms is charged 40 ms of waiting.
    assert.equal(afterStallNs - s.intendedNs(10), 40_000_000);
  });

  it('never makes more records due than the run sends', () => {
    const s = new PacingSchedule(start, 1000, 5);
    assert.equal(s.dueCount(start + 10_000_000_000), 5);
  });

  it('rejects a rate that is not a positive finite number', () => {
    assert.throws(() => new PacingSchedule(start, 0, 10), /rate 0 is invalid/);
    assert.throws(() => new PacingSchedule(start, Infinity, 10), /invalid/);
  });

  it('wakes for each record of a schedule slower than MIN_WAKE_INTERVAL_NS, at its intended time', () => {
    const s = new PacingSchedule(start, 5_000, 100); // one record every 200 us
    assert.equal(s.intervalNs, MIN_WAKE_INTERVAL_NS);
    for (const i of [0, 1, 7, 99]) assert.equal(s.wakeNs(i), s.intendedNs(i));
    const slower = new PacingSchedule(start, 3_000, 100); // every 333.3 us: not on any grid
    for (const i of [0, 1, 2, 50]) assert.equal(slower.wakeNs(i), slower.intendedNs(i));
  });

  it('wakes a fast schedule only on a MIN_WAKE_INTERVAL_NS grid, never before a record is due', () => {
    const s = new PacingSchedule(start, 100_000, 1_000_000); // one record every 10 us
    const wakes = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const wake = s.wakeNs(i);
      assert.ok(wake >= s.intendedNs(i), `record ${i} woken before its intended time`);
      assert.ok(wake - s.intendedNs(i) < MIN_WAKE_INTERVAL_NS, `record ${i} woken a whole interval late`);
      assert.equal((wake - start) % MIN_WAKE_INTERVAL_NS, 0);
      wakes.add(wake);
    }
    // 1000 records over 10 ms: one wake-up per 200 us (plus the one at the start).
    assert.equal(wakes.size, 51);
    // Every record woken for is due by its wake time, so one sendDue call sends all of them.
    assert.equal(s.dueCount(s.wakeNs(5)), 21);
  });

  describe('sleepUntilNs', () => {
    it('never resolves before the target, near or far (real clock)', async () => {
      for (const aheadNs of [0, 150_000, 700_000, 3_500_000]) {
        const target = monotonicNs() + aheadNs;
        await sleepUntilNs(target, monotonicNs);
        assert.ok(monotonicNs() >= target, `resolved before a target ${aheadNs} ns ahead`);
      }
    });

    it('blocks in slices no longer than MAX_BLOCK_NS and lets the event loop run before each', async () => {
      let clock = 5_000_000;
      let turns = 0;
      let counting = true;
      const count = (): void => { turns++; if (counting) setImmediate(count); };
      setImmediate(count);
      const slices: { ns: number; turn: number }[] = [];
      const block = (ns: number): void => { slices.push({ ns, turn: turns }); clock += ns + 30_000; };
      const target = clock + 900_000;
      await sleepUntilNs(target, () => clock, block);
      counting = false;
      assert.ok(clock >= target);
      assert.ok(slices.length >= 2, `${slices.length} slices`);
      for (const slice of slices) assert.ok(slice.ns > 0 && slice.ns <= MAX_BLOCK_NS, `a slice of ${slice.ns} ns`);
      for (let i = 1; i < slices.length; i++) assert.ok(slices[i]!.turn > slices[i - 1]!.turn, `no event-loop turn between slices ${i - 1} and ${i}`);
    });

    it('returns at once for a target already passed, without blocking', async () => {
      let blocked = false;
      await sleepUntilNs(100, () => 200, () => { blocked = true; });
      assert.equal(blocked, false);
    });
  });

  it('sends overdue records in order, never more than maxInFlight unacknowledged, each timed from its intended time', async () => {
    const schedule = new PacingSchedule(1_000, 1000, 10);
    let inFlight = 0;
    let highest = 0;
    let waits = 0;
    const sent: [number, number][] = [];
    const count = await sendDue(schedule, 0, 10, 3, {
      inFlight: () => inFlight,
      slotFreed: async () => { waits++; inFlight--; },
      send: (index, intendedNs) => { sent.push([index, intendedNs]); inFlight++; highest = Math.max(highest, inFlight); },
      stopped: () => false,
    });
    assert.equal(count, 10);
    assert.equal(highest, 3);
    assert.equal(waits, 7);
    assert.deepEqual(sent.map(([i]) => i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(sent.map(([, ns]) => ns), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => schedule.intendedNs(i)));
  });

  it('stops sending when the run is stopped', async () => {
    let stop = false;
    const count = await sendDue(new PacingSchedule(0, 1000, 10), 2, 10, 100, {
      inFlight: () => 0,
      slotFreed: async () => undefined,
      send: (index) => { if (index === 4) stop = true; },
      stopped: () => stop,
    });
    assert.equal(count, 5);
  });
});
