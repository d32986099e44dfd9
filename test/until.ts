// The one way tests wait for something: poll a condition with a deadline, never sleep a fixed
// time and hope (preamble: tests wait on conditions).

/**
 * Resolves with the condition's value once it is neither `undefined` nor `false` (a check that
 * returns a boolean resolves with `true`); throws "gave up waiting for <what>" after `maxWaitMs`.
 * The condition is checked at once, then every `intervalMs`.
 */
export async function until<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  { maxWaitMs = 30_000, intervalMs = 10 }: { readonly maxWaitMs?: number; readonly intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} (${maxWaitMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
