// A client made from nothing but server reflection, in another language: every descriptor the
// broker serves (fetched here with grpc-js, as grpcurl would) goes into Python's strict stock
// descriptor pool (Debian's python3-protobuf), which builds the messages of CreateTopics, Produce,
// Fetch and grpc.health.v1.Health/Check calls (test/interop/reflection_only_client.py).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writer } from 'protobufjs';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { fetchServedDescriptors } from '../broker/reflection-client';

const CLIENT = resolve(__dirname, '../../../test/interop/reflection_only_client.py');
/** Debian's python3 (python3-grpcio, python3-protobuf), which a pyenv shim on PATH may hide. */
const PYTHON = ['/usr/bin/python3', 'python3'].find((python) => {
  try {
    execFileSync(python, ['-c', 'import grpc, google.protobuf'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** A FileDescriptorSet (field 1: file) holding the served bytes unchanged. */
function descriptorSet(files: Iterable<Buffer>): Uint8Array {
  const writer = Writer.create();
  for (const file of files) writer.uint32((1 << 3) | 2).bytes(file);
  return writer.finish();
}

function runClient(setFile: string, address: string, topic: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(PYTHON!, [CLIENT, setFile, address, topic]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('a Python client made from server reflection alone', function () {
  this.timeout(120_000);

  before(function () {
    if (PYTHON === undefined) {
      console.log('      skipped: needs python3 with grpc and protobuf (apt-get install python3-grpcio python3-protobuf; scripts/ensure-test-packages.sh does it as root)');
      this.skip();
    }
  });

  let fx: BrokerFixture | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await fx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads every served descriptor into a strict pool and creates, produces, fetches and checks health', async () => {
    fx = await startBrokerFixture();
    const { files } = await fetchServedDescriptors(fx.address, 'v1');
    dir = mkdtempSync(join(tmpdir(), 'sluice-reflection-only-'));
    const setFile = join(dir, 'served.binpb');
    writeFileSync(setFile, descriptorSet(files.values()));
    const run = await runClient(setFile, fx.address, 'reflected');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, [
      'CreateTopics "NONE"',
      'Produce NONE 0',
      'Fetch NONE 1 ["from reflection"]',
      'Health/Check "" SERVING',
      'Health/Check "sluice.v1.Data" SERVING',
      '',
    ].join('\n'));
  });
});
