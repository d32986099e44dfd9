// What a client may be told in an error: input it sent is quoted shortened, server file-system
// paths never leave the broker, and no message is long enough to hurt the client. gRPC C-core
// clients fail every other call on a channel after a status detail of ~8 KB (RESOURCE_EXHAUSTED),
// and an echoed name can be as long as a request (limits.maxRequestBytes).
import { resolve } from 'node:path';

/** Characters of an echoed input (topic, group, config name) shown before it is cut. */
export const QUOTED_INPUT_CHARS = 200;
/** The longest message sent to a client; longer ones lose their middle (the guidance is at the end). */
export const MAX_CLIENT_MESSAGE_CHARS = 1024;

/** `'name'`, or `'first 200 characters…' (N characters)` when longer. */
export function quoteInput(value: string): string {
  if (value.length <= QUOTED_INPUT_CHARS) return `'${value}'`;
  return `'${value.slice(0, QUOTED_INPUT_CHARS)}…' (${value.length} characters)`;
}

/** A `topic/partition` reference with the topic shortened as quoteInput does. */
export function partitionRef(topic: string, partition: number): string {
  return topic.length <= QUOTED_INPUT_CHARS ? `${topic}/${partition}` : `${quoteInput(topic)}/${partition}`;
}

// An absolute path: a '/' that starts a token (after a quote, space, bracket or '='), up to the
// next space, quote, bracket or comma. Topic references (`t/0`) never start a token with '/'.
const ABSOLUTE_PATH = /(^|[\s'"(=\[])\/[^\s'"()\[\],]+/g;

/** Makes `message` fit to send: paths under `dataDir`, and any other absolute path, replaced; bounded in length. */
export function clientMessage(message: string, dataDir: string): string {
  let safe = message;
  for (const dir of new Set([resolve(dataDir), dataDir])) if (dir.length > 1) safe = safe.split(dir).join('<dataDir>');
  safe = safe.replace(ABSOLUTE_PATH, '$1<path>');
  if (safe.length <= MAX_CLIENT_MESSAGE_CHARS) return safe;
  const keep = Math.floor((MAX_CLIENT_MESSAGE_CHARS - 40) / 2);
  return `${safe.slice(0, keep)}…[${safe.length - 2 * keep} characters left out]…${safe.slice(-keep)}`;
}

/**
 * Applies clientMessage to a response's `errorMessage` fields: its own and those of the entries
 * of its arrays (partitions, topics), where every Sluice response keeps them.
 */
export function withClientMessages<T>(response: T, dataDir: string): T {
  if (!response || typeof response !== 'object') return response;
  const fix = (item: unknown): void => {
    if (item && typeof item === 'object' && typeof (item as { errorMessage?: unknown }).errorMessage === 'string') {
      const holder = item as { errorMessage: string };
      if (holder.errorMessage !== '') holder.errorMessage = clientMessage(holder.errorMessage, dataDir);
    }
  };
  fix(response);
  for (const value of Object.values(response)) if (Array.isArray(value)) value.forEach(fix);
  return response;
}
