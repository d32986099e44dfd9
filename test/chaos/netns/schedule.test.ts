// The nemesis schedule is a function of its seed (a run is replayed with --seed), covers the
// duration asked, combines at most one network and one process nemesis per step, and the smoke's
// 'each-once' mode strikes every nemesis once; --nemesis rejects names it does not know.
import assert from 'node:assert/strict';
import { describeStep, NETWORK_NEMESES, parseNemeses, PROCESS_NEMESES, schedule, type ScheduleOptions } from './schedule';

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
      assert.ok(step.nemeses.filter((n) => (PROCESS_NEMESES as readonly string[]).includes(n)).length <= 1);
      assert.deepEqual([...step.order].sort(), [1, 2, 3]);
    }
    assert.ok(steps.some((s) => s.nemeses.length === 2), 'some step combines two nemeses');
  });

  it('strikes each nemesis once, in order, in each-once mode', () => {
    const steps = schedule({ ...options, nemeses: [...NETWORK_NEMESES], mode: 'each-once' });
    assert.deepEqual(steps.map((s) => s.nemeses), NETWORK_NEMESES.map((n) => [n]));
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
    assert.throws(() => parseNemeses('isolate-one,partition-all'), /unknown nemesis 'partition-all': use all, network, process, or a list of isolate-one, /);
    assert.throws(() => parseNemeses(' , '), /names no nemesis/);
  });
});
