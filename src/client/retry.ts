// Exponential backoff with jitter, driven only by an error's `retriable` flag (KafkaJS style).
import { SluiceError, ErrorCode } from '../common/errors';
import { SluiceRetriesExhaustedError } from './errors';

export interface RetryOptions {
  /** Retries after the first attempt (so at most retries + 1 attempts). */
  readonly retries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 };

/** Wait before retry number `retry` (0-based): initial * 2^retry, capped, with ±20% jitter. */
export function backoffMs(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** Math.min(retry, 30));
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random())));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function asSluiceError(error: unknown): SluiceError {
  if (error instanceof SluiceError) return error;
  return new SluiceError(ErrorCode.UNKNOWN, error instanceof Error ? error.message : String(error), { retriable: false, cause: error });
}

/**
 * Runs `attempt` until it resolves, a non-retriable error is thrown (rethrown as is), or the
 * retries run out (SluiceRetriesExhaustedError whose cause is the last error). `beforeRetry`
 * runs after each retriable failure, before the backoff (e.g. to refresh metadata).
 */
export async function withRetries<T>(
  options: RetryOptions,
  attempt: (attemptNumber: number) => Promise<T>,
  beforeRetry?: (error: SluiceError, attemptNumber: number) => void | Promise<void>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (thrown) {
      const error = asSluiceError(thrown);
      if (!error.retriable) throw error;
      if (n >= options.retries) throw new SluiceRetriesExhaustedError(error, n + 1);
      await beforeRetry?.(error, n);
      await sleep(backoffMs(n, options));
    }
  }
}
