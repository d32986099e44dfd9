// Structured logging with pino: one child logger per module. The level comes from
// SLUICE_LOG_LEVEL (default "info"; tests default to "silent" unless it is set).
import pino, { type Logger } from 'pino';

const defaultLevel = process.env.SLUICE_LOG_LEVEL ?? (process.env.SLUICE_TEST === '1' ? 'silent' : 'info');

let root: Logger = pino({ level: defaultLevel, base: { pid: process.pid } });

export type { Logger };

/** Replaces the root logger (the broker does this once at start to add its node id). */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

export function rootLogger(): Logger {
  return root;
}

/** A named logger for one module, e.g. `moduleLogger('storage')`. */
export function moduleLogger(module: string, bindings: Record<string, unknown> = {}): Logger {
  // pino writes a binding once per level of children: one the root already has would repeat in every line.
  const inherited = root.bindings();
  const own: Record<string, unknown> = { module };
  for (const [key, value] of Object.entries(bindings)) if (inherited[key] !== value) own[key] = value;
  return root.child(own);
}
