// What every bench command shares: option parsers whose errors say what was wrong, and failures
// printed as one line on stderr with exit code 1.
import { InvalidArgumentError, type Command } from 'commander';

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
