// Latency recording and summarizing with HDR histograms. Values are recorded in integer
// microseconds; summaries are reported in milliseconds. Histograms cross worker boundaries
// as compressed base64 strings (the HdrHistogram interchange format).
import * as hdr from 'hdr-histogram-js';

export type LatencyHistogram = hdr.Histogram;

/** Percentiles drawn in the latency-distribution chart ("nines" on a log axis). */
export const CHART_PERCENTILES: readonly number[] = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export interface PercentilePoint {
  readonly percentile: number;
  readonly valueMs: number;
}

/** A histogram tracking 1 µs .. 1 hour with 3 significant digits (0.1% value precision). */
export function newLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** Records one latency given in nanoseconds (negative values, from clock skew, count as 0). */
export function recordLatencyNs(histogram: LatencyHistogram, latencyNs: bigint | number): void {
  const micros = Math.max(0, Math.round(Number(latencyNs) / 1000));
  histogram.recordValue(micros);
}

export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded);
  const target = newLatencyHistogram();
  target.add(decoded);
  return target;
}

const microsToMs = (micros: number): number => Math.round(micros) / 1000;

/** Summary of a histogram; an empty histogram gives count 0 and zeros everywhere. */
export function summarizeLatency(histogram: LatencyHistogram): LatencySummary {
  if (histogram.totalCount === 0) {
    return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  }
  return {
    count: histogram.totalCount,
    minMs: microsToMs(histogram.getValueAtPercentile(0)),
    meanMs: Math.round(histogram.mean) / 1000,
    p50Ms: microsToMs(histogram.getValueAtPercentile(50)),
    p90Ms: microsToMs(histogram.getValueAtPercentile(90)),
    p99Ms: microsToMs(histogram.getValueAtPercentile(99)),
    p999Ms: microsToMs(histogram.getValueAtPercentile(99.9)),
    maxMs: microsToMs(histogram.getValueAtPercentile(100)),
  };
}

/** The latency at each of CHART_PERCENTILES, for the distribution chart and the JSON. */
export function percentileCurve(histogram: LatencyHistogram): PercentilePoint[] {
  if (histogram.totalCount === 0) return [];
  return CHART_PERCENTILES.map((percentile) => ({
    percentile,
    valueMs: microsToMs(histogram.getValueAtPercentile(percentile)),
  }));
}
