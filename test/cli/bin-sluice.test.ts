// bin/sluice starts node with the broker's V8 flags (src/common/broker-node-flags.ts): the
// process a user or a script starts with `bin/sluice broker` must be that node, flags included.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BROKER_NODE_FLAGS } from '../../src/common/broker-node-flags';

const BIN = resolve(__dirname, '../../../bin/sluice');
const READY = /ready: gRPC [\d.]+:\d+/;

describe('bin/sluice', () => {
  it('runs the broker as the node process it starts, with the broker V8 flags', async function () {
    this.timeout(30_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
    const child = spawn(BIN, ['broker', '--data-dir', dataDir, '--grpc-port', '0', '--http-port', '0'], {
      env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((ready, fail) => {
        let output = '';
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (READY.test(output)) ready();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => fail(new Error(`bin/sluice broker exited (code ${code}) before it was ready:\n${output}`)));
      });
      // The pid we hold (what scripts/cluster.sh records and kill -9 hits) is node itself.
      const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      assert.match(argv[0]!, /node$/);
      for (const flag of BROKER_NODE_FLAGS) assert.ok(argv.includes(flag), `${flag} missing from ${argv.join(' ')}`);
      assert.ok(argv.indexOf(BROKER_NODE_FLAGS[0]!) < argv.findIndex((a) => a.endsWith('bin/sluice')), 'the flags go to node, not to the CLI');
    } finally {
      child.kill('SIGKILL');
      await new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(undefined) : child.once('exit', done)));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
