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
  return root.child({ module, ...bindings });
}
