// Runs the seeded consumer-group simulator; each failure names the one command that reproduces it.
import { strict as assert } from 'node:assert';
import { DEFAULT_STEPS, describeFailure } from './sim/cli';
import { runSeed } from './sim/simulation';

describe('consumer group simulator', () => {
  it('keeps single ownership, stable coverage, no needless revocation, static restarts without rebalance and minimal uniform movement on seeds 1..300, then settles', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 300 && failures.length < 3; seed++) {
      const r = runSeed(seed, { steps: DEFAULT_STEPS });
      if (!r.ok) failures.push(describeFailure(r, DEFAULT_STEPS));
    }
    assert.deepEqual(failures, []);
  });
});
