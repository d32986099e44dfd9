// What every sluice subcommand shares: the client built from --brokers, one-line error output
// for expected failures, and small option parsers.
import { InvalidArgumentError, type Command } from 'commander';
import { SluiceError } from '../common/errors';
import { SluiceClient } from '../client';

export const DEFAULT_BROKERS = '127.0.0.1:9092';

/** An expected failure: printed as one line, exit code 1, no stack trace. */
export class CliError extends Error {}

/** The brokers from --brokers (a comma-separated list), else SLUICE_BROKERS, else the default. */
export function brokersOf(command: Command): string[] {
  const option = command.optsWithGlobals().brokers as string | undefined;
  const raw = option ?? process.env.SLUICE_BROKERS ?? DEFAULT_BROKERS;
  const brokers = raw.split(',').map((b) => b.trim()).filter((b) => b.length > 0);
  if (brokers.length === 0) throw new CliError(`--brokers '${raw}' names no broker: use host:port[,host:port...]`);
  return brokers;
}

/** Runs `body` with a client for the command's brokers, closing it afterwards. */
export async function withClient<T>(command: Command, body: (client: SluiceClient) => Promise<T>): Promise<T> {
  const client = new SluiceClient({
    brokers: brokersOf(command),
    clientId: 'sluice-cli',
    requestTimeoutMs: 15_000,
    retry: { retries: 3, initialBackoffMs: 100, maxBackoffMs: 1_000 },
  });
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** Wraps a commander action so that errors print one line to stderr and set a non-zero exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      process.exitCode = 1;
      process.stderr.write(`sluice: error: ${describeError(error)}\n`);
    }
  };
}

export function describeError(error: unknown): string {
  if (error instanceof CliError || error instanceof SluiceError) return error.message;
  if (error instanceof Error) return process.env.SLUICE_DEBUG ? String(error.stack) : error.message;
  return String(error);
}

/** commander collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Parses ["k=v", ...] into an object; `what` names the option in errors. */
export function parsePairs(pairs: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`${what} '${pair}' is not key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Parses a non-negative integer option. */
export function parseCount(value: string, what: string, min = 0): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${what} '${value}' is invalid: use an integer >= ${min}`);
  return n;
}

/** parseCount as a commander option parser (so that a default prints as a number in --help). */
export const countOption = (what: string, min = 0) => (value: string): number => {
  try {
    return parseCount(value, what, min);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/** A plain text table: left-aligned columns, two spaces apart. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
