// Where a topic's partition lives under a data directory, for tests that damage or inspect its
// files: directories are named by topic id (docs/storage.md), which a test learns from the disk.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePartitionDirName, partitionDirName } from '../src/storage/partition-dirs';

export function partitionDirOf(dataDir: string, topic: string, partition: number): string {
  const partitions = join(dataDir, 'partitions');
  // The storage's own naming rule, asked for each directory's id, instead of a copy of it here.
  const found = readdirSync(partitions).filter((name) => {
    const stored = parsePartitionDirName(name);
    return stored !== undefined && 'topicId' in stored && name === partitionDirName(topic, partition, stored.topicId);
  });
  if (found.length !== 1) throw new Error(`expected one directory of ${topic}/${partition} in ${partitions}, found ${JSON.stringify(found)}`);
  return join(partitions, found[0]!);
}
