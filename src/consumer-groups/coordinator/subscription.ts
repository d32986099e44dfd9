// What a member is subscribed to: topic names and/or one pattern in RE2 syntax. Patterns are
// evaluated by a pluggable `RegexEngine` because JavaScript's RegExp backtracks and a hostile
// pattern could pin the coordinator; the engine must be linear-time (RE2: the `re2js` package).
// Internal topics (names starting with '__') are never matched by a pattern.
import type { ConsumerGroupError } from './errors';
import { consumerGroupError } from './errors';
import type { TopicMetadata } from './partition-key';

export interface CompiledPattern {
  /** True if the whole topic name matches the pattern (anchored, as Kafka's RE2J `matches`). */
  matches(topic: string): boolean;
}

export interface RegexEngine {
  /** Compiles an RE2 pattern, or says why it is not valid. Must never run in super-linear time. */
  compile(pattern: string): { ok: true; pattern: CompiledPattern } | { ok: false; error: string };
}

export interface Subscription {
  /** Sorted, without duplicates. */
  readonly topicNames: readonly string[];
  /** An RE2 pattern, or '' for none. */
  readonly topicRegex: string;
}

export const MAX_PATTERN_LENGTH = 1_000;

export function isInternalTopic(topic: string): boolean {
  return topic.startsWith('__');
}

export function sameSubscription(a: Subscription, b: Subscription): boolean {
  return a.topicRegex === b.topicRegex && a.topicNames.length === b.topicNames.length && a.topicNames.every((t, i) => t === b.topicNames[i]);
}

/** Checks a pattern once, when a member subscribes with it, so resolution never fails later. */
export function validatePattern(engine: RegexEngine | undefined, pattern: string): ConsumerGroupError | null {
  if (pattern === '') return null;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return consumerGroupError('INVALID_REGULAR_EXPRESSION', `subscription pattern is ${pattern.length} characters long: the limit is ${MAX_PATTERN_LENGTH}`);
  }
  if (engine === undefined) {
    return consumerGroupError('INVALID_REGULAR_EXPRESSION', 'subscription patterns need an RE2 engine, which this coordinator does not have: subscribe by topic names instead');
  }
  const compiled = engine.compile(pattern);
  return compiled.ok ? null : consumerGroupError('INVALID_REGULAR_EXPRESSION', `subscription pattern ${JSON.stringify(pattern)} is not valid RE2 syntax: ${compiled.error}`);
}

/**
 * The existing topics a subscription covers: named topics that exist (a name for a topic not
 * created yet is kept and resolves once it exists), plus non-internal topics the pattern matches.
 * Returned sorted.
 */
export function resolveSubscription(sub: Subscription, topics: TopicMetadata, engine: RegexEngine | undefined): string[] {
  const out = new Set<string>();
  for (const name of sub.topicNames) if (topics.has(name)) out.add(name);
  if (sub.topicRegex !== '' && engine !== undefined) {
    const compiled = engine.compile(sub.topicRegex);
    if (compiled.ok) for (const topic of topics.keys()) if (!isInternalTopic(topic) && compiled.pattern.matches(topic)) out.add(topic);
  }
  return [...out].sort();
}
