// A client made from nothing but server reflection, in another language: every descriptor the
// broker serves (fetched here with grpc-js, as grpcurl would) goes into Python's strict stock
// descriptor pool (Debian's python3-protobuf), which builds the messages of CreateTopics, Produce,
// Fetch and grpc.health.v1.Health/Check calls (test/interop/reflection_only_client.py), then runs
// the README's grpcurl commands the way grpcurl does: JSON bodies parsed with those descriptors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writer } from 'protobufjs';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { PYTHON_WITH_GRPC } from './debian-python';
import { fetchServedDescriptors } from '../broker/reflection-client';

const CLIENT = resolve(__dirname, '../../../test/interop/reflection_only_client.py');
const PYTHON = PYTHON_WITH_GRPC;

/** A FileDescriptorSet (field 1: file) holding the served bytes unchanged. */
function descriptorSet(files: Iterable<Buffer>): Uint8Array {
  const writer = Writer.create();
  for (const file of files) writer.uint32((1 << 3) | 2).bytes(file);
  return writer.finish();
}

type ReadmeCommand = { describe: string } | { method: string; body: unknown };

/** The README's grpcurl commands but `list` (what fetchServedDescriptors asks first), in order. */
function readmeGrpcurlCommands(): ReadmeCommand[] {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8').replace(/\s*\\\n\s*/g, ' ');
  const commands: ReadmeCommand[] = [];
  for (const line of readme.split('\n')) {
    const match = /^grpcurl -plaintext (?:-d '([^']*)' )?localhost:9092 (.+)$/.exec(line.trim());
    if (!match || match[2] === 'list') continue;
    const describe = /^describe (\S+)$/.exec(match[2]!);
    commands.push(describe ? { describe: describe[1]! } : { method: match[2]!, body: JSON.parse(match[1] ?? '{}') });
  }
  return commands;
}

function runClient(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(PYTHON!, [CLIENT, ...args]);
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
    fx = undefined;
    dir = undefined;
  });

  /** The served descriptors in a file, for the client. */
  async function servedSetFile(address: string): Promise<string> {
    const { files } = await fetchServedDescriptors(address, 'v1');
    dir = mkdtempSync(join(tmpdir(), 'sluice-reflection-only-'));
    const setFile = join(dir, 'served.binpb');
    writeFileSync(setFile, descriptorSet(files.values()));
    return setFile;
  }

  it('loads every served descriptor into a strict pool and creates, produces, fetches and checks health', async () => {
    fx = await startBrokerFixture();
    const run = await runClient([await servedSetFile(fx.address), fx.address, 'reflected']);
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

  it("runs the README's grpcurl commands with nothing but the served descriptors", async () => {
    fx = await startBrokerFixture();
    const commands = readmeGrpcurlCommands();
    assert.ok(commands.length >= 5, `the README's grpcurl commands: ${JSON.stringify(commands)}`);
    const setFile = await servedSetFile(fx.address);
    const commandsFile = join(dir!, 'readme-commands.json');
    writeFileSync(commandsFile, JSON.stringify(commands));
    const run = await runClient([setFile, fx.address, 'reflected', commandsFile]);
    assert.equal(run.code, 0, run.stderr);
    const answers = new Map(run.stdout.split('\n').filter((line) => line.startsWith('README ')).map((line) => {
      const [, what, rest] = /^README (describe \S+|\S+) (.*)$/.exec(line)!;
      return [what!, rest!];
    }));
    assert.equal(answers.get('describe sluice.v1.FetchRequest'), 'sluice/v1/data.proto');
    const answer = (method: string): any => JSON.parse(answers.get(method) ?? 'null');
    assert.equal(answer('grpc.health.v1.Health/Check')?.status, 'SERVING');
    assert.equal(answer('sluice.v1.Admin/CreateTopics')?.topics[0].error_code, 'NONE');
    assert.deepEqual(answer('sluice.v1.Data/Produce')?.partitions.map((p: any) => [p.error_code, p.base_offset]), [['NONE', '0']]);
    const fetched = answer('sluice.v1.Data/Fetch')?.partitions[0];
    assert.equal(fetched?.error_code, 'NONE');
    assert.deepEqual(fetched.batches.flatMap((b: any) => b.batch.records.map((r: any) => Buffer.from(r.value, 'base64').toString())), ['hi']);
  });
});
