import { strict as assert } from 'node:assert';
import { runSuite, type Target } from '../../../src/cli/bench/suite-runner';
import { compareSuite, DEFAULT_SPEC } from '../../../src/cli/bench/suites';

describe('bench suite runner: preparing each system', () => {
  const targets: Target[] = [
    { label: 'first', driver: { system: 'redis', host: '127.0.0.1', port: 1 }, durability: 'd1' },
    { label: 'second', driver: { system: 'redis', host: '127.0.0.1', port: 1 }, durability: 'd2' },
  ];
  const steps = compareSuite(DEFAULT_SPEC, { countScale: 0.001, endToEndSeconds: 1 }).slice(0, 2);

  it('prepares each system once, in order, before its steps; a failed preparation marks its rows not run', async () => {
    const prepared: string[] = [];
    const results = await runSuite(targets, steps, {
      scale: { countScale: 0.001, endToEndSeconds: 1 },
      progress: false,
      beforeTarget: (t) => { prepared.push(t.label); throw new Error(`cannot pause the others of ${t.label}`); },
    });
    assert.deepEqual(prepared, ['first', 'second']);
    assert.deepEqual(results.map((r) => `${r.system}/${r.name}`), ['first/produce-100B', 'first/consume-100B', 'second/produce-100B', 'second/consume-100B']);
    for (const r of results) {
      assert.equal(r.records, 0);
      assert.match(r.notes.join(';'), new RegExp(`not run: preparing ${r.system} failed: cannot pause the others of ${r.system}`));
    }
  });
});
