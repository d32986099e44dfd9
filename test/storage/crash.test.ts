import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { asRaftIndex } from '../../src/common/ids';
import { StorageEngine } from '../../src/storage/storage-engine';
import { batchBytes, config, tempDir } from './helpers';

/** Runs the child until it has reported `minSynced` syncs, then kills it with SIGKILL. Returns the highest synced index seen. */
function runAndKill(dataDir: string, minSynced: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'crash-child.js'), [dataDir], { silent: true });
    let highest = 0;
    let reports = 0;
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        highest = Math.max(highest, Number(line));
        reports++;
      }
      if (reports >= minSynced && !child.killed) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(highest);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('storage: crash (kill -9) recovery', () => {
  it('keeps every entry whose sync resolved before the child was killed', async () => {
    const dir = tempDir();
    try {
      let expectedAtLeast = 0;
      for (let round = 0; round < 3; round++) {
        const synced = await runAndKill(dir.path, 150 + round * 37);
        assert.ok(synced >= expectedAtLeast, `round ${round}: synced ${synced} went below ${expectedAtLeast}`);
        expectedAtLeast = synced;
        const engine = await StorageEngine.open({ dataDir: dir.path });
        const log = await engine.openLog('crash', 0, config({ segmentBytes: 64 * 1024 }));
        assert.ok(log.lastRaftIndex >= synced, `round ${round}: last raft index ${log.lastRaftIndex} < synced ${synced}`);
        let next = 1;
        while (next <= synced) {
          const got = await log.readByRaftIndex(asRaftIndex(next), asRaftIndex(synced + 1), 1 << 20);
          assert.ok(got.length > 0);
          for (const e of got) {
            assert.equal(e.header.raftIndex, next);
            assert.equal(e.header.baseOffset, (next - 1) * 10);
            assert.deepEqual(e.batch, batchBytes(next, 100 + (next % 7) * 300));
            next++;
          }
        }
        await engine.close();
      }
    } finally {
      dir.remove();
    }
  });
});
