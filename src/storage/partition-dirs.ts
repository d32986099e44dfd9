// Naming of partition directories under <dataDir>/partitions, and completion of the directory
// swaps that make resetTo and deleteLog atomic across a crash.
//
//   <topic>-<partition>            a live partition log
//   <topic>-<partition>~reset      a replacement being prepared by resetTo (becomes live by rename)
//   <topic>-<partition>~deleting   a directory being removed
// '~' is not allowed in topic names, so these never collide with a live partition.
import { join } from 'node:path';
import type { FileIo } from './file-io';

export const RESET_SUFFIX = '~reset';
export const DELETING_SUFFIX = '~deleting';

export const partitionDirName = (topic: string, partition: number): string => `${topic}-${partition}`;

/** Parses "<topic>-<partition>", or undefined for anything else. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const m = /^(.+)-(\d+)$/.exec(name);
  if (m === null) return undefined;
  return { topic: m[1]!, partition: Number(m[2]) };
}

/**
 * Finishes or undoes swaps interrupted by a crash: a `~reset` directory whose live directory is
 * gone is renamed into place (the swap had passed its commit point); otherwise it is discarded.
 * `~deleting` directories are removed.
 */
export async function completeInterruptedSwaps(io: FileIo, partitionsDir: string): Promise<void> {
  for (const name of await io.readdir(partitionsDir)) {
    const path = join(partitionsDir, name);
    if (name.endsWith(RESET_SUFFIX)) {
      const live = path.slice(0, -RESET_SUFFIX.length);
      if (await io.exists(live)) await io.rmrf(path);
      else await io.rename(path, live);
    } else if (name.endsWith(DELETING_SUFFIX)) {
      await io.rmrf(path);
    }
  }
  await io.syncDir(partitionsDir);
}
