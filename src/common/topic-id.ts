// Topic ids (Kafka's KIP-516): 16 bytes that tell a topic apart from every other topic, an
// earlier or later one of the same name included. Shown as Kafka shows a Uuid: the 16 bytes in
// URL-safe base64 without padding, 22 characters (`Uuid.toString()`), e.g. "eMpzUX3ZTSqGv7Ahjq4_nw".
// docs/storage.md tells how partition directories are named by it.
import { createHash, randomBytes } from 'node:crypto';

declare const brand: unique symbol;
/** A topic id in its 22-character form. */
export type TopicId = string & { readonly [brand]: 'TopicId' };

export const TOPIC_ID_BYTES = 16;
const TOPIC_ID_TEXT = /^[A-Za-z0-9_-]{21}[AQgw]$/;

export const TOPIC_ID_RULE = '22 characters of URL-safe base64 (16 bytes, as Kafka prints a topic id)';

export const isTopicId = (text: string): text is TopicId => TOPIC_ID_TEXT.test(text);

/**
 * Kafka's rules for ids it hands out: never all zeros (its "no id") or 1 (its metadata topic's id),
 * and never text starting with '-' (a command line would read it as an option).
 */
function usable(bytes: Buffer): TopicId | undefined {
  const text = bytes.toString('base64url');
  const reserved = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15]! <= 1;
  return reserved || text.startsWith('-') ? undefined : (text as TopicId);
}

/** A fresh random topic id (chosen by the proposer of a CreateTopic, so every broker applies the same one). */
export function newTopicId(): TopicId {
  for (;;) {
    const id = usable(randomBytes(TOPIC_ID_BYTES));
    if (id) return id;
  }
}

/**
 * The id of a topic created before topics had ids (a CreateTopic command without one, a topic of
 * release 0.1's single broker): derived from what told such a topic apart, its name and its
 * creation time, so that every broker, and every start, derives the same id.
 */
export function legacyTopicId(name: string, createdAtMs: number): TopicId {
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256').update(`sluice legacy topic id\0${name}\0${createdAtMs}\0${attempt}`).digest();
    const id = usable(digest.subarray(0, TOPIC_ID_BYTES));
    if (id) return id;
  }
}
