// The nemesis schedule is a function of its seed (a run is replayed with --seed), covers the
// duration asked, combines at most one network and one process nemesis per step, and the smoke's
// 'each-once' mode strikes every nemesis once; --nemesis rejects names it does not know.
import assert from 'node:assert/strict';
import { CLOCK_NEMESES, describeStep, DISK_NEMESES, isClock, isDisk, isMembership, isNetwork, isProcess, MEMBERSHIP_NEMESES, NETWORK_NEMESES, parseNemeses, schedule, type ScheduleOptions } from './schedule';

const options: ScheduleOptions = { seed: 42, durationMs: 600_000, nemeses: parseNemeses('all'), brokers: [1, 2, 3], partitions: 4, mode: 'random' };

describe('chaos nemesis schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    assert.deepEqual(schedule(options), schedule(options));
    assert.notDeepEqual(schedule(options), schedule({ ...options, seed: 43 }));
  });

  it('fills the duration, with at most one network and one process nemesis a step', () => {
    const steps = schedule(options);
    const total = steps.reduce((ms, s) => ms + s.healthyBeforeMs + s.holdMs, 0);
    assert.ok(total >= options.durationMs, `the steps cover ${total} ms of ${options.durationMs}`);
    for (const step of steps) {
      assert.ok(step.nemeses.filter((n) => (NETWORK_NEMESES as readonly string[]).includes(n)).length <= 1);
      assert.ok(step.nemeses.filter((n) => isProcess(n) || isDisk(n)).length <= 1, 'at most one process or disk nemesis');
      assert.deepEqual([...step.order].sort(), [1, 2, 3]);
    }
    assert.ok(steps.some((s) => s.nemeses.length === 2), 'some step combines two nemeses');
  });

  it('strikes each nemesis once, in order, in each-once mode', () => {
    const steps = schedule({ ...options, nemeses: [...NETWORK_NEMESES], mode: 'each-once' });
    assert.deepEqual(steps.map((s) => s.nemeses), NETWORK_NEMESES.map((n) => [n]));
  });

  it('takes the disk group, in all too, and draws its choices only for disk steps (schedules without them replay as before)', () => {
    assert.deepEqual(parseNemeses('disk'), [...DISK_NEMESES]);
    for (const n of DISK_NEMESES) assert.ok(parseNemeses('all').includes(n));
    const network = schedule({ ...options, nemeses: [...NETWORK_NEMESES] });
    assert.ok(network.every((s) => s.eioOn === 'fsync' && s.flipSeed === 0));
    const disk = schedule({ ...options, nemeses: parseNemeses('disk') });
    assert.ok(disk.some((s) => s.eioOn === 'append') && disk.some((s) => s.eioOn === 'fsync'));
    assert.ok(disk.every((s) => s.flipSeed > 0));
  });

  it('draws degraded links\' parameters from the seed and prints them with the step', () => {
    const steps = schedule({ ...options, nemeses: parseNemeses('slow-link,link-delay') });
    for (const { link } of steps) {
      assert.ok(link.rateKbit >= 128 && link.rateKbit <= 1024, `rate ${link.rateKbit} kbit/s`);
      assert.ok(link.delayMs >= 50 && link.delayMs <= 600 && link.jitterMs >= 0 && link.jitterMs <= link.delayMs / 2, `delay ${link.delayMs} ± ${link.jitterMs} ms`);
    }
    const delayed = steps.findIndex((s) => s.nemeses.includes('link-delay'));
    assert.match(describeStep(steps[delayed]!, delayed), new RegExp(`link-delay .*\\(delay ${steps[delayed]!.link.delayMs} ± ${steps[delayed]!.link.jitterMs} ms\\)`));
    const slow = steps.findIndex((s) => s.nemeses.includes('slow-link'));
    assert.match(describeStep(steps[slow]!, slow), new RegExp(`slow-link .*\\(${steps[slow]!.link.rateKbit} kbit/s\\)`));
    assert.equal(parseNemeses('network').filter((n) => ['isolate-metadata-leader', 'slow-link', 'link-delay', 'link-stall', 'link-reset', 'half-open'].includes(n)).length, 6);
  });

  it('rejects an unknown nemesis, naming the known ones', () => {
    assert.throws(() => parseNemeses('isolate-one,partition-all'), /unknown nemesis 'partition-all': use all, network, process, disk, clock, membership, or a list of isolate-one, /);
    assert.throws(() => parseNemeses(' , '), /names no nemesis/);
  });

  it('takes the clock and membership groups, and all includes them', () => {
    assert.deepEqual(parseNemeses('clock'), [...CLOCK_NEMESES]);
    assert.deepEqual(parseNemeses('membership'), [...MEMBERSHIP_NEMESES]);
    for (const n of [...CLOCK_NEMESES, ...MEMBERSHIP_NEMESES]) assert.ok(parseNemeses('all').includes(n), `all includes ${n}`);
  });

  it('runs every membership change alongside another nemesis, at most one of each kind a step, and draws clock offsets only for clock steps', () => {
    const steps = schedule({ ...options, seed: 7, durationMs: 3_600_000 });
    const kinds = [isNetwork, isProcess, isDisk, isClock, isMembership];
    for (const step of steps) {
      for (const kind of kinds) assert.ok(step.nemeses.filter(kind).length <= 1, `one of a kind in ${step.nemeses.join(' + ')}`);
      if (step.nemeses.some(isMembership)) assert.equal(step.nemeses.length, 2, `a partner for ${step.nemeses.join(' + ')}`);
      if (!step.nemeses.some(isClock)) assert.deepEqual([step.clockStepMs, step.clockRate], [0, 1]);
    }
    assert.ok(steps.some((s) => s.nemeses.includes('clock-step') && s.clockStepMs !== 0), 'some clock step moves the clock');
    assert.ok(steps.some((s) => s.nemeses.some(isMembership)), 'some step changes membership');
  });

  it('draws the same schedule as before clock and membership nemeses existed when none is chosen (old seeds replay)', () => {
    // Seed 11, the network nemeses of 2026-12-07 and the process ones, as the schedule drew it before clock and membership nemeses were added.
    const steps = schedule({ ...options, seed: 11, durationMs: 60_000, nemeses: parseNemeses('isolate-one,majority-minority,isolate-leader,bridge,asymmetric,flapping,packet-loss,process') });
    assert.deepEqual(steps.map((s) => [s.nemeses.join('+'), s.holdMs, s.order.join(''), s.partition]), [
      ['packet-loss', 8304, '132', 0], ['flapping', 9452, '213', 0], ['asymmetric', 8612, '312', 1], ['pause-leader', 9927, '312', 3], ['kill-two', 5146, '132', 3],
    ]);
  });
});
