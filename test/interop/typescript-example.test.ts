// The README's TypeScript example is a program that runs (examples/typescript/quickstart.ts):
// against a broker it produces, consumes as a group, commits, closes and exits; run again, the
// group goes on from its commits. Every line of the README's snippet is a line of that program.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { runToExit } from '../run-to-exit';

const ROOT = resolve(__dirname, '../../..');
const PROGRAM = resolve(__dirname, '../../examples/typescript/quickstart.js');

const run = (address: string) => runToExit(process.execPath, [PROGRAM, address], { env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });

describe('examples/typescript', function () {
  this.timeout(60_000);
  let fx: BrokerFixture;
  before(async () => (fx = await startBrokerFixture()));
  after(() => fx.close());

  it('produces, consumes as a group, commits and exits; a second run goes on from the commits', async () => {
    const first = await run(fx.address);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'produced pen at 2:0\nconsumed 0:0 alice:book\nconsumed 2:0 carol:pen\n');
    const second = await run(fx.address);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'produced pen at 2:1\nconsumed 0:1 alice:book\nconsumed 2:1 carol:pen\n');
  });

  it("the README's snippet is the program's code", () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const snippet = /the whole program is[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, 'the README shows the snippet');
    const program = readFileSync(resolve(ROOT, 'examples/typescript/quickstart.ts'), 'utf8').split('\n').map((line) => line.trim());
    for (const line of snippet.split('\n').map((l) => l.trim()).filter(Boolean)) {
      assert.ok(program.includes(line), `README line not in quickstart.ts: ${line}`);
    }
  });
});
