// What a user sees when a broker cannot start, or reads its log: one clear line, no stray output
// from libraries, and every setting it does not know named.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfigFile } from '../../src/broker/config';
import { moduleLogger, rootLogger, setRootLogger } from '../../src/common/logger';
import { BROKER_NODE_FLAGS } from '../../src/common/broker-node-flags';
import { startBrokerProcess } from '../integration/broker-process';
import { runToExit } from '../run-to-exit';

const BROKER_MAIN = resolve(__dirname, '../../src/broker/main.js');

const runBrokerToExit = (args: string[]) =>
  runToExit(process.execPath, [...BROKER_NODE_FLAGS, BROKER_MAIN, ...args], { env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' } });

describe('broker startup messages', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sluice-startup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a busy gRPC port is one line that says the port is in use, with no stray library output', async () => {
    const first = await startBrokerProcess(join(dir, 'a'));
    try {
      const run = await runBrokerToExit(['--data-dir', join(dir, 'b'), '--grpc-port', String(first.grpcPort), '--http-port', '0']);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `sluice broker: cannot listen for gRPC on 127.0.0.1:${first.grpcPort}: the port is in use (EADDRINUSE): stop what listens there or choose another --grpc-port\n`);
    } finally {
      await first.kill('SIGKILL');
    }
  });

  it('a config file setting it does not know is refused by name, with the nearest known one', () => {
    const write = (body: object): string => {
      const path = join(dir, `config-${Math.random()}.json`);
      writeFileSync(path, JSON.stringify(body));
      return path;
    };
    assert.throws(() => loadConfigFile(write({ grpcPrt: 1 })), /unknown setting 'grpcPrt' \(did you mean 'grpcPort'\?\)/);
    assert.throws(() => loadConfigFile(write({ limits: { maxFetchByte: 1 } })), /unknown setting 'limits\.maxFetchByte' \(did you mean 'limits\.maxFetchBytes'\?\)/);
    assert.throws(() => loadConfigFile(write({ cluster: { brokers: [], raftTickMS: 5 } })), /unknown setting 'cluster\.raftTickMS' \(did you mean 'cluster\.raftTickMs'\?\)/);
    assert.throws(() => loadConfigFile(write({ zzz: 1 })), /unknown setting 'zzz'; the settings are: .*grpcPort/);
    assert.throws(() => loadConfigFile(write([1])), /must hold a JSON object/);
    assert.deepEqual(loadConfigFile(write({ grpcPort: 1, limits: { maxFetchBytes: 5 }, topicDefaults: { 'retention.ms': '1' } })), { grpcPort: 1, limits: { maxFetchBytes: 5 }, topicDefaults: { 'retention.ms': '1' } });
  });

  it('a module logger does not repeat a binding its root logger already has', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } });
    const previous = rootLogger();
    setRootLogger(pino({ level: 'info', base: { node: 1, pid: 7 } }, sink));
    try {
      moduleLogger('broker', { node: 1, other: 2 }).info('hello');
    } finally {
      setRootLogger(previous);
    }
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.match(/"node":/g)?.length, 1, lines[0]);
    assert.match(lines[0]!, /"other":2/);
  });
});
