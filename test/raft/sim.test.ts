// Runs the seeded fault simulator over a few thousand seeds (3- and 5-node clusters). Each
// failure names the one command that reproduces it exactly.
import { strict as assert } from 'node:assert';
import { DEFAULT_STEPS, describeFailure } from './sim/cli';
import { runSeed } from './sim/simulation';

const RUNS = [
  { nodes: 3, from: 1, to: 2000 },
  { nodes: 5, from: 1, to: 1000 },
];

describe('raft simulator', () => {
  for (const run of RUNS) {
    it(`keeps every safety property and stays live on seeds ${run.from}..${run.to} with ${run.nodes} voters`, () => {
      const failures: string[] = [];
      for (let seed = run.from; seed <= run.to; seed++) {
        const r = runSeed(seed, { nodes: run.nodes, steps: DEFAULT_STEPS });
        if (!r.ok) failures.push(describeFailure(r, run.nodes, DEFAULT_STEPS));
        if (failures.length >= 3) break;
      }
      assert.deepEqual(failures, []);
    });
  }
});
