// Where a topic's partition lives under a data directory, for tests that damage or inspect its
// files: directories are named by topic id (docs/storage.md), which a test learns from the disk.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NAME_PREFIX_CHARS } from '../src/storage/partition-dirs';

export function partitionDirOf(dataDir: string, topic: string, partition: number): string {
  const partitions = join(dataDir, 'partitions');
  const prefix = `${topic.slice(0, NAME_PREFIX_CHARS)}@`;
  const found = readdirSync(partitions).filter((name) => name.startsWith(prefix) && name.endsWith(`-${partition}`));
  if (found.length !== 1) throw new Error(`expected one directory of ${topic}/${partition} in ${partitions}, found ${JSON.stringify(found)}`);
  return join(partitions, found[0]!);
}
