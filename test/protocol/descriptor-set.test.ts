// The FileDescriptorSet served over reflection (proto/descriptor-set.binpb) is committed so that a
// broker runs without protoc; it must stay what scripts/gen-descriptor-set.sh makes from proto/
// and from the health and reflection protos of the installed dependencies.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileDescriptorSet } from 'protobufjs/ext/descriptor';
import { protoDir } from '../../src/protocol/proto-root';

const SCRIPT = resolve(__dirname, '../../../scripts/gen-descriptor-set.sh');

function protocVersion(): string | undefined {
  try {
    return execFileSync('protoc', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Each file of a set by name, as JSON, to name the files that differ. */
function filesByName(bytes: Buffer): Map<string, string> {
  const set = FileDescriptorSet.toObject(FileDescriptorSet.decode(bytes)) as { file: { name: string }[] };
  return new Map(set.file.map((file) => [file.name, JSON.stringify(file)]));
}

describe('proto/descriptor-set.binpb', () => {
  it('is what scripts/gen-descriptor-set.sh makes from proto/ with stock protoc', function () {
    const version = protocVersion();
    if (version === undefined) {
      console.log('      skipped: protoc is not installed (apt-get install protobuf-compiler), so the committed descriptor set cannot be regenerated to compare');
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'sluice-descriptor-set-'));
    try {
      const out = join(dir, 'set.binpb');
      const run = spawnSync(SCRIPT, [out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const fresh = readFileSync(out);
      const committed = readFileSync(join(protoDir(), 'descriptor-set.binpb'));
      if (fresh.equals(committed)) return;
      const [now, then] = [filesByName(fresh), filesByName(committed)];
      const differing = [...new Set([...now.keys(), ...then.keys()])].filter((name) => now.get(name) !== then.get(name));
      const what = differing.length === 0 ? 'the order of its files differs' : `${differing.join(', ')} ${differing.length === 1 ? 'differs' : 'differ'}`;
      assert.fail(`proto/descriptor-set.binpb is out of date (${what} from what ${version} makes): run scripts/gen-descriptor-set.sh and commit it`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
