import { strict as assert } from 'node:assert';
import {
  CHART_PERCENTILES, decodeHistogram, encodeHistogram, newLatencyHistogram, percentileCurve, recordLatencyNs, summarizeLatency,
} from '../../../src/cli/bench/latency';

describe('bench latency summaries', () => {
  it('summarizes 1..1000 ms into the expected percentiles', () => {
    const h = newLatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordLatencyNs(h, BigInt(ms) * 1_000_000n);
    const s = summarizeLatency(h);
    assert.equal(s.count, 1000);
    assert.ok(Math.abs(s.p50Ms - 500) <= 1, `p50 ${s.p50Ms}`);
    assert.ok(Math.abs(s.p99Ms - 990) <= 1, `p99 ${s.p99Ms}`);
    assert.ok(Math.abs(s.p999Ms - 999) <= 1, `p99.9 ${s.p999Ms}`);
    assert.ok(Math.abs(s.maxMs - 1000) <= 1, `max ${s.maxMs}`);
    assert.ok(Math.abs(s.minMs - 1) <= 0.01, `min ${s.minMs}`);
    assert.ok(Math.abs(s.meanMs - 500.5) <= 1, `mean ${s.meanMs}`);
  });

  it('gives zeros for an empty histogram and an empty curve', () => {
    const h = newLatencyHistogram();
    assert.deepEqual(summarizeLatency(h), { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
    assert.deepEqual(percentileCurve(h), []);
  });

  it('counts negative latencies (clock skew) as zero instead of failing', () => {
    const h = newLatencyHistogram();
    recordLatencyNs(h, -5_000n);
    assert.equal(summarizeLatency(h).count, 1);
  });

  it('survives the base64 round trip used between worker threads, and merges', () => {
    const a = newLatencyHistogram();
    const b = newLatencyHistogram();
    for (let i = 0; i < 100; i++) recordLatencyNs(a, 2_000_000);
    for (let i = 0; i < 100; i++) recordLatencyNs(b, 8_000_000);
    const merged = decodeHistogram(encodeHistogram(a));
    merged.add(decodeHistogram(encodeHistogram(b)));
    const s = summarizeLatency(merged);
    assert.equal(s.count, 200);
    assert.ok(Math.abs(s.p50Ms - 2) < 0.01);
    assert.ok(Math.abs(s.p99Ms - 8) < 0.01);
  });

  it('draws the curve at every chart percentile, non-decreasing', () => {
    const h = newLatencyHistogram();
    for (let i = 1; i <= 10_000; i++) recordLatencyNs(h, i * 1000);
    const curve = percentileCurve(h);
    assert.deepEqual(curve.map((p) => p.percentile), CHART_PERCENTILES);
    for (let i = 1; i < curve.length; i++) assert.ok(curve[i]!.valueMs >= curve[i - 1]!.valueMs);
  });
});
