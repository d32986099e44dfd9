// The fuzzer as a command (docs/fuzzing.md): malformed, extreme and abusive requests against a
// broker (or a 3-broker cluster) of real processes, with a canary topic checked byte for byte
// afterwards and after a SIGTERM and a kill -9 restart. Prints a summary and one JSON line;
// exits 1 on a crash, a failed restart or a canary loss.
// Run: make build && node dist/scripts/fuzz.js [--requests 100000] [--seed N] [--target single|cluster|both] [--concurrency 8] [--max-topic-name-chars 249] [--skip-methods /pkg.Service/Method,...] [--first-index N] [--replay INDEX]
import { parseArgs } from 'node:util';
import { failures, formatSummary } from '../test/fuzz/fuzz-report';
import { runFuzz, type FuzzSummary } from '../test/fuzz/fuzz-run';
import type { TargetKind } from '../test/fuzz/fuzz-targets';
import { rpcCatalog } from '../test/fuzz/rpc-catalog';

const USAGE = 'usage: node dist/scripts/fuzz.js [--requests 100000] [--seed N] [--target single|cluster|both] [--concurrency 8] [--max-topic-name-chars 249] [--skip-methods /pkg.Service/Method,...] [--first-index N] [--replay INDEX]';

interface Options { requests: number; seed: number; targets: TargetKind[]; concurrency: number; maxTopicNameChars: number; skipMethods: string[]; firstIndex: number; replay?: number }

function options(): Options {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: { requests: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string' }, concurrency: { type: 'string' }, 'max-topic-name-chars': { type: 'string' }, 'skip-methods': { type: 'string' }, 'first-index': { type: 'string' }, replay: { type: 'string' } },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const number = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${text}'\n${USAGE}`);
    return value;
  };
  const target = values['target'] ?? 'single';
  if (target !== 'single' && target !== 'cluster' && target !== 'both') throw new Error(`--target must be single, cluster or both, got '${target}'\n${USAGE}`);
  return {
    requests: number('requests', 100_000, 1),
    seed: number('seed', Date.now() % 2 ** 31, 0, 2 ** 32 - 1),
    targets: target === 'both' ? ['single', 'cluster'] : [target],
    concurrency: number('concurrency', 8, 1, 256),
    maxTopicNameChars: number('max-topic-name-chars', 249, 1, 249),
    skipMethods: skipMethods(values['skip-methods']),
    firstIndex: number('first-index', 0, 0),
    ...(values['replay'] === undefined ? {} : { replay: number('replay', 0, 0) }),
  };
}

function skipMethods(text: string | undefined): string[] {
  if (text === undefined) return [];
  const known = new Set(rpcCatalog().map((m) => m.path));
  const paths = text.split(',').filter((p) => p !== '');
  for (const path of paths) if (!known.has(path)) throw new Error(`--skip-methods: '${path}' is not a method of the broker; use paths such as /sluice.v1.Admin/RegisterBroker\n${USAGE}`);
  return paths;
}

async function main(): Promise<void> {
  // The brokers log bad requests at warn; the run reads their output only when one exits.
  process.env['SLUICE_LOG_LEVEL'] ??= 'error';
  const opts = options();
  const started = performance.now();
  const log = (line: string): void => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const summaries: FuzzSummary[] = [];
  for (const target of opts.targets) {
    log(`fuzzing ${target}: ${opts.replay === undefined ? `${opts.requests} requests` : `request #${opts.replay} only`}, seed ${opts.seed}, concurrency ${opts.concurrency}`);
    const summary = await runFuzz({ requests: opts.requests, seed: opts.seed, target, concurrency: opts.concurrency, maxTopicNameChars: opts.maxTopicNameChars, skipMethods: opts.skipMethods, firstIndex: opts.firstIndex, log, ...(opts.replay === undefined ? {} : { replay: opts.replay }) });
    console.log(formatSummary(summary));
    console.log(JSON.stringify(summary));
    summaries.push(summary);
  }
  process.exitCode = summaries.some((s) => failures(s).length > 0) ? 1 : 0;
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 2;
});
