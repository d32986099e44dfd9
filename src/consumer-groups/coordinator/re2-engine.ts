// The production `RegexEngine`: RE2 syntax and linear-time matching via `re2js` (a pure
// JavaScript port of RE2/J, the engine Kafka uses for KIP-848 subscription patterns). JavaScript's
// own RegExp backtracks, so a hostile pattern such as `(a+)+b` could pin the coordinator; RE2
// never backtracks (docs/consumer-groups.md, "Subscriptions and RE2").
import { RE2JS } from 're2js';
import type { CompiledPattern, RegexEngine } from './subscription';

type Compiled = { ok: true; pattern: CompiledPattern } | { ok: false; error: string };

/** Compiled patterns kept per engine: a group's members usually share one pattern. */
const CACHE_LIMIT = 1_000;

export function re2Engine(): RegexEngine {
  const cache = new Map<string, Compiled>();
  return {
    compile(pattern: string): Compiled {
      const hit = cache.get(pattern);
      if (hit !== undefined) return hit;
      const compiled = compileRe2(pattern);
      // Oldest first out: a Map iterates in insertion order.
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(pattern, compiled);
      return compiled;
    },
  };
}

function compileRe2(pattern: string): Compiled {
  try {
    const re = RE2JS.compile(pattern);
    // `matches` is anchored at both ends: the whole topic name must match (Kafka's RE2J `matches`).
    return { ok: true, pattern: { matches: (topic) => re.matches(topic) } };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
