// Runs the `sluice` CLI as a child process (async, so in-process fake brokers keep serving).
import { resolve } from 'node:path';
import { runToExit, type Exited } from '../run-to-exit';

const MAIN = resolve(__dirname, '../../src/cli/main.js');

export type Run = Exited;

export function sluice(args: string[], options: { stdin?: string; brokers?: string } = {}): Promise<Run> {
  return runToExit(process.execPath, [MAIN, ...args], {
    env: { ...process.env, SLUICE_BROKERS: options.brokers ?? '', SLUICE_LOG_LEVEL: 'silent' },
    stdin: options.stdin,
  });
}
