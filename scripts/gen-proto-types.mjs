// Generates the TypeScript types of the public API from proto/ into src/protocol/generated/
// (docs/protocol-types.md says why they are committed and how they are kept true).
//   node scripts/gen-proto-types.mjs           regenerate (the build runs this before tsc)
//   node scripts/gen-proto-types.mjs --check   exit 1 when the committed files differ from proto/
// The generator is proto-loader-gen-types from @grpc/proto-loader (an npm dependency already):
// no protoc, no network.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src/protocol/generated');
// The same list, in the same order, as PROTO_FILES in src/protocol/proto-root.ts.
const PROTO_FILES = ['sluice/v1/errors.proto', 'sluice/v1/records.proto', 'sluice/v1/data.proto', 'sluice/v1/groups.proto', 'sluice/v1/admin.proto'];
// The options describe the objects protobufjs really hands over (src/protocol/proto-root.ts):
// int64 as JS numbers (protobufjs runs without Long), enums as numbers, bytes as Buffers, and
// every field present with its default value (proto-root.ts gives decoded messages their
// defaults as own properties). No --oneofs: the protos have no oneof yet.
const OPTIONS = ['--longs', 'Number', '--enums', 'Number', '--bytes', 'Buffer', '--defaults', '--includeComments'];
const HEADER = '// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.\n';

const check = process.argv.includes('--check');
const require = createRequire(import.meta.url);
const loaderDir = dirname(require.resolve('@grpc/proto-loader/package.json'));
const generator = join(loaderDir, JSON.parse(readFileSync(join(loaderDir, 'package.json'), 'utf8')).bin['proto-loader-gen-types']);

const staging = mkdtempSync(join(tmpdir(), 'sluice-proto-types-'));
try {
  execFileSync(process.execPath, [generator, ...OPTIONS, '-I', 'proto', '-O', staging, ...PROTO_FILES], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const file of listFiles(staging)) writeFileSync(file, HEADER + readFileSync(file, 'utf8'));
  if (check) {
    const stale = differences(staging, outDir);
    if (stale.length > 0) {
      console.error(`src/protocol/generated is out of date with proto/ (${stale.join(', ')}): run \`make build\` (or \`npm run build\`) and commit src/protocol/generated`);
      process.exitCode = 1;
    }
  } else {
    // Copied, not renamed: the temporary directory may be on another filesystem.
    rmSync(outDir, { recursive: true, force: true });
    cpSync(staging, outDir, { recursive: true });
  }
} finally {
  rmSync(staging, { recursive: true, force: true });
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Relative paths that are missing, extra or different between the two trees. */
function differences(expectedDir, actualDir) {
  const expected = new Map(listFiles(expectedDir).map((f) => [relative(expectedDir, f), readFileSync(f, 'utf8')]));
  const actual = new Map(listFiles(actualDir).map((f) => [relative(actualDir, f), readFileSync(f, 'utf8')]));
  const names = new Set([...expected.keys(), ...actual.keys()]);
  return [...names].filter((name) => expected.get(name) !== actual.get(name)).sort();
}
