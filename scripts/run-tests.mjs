// Runs the whole mocha suite over the compiled tests and ends with the one line CI reads:
// `tests: N passed, N failed[, N skipped]`. Exit code is non-zero when anything failed.
import Mocha from 'mocha';
process.env.SLUICE_TEST ??= '1';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const filter = process.argv[2];
const mocha = new Mocha({ timeout: 120_000, reporter: process.env.MOCHA_REPORTER ?? 'spec' });
for (const file of findTests('dist/test').sort()) {
  if (!filter || file.includes(filter)) mocha.addFile(file);
}

let passed = 0, failed = 0, skipped = 0;
const runner = mocha.run();
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
runner.on('pending', () => skipped++);
runner.on('end', () => {
  const tail = skipped > 0 ? `, ${skipped} skipped` : '';
  console.log(`tests: ${passed} passed, ${failed} failed${tail}`);
  process.exitCode = failed > 0 ? 1 : 0;
});
