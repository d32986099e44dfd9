// What a newcomer types first: --version, --help of each command, and a mistyped command.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sluice } from './run-cli';

const packageVersion = (JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

describe('sluice help and version', () => {
  it('--version prints the package version', async () => {
    const run = await sluice(['--version']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), packageVersion);
  });

  it('broker --help names the command as it is typed', async () => {
    const run = await sluice(['broker', '--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: sluice broker \[options\]/);
  });

  it('numeric defaults print as numbers, not quoted strings', async () => {
    const run = await sluice(['produce', '--help']);
    assert.match(run.stdout, /--linger-ms <ms>\s+batching delay \(default: 5\)/);
  });

  for (const args of [['nosuchcmd', '--help'], ['--brokers', '127.0.0.1:1', 'nosuchcmd', '--help'], ['nosuchcmd']]) {
    it(`an unknown command is an error, also with --help: sluice ${args.join(' ')}`, async () => {
      const run = await sluice(args);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /unknown command 'nosuchcmd'/);
      assert.doesNotMatch(run.stdout, /Usage: sluice/);
    });
  }
});
