// Runs the `sluice` CLI as a child process (async, so in-process fake brokers keep serving).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../src/cli/main.js');

export interface Run { code: number | null; stdout: string; stderr: string }

export function sluice(args: string[], options: { stdin?: string; brokers?: string } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, SLUICE_BROKERS: options.brokers ?? '', SLUICE_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
