// The proto files are the API for every language: they must compile with stock protoc
// (Debian's protobuf-compiler), here for Python, C++ and Java, plus a descriptor set.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTO_FILES, protoDir } from '../../src/protocol/proto-root';

function hasProtoc(): boolean {
  try {
    execFileSync('protoc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('proto interoperability', function () {
  before(function () {
    if (!hasProtoc()) this.skip();
  });

  it('compiles with stock protoc for Python, C++ and Java', () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-protoc-'));
    try {
      for (const lang of ['python', 'cpp', 'java']) {
        const dir = join(out, lang);
        execFileSync('mkdir', ['-p', dir]);
        execFileSync('protoc', ['-I', protoDir(), `--${lang}_out=${dir}`, ...PROTO_FILES], { stdio: 'pipe' });
      }
      assert.ok(existsSync(join(out, 'python', 'sluice', 'v1', 'data_pb2.py')));
      assert.ok(existsSync(join(out, 'cpp', 'sluice', 'v1', 'data.pb.h')));
      assert.ok(readdirSync(join(out, 'java', 'dev', 'sluice', 'v1')).includes('ProduceRequest.java'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("the README's protoc commands for Python, Go and Java work as written", function () {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const block = /They compile with stock `protoc`[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'the README shows the protoc commands');
    const plugins = ['grpc_python_plugin', 'protoc-gen-go', 'protoc-gen-go-grpc', 'grpc_java_plugin'];
    const missing = plugins.filter((plugin) => spawnSync('sh', ['-c', `command -v ${plugin}`]).status !== 0);
    if (missing.length > 0) {
      console.log(`      skipped: protoc plugins not installed: ${missing.join(', ')} (Debian: protobuf-compiler-grpc protoc-gen-go protoc-gen-go-grpc protobuf-compiler-grpc-java-plugin)`);
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'sluice-readme-protoc-'));
    try {
      symlinkSync(protoDir(), join(dir, 'proto'));
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', block], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.ok(existsSync(join(dir, 'gen/python/sluice/v1/data_pb2_grpc.py')));
      assert.ok(existsSync(join(dir, 'gen/go/sluice/v1/data_grpc.pb.go')));
      assert.ok(existsSync(join(dir, 'gen/java/dev/sluice/v1/DataGrpc.java')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
