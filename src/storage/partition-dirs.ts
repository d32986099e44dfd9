// Naming of partition directories under <dataDir>/partitions, and completion of the directory
// swaps that make resetTo and deleteLog atomic across a crash (docs/storage.md, "Directory layout").
//
//   <name prefix>@<topic id>-<partition>   a live partition log of a topic
//   <log name>-<partition>                 a log of no topic (the metadata log), or a topic's log
//                                          written before topics had ids (renamed at its next open)
//   <live name>~reset                      a replacement being prepared by resetTo (becomes live by rename)
//   <live name>~deleting                   a directory being removed
//
// A topic's directory is named by its id, so a re-created topic never opens an old one's data,
// and its length is bounded whatever the topic's name (names have up to 249 characters; file
// names up to 255 bytes): the prefix only helps a reader of the directory. '~' and '@' are not
// allowed in topic names, so these never collide.
import { join } from 'node:path';
import type { TopicId } from '../common/topic-id';
import type { FileIo } from './file-io';

export const RESET_SUFFIX = '~reset';
export const DELETING_SUFFIX = '~deleting';

/** Characters of the topic name kept in front of the id. */
export const NAME_PREFIX_CHARS = 40;

/** A partition log's directory: by the topic id when the log is a topic's, else by its name. */
export function partitionDirName(topic: string, partition: number, topicId?: TopicId): string {
  return topicId === undefined ? `${topic}-${partition}` : `${topic.slice(0, NAME_PREFIX_CHARS)}@${topicId}-${partition}`;
}

/** A directory found under <dataDir>/partitions: a topic's (by id) or a log named by its name. */
export type StoredLog =
  | { readonly topicId: TopicId; readonly partition: number }
  | { readonly topic: string; readonly partition: number };

/** Parses a live directory's name (see the layout above), or undefined for anything else. */
export function parsePartitionDirName(name: string): StoredLog | undefined {
  const byId = /^[a-zA-Z0-9._-]*@([A-Za-z0-9_-]{22})-(\d+)$/.exec(name);
  if (byId !== null) return { topicId: byId[1] as TopicId, partition: Number(byId[2]) };
  const byName = /^([a-zA-Z0-9._-]+)-(\d+)$/.exec(name);
  if (byName !== null) return { topic: byName[1]!, partition: Number(byName[2]) };
  return undefined;
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
