// Runs a suite's steps against one or more systems, in order, and collects the results.
import type { DriverConfig } from './drivers/types';
import { medianRun } from './repeated-runs';
import type { RunResult } from './result';
import { runWorkload } from './runner';
import { brokerStatsSince } from './server-stats';
import { resolveStep, type SuiteScale, type SuiteStep } from './suites';

export interface Target {
  /** Row label, e.g. "sluice", "redis-always". */
  readonly label: string;
  readonly driver: DriverConfig;
  readonly durability: string;
  /** Sluice brokers' HTTP addresses (host:port): each run's notes then say what they did (server-stats.ts). */
  readonly metricsAddresses?: readonly string[];
}

export interface SuiteOptions {
  readonly scale: SuiteScale;
  readonly progress: boolean;
  /** Paced end-to-end steps run this many times, each reported by its median run (default 1). */
  readonly pacedRuns?: number;
  /** Called after every finished step (to print or save partial results). */
  readonly onResult?: (result: RunResult) => void;
  /** Called before a target's first step (e.g. to pause the other systems' servers). */
  readonly beforeTarget?: (target: Target) => void | Promise<void>;
}

/** A result row standing for a step that could not run (system down, not built yet, failure). */
export function unavailableResult(target: { label: string; durability: string }, step: SuiteStep, reason: string): RunResult {
  return {
    system: target.label,
    durability: target.durability,
    name: step.name,
    spec: step.spec,
    startedAt: new Date().toISOString(),
    elapsedMs: 0,
    records: 0,
    bytes: 0,
    recordsPerSec: 0,
    mbPerSec: 0,
    errors: 0,
    missing: 0,
    latency: null,
    ackLatency: null,
    timeline: [],
    notes: [`not run: ${reason}`],
  };
}

export async function runSuite(targets: readonly Target[], steps: readonly SuiteStep[], options: SuiteOptions): Promise<RunResult[]> {
  const all: RunResult[] = [];
  for (const target of targets) {
    const topics = new Map<string, { topic: string; records: number }>();
    const rates = new Map<string, number>();
    let broken: string | null = null;
    try {
      await options.beforeTarget?.(target);
    } catch (error) {
      broken = `preparing ${target.label} failed: ${String((error as Error)?.message ?? error)}`;
    }
    for (const step of steps) {
      let result: RunResult;
      if (broken !== null) {
        result = unavailableResult(target, step, broken);
      } else {
        try {
          const spec = resolveStep(step, (name) => rates.get(name) ?? null, options.scale);
          const source = step.readsTopicOf ? topics.get(step.readsTopicOf) : undefined;
          if (step.readsTopicOf && !source) throw new Error(`step ${step.readsTopicOf} produced nothing to read`);
          const run = async () => {
            const stats = target.metricsAddresses?.length ? await brokerStatsSince(target.metricsAddresses) : null;
            const outcome = await runWorkload({
              driver: target.driver,
              spec,
              system: target.label,
              durability: target.durability,
              name: step.name,
              ...(source ? { topic: source.topic, expectedRecords: source.records } : {}),
              progress: options.progress,
            });
            if (!stats) return outcome;
            return { ...outcome, result: { ...outcome.result, notes: [...outcome.result.notes, await stats()] } };
          };
          const outcome = await run();
          result = outcome.result;
          const runs = spec.workload === 'end-to-end' && spec.ratePerSecond !== null ? options.pacedRuns ?? 1 : 1;
          if (runs > 1) {
            const results = [result];
            while (results.length < runs) results.push((await run()).result);
            result = medianRun(results);
          }
          if (spec.workload === 'produce') {
            topics.set(step.name, { topic: outcome.topic, records: result.records });
            rates.set(step.name, result.recordsPerSec);
          }
        } catch (error) {
          const reason = (error as Error).message.split('\n')[0]!;
          result = unavailableResult(target, step, reason);
          if (/ECONNREFUSED|connect|UNAVAILABLE|Cannot find module/i.test(reason)) broken = reason;
        }
      }
      all.push(result);
      options.onResult?.(result);
    }
  }
  return all;
}
