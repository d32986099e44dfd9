// Child process for crash.test.ts: appends and syncs forever, printing each synced raft index.
// The parent kills it with SIGKILL at an arbitrary moment.
import { StorageEngine } from '../../src/storage/storage-engine';
import { config, dataEntry } from './helpers';

async function main(): Promise<void> {
  const dataDir = process.argv[2]!;
  const engine = await StorageEngine.open({ dataDir });
  const log = await engine.openLog('crash', 0, config({ segmentBytes: 64 * 1024 }));
  let next = log.lastRaftIndex + 1;
  for (;;) {
    const count = 1 + (next % 3);
    const batch = Array.from({ length: count }, (_, i) => dataEntry(next + i, { size: 100 + ((next + i) % 7) * 300 }));
    next += count;
    // Leave some appends unsynced while the next ones go out, as a busy partition would.
    await log.append(batch);
    const synced = await log.sync();
    process.stdout.write(`${synced}\n`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
