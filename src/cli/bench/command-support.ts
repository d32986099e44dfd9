// What every bench command shares: option parsers whose errors say what was wrong, and failures
// printed as one line on stderr with exit code 1.
import { InvalidArgumentError, type Command } from 'commander';
import { TIMESTAMP_BYTES } from './worker-protocol';

export const positiveInt = (name: string) => (value: string): number => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} '${value}' is invalid: use an integer >= 1`);
  return n;
};

export const nonNegative = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} '${value}' is invalid: use a number >= 0`);
  return n;
};

export const positiveNumber = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} '${value}' is invalid: use a number > 0`);
  return n;
};

/** Sizes like 100, 1KB, 1KiB, 4MB, 1GB (KB = 1024 here, as record-size flags usually mean). */
export function parseBytes(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`size '${value}' is invalid: use e.g. 100, 1KB, 4MB, 1GB`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.round(Number(match[1]) * factor);
}
/** A size that must be at least one byte (a window or a batch of 0 bytes could never send). */
export const positiveBytes = (name: string) => (value: string): number => {
  const bytes = parseBytes(value);
  if (bytes < 1) throw new InvalidArgumentError(`${name} '${value}' is invalid: use a size of at least 1 byte, e.g. 2MB`);
  return bytes;
};
/** A record's value size: at least the 8 bytes that carry its send time. */
export function parseRecordSize(value: string): number {
  const bytes = parseBytes(value);
  if (bytes < TIMESTAMP_BYTES) throw new InvalidArgumentError(`record size ${bytes} is too small: the first ${TIMESTAMP_BYTES} bytes of each record carry its send time, use ${TIMESTAMP_BYTES} or more`);
  return bytes;
}
/** Durations like 30s, 500ms, 2m, or a bare number of seconds. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`duration '${value}' is invalid: use e.g. 500ms, 30s, 2m`);
  const unit = (match[2] ?? 's').toLowerCase();
  return Math.round(Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
}

/** Runs an action with the command (commander passes it last); failures print one line and exit 1. */
export function guarded(body: (command: Command) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    try {
      await body(args[args.length - 1] as Command);
    } catch (error) {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  };
}
