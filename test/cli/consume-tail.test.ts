// `sluice consume` without --max is a tail: it must stream to any stdout (a pipe or a file, not
// only a terminal) as records arrive, and end cleanly on SIGINT/SIGTERM, as kcat does.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { FakeBroker } from '../client/fake-broker';
import { until } from '../until';
import { sluice } from './run-cli';

const MAIN = resolve(__dirname, '../../src/cli/main.js');

interface Tail {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startTail(args: string[]): Tail {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, SLUICE_BROKERS: '', SLUICE_LOG_LEVEL: 'silent' } });
  const tail: Tail = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((done) => child.on('exit', (code, signal) => done({ code, signal }))),
  };
  child.stdout.on('data', (chunk) => (tail.stdout += chunk));
  child.stderr.on('data', (chunk) => (tail.stderr += chunk));
  return tail;
}

describe('sluice consume as a tail (fake broker)', () => {
  let broker: FakeBroker;

  beforeEach(async () => {
    broker = await new FakeBroker().start();
    broker.createTopic('work', 1);
  });

  afterEach(async () => {
    await broker.stop();
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`streams records into a pipe as they arrive and ends cleanly on ${signal}`, async () => {
      const tail = startTail(['--brokers', broker.address, 'consume', 'work', '--from-beginning']);
      try {
        const first = await sluice(['--brokers', broker.address, 'produce', 'work'], { stdin: 'one\ntwo\n' });
        assert.equal(first.code, 0, first.stderr);
        await until(() => tail.stdout === 'one\ntwo\n', 'the tail to print the first two records');
        const second = await sluice(['--brokers', broker.address, 'produce', 'work'], { stdin: 'three\n' });
        assert.equal(second.code, 0, second.stderr);
        await until(() => tail.stdout === 'one\ntwo\nthree\n', 'the tail to print the third record');
        tail.child.kill(signal);
        const exit = await tail.exited;
        assert.deepEqual(exit, { code: 0, signal: null }, tail.stderr);
        assert.equal(tail.stdout, 'one\ntwo\nthree\n');
        assert.match(tail.stderr, /consumed 3 records from 'work'/);
      } finally {
        tail.child.kill('SIGKILL');
      }
    });
  }
});
