import { strict as assert } from 'node:assert';
import { PacingSchedule } from '../../../src/cli/bench/pacing';

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

  it('tells how long to wait for the next record', () => {
    const s = new PacingSchedule(start, 1000, 10);
    assert.equal(s.delayUntilMs(3, start), 3);
    assert.equal(s.delayUntilMs(3, start + 5_000_000), 0);
  });

  it('rejects a rate that is not a positive finite number', () => {
    assert.throws(() => new PacingSchedule(start, 0, 10), /rate 0 is invalid/);
    assert.throws(() => new PacingSchedule(start, Infinity, 10), /invalid/);
  });
});
