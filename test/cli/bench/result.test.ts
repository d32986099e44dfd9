import { strict as assert } from 'node:assert';
import { buildReport, rates, reportProblems, REPORT_SCHEMA_VERSION } from '../../../src/cli/bench/result';
import { ratioRows, formatCompareMarkdown } from '../../../src/cli/bench/compare-table';
import { formatResultsTable } from '../../../src/cli/bench/table';
import { fakeResult } from './fixtures';

describe('bench result JSON', () => {
  it('builds a report with host facts and the results, which survives JSON', () => {
    const report = JSON.parse(JSON.stringify(buildReport([fakeResult('sluice', 'produce-100B', 1000, 5)], new Date(0))));
    assert.equal(report.schemaVersion, REPORT_SCHEMA_VERSION);
    assert.equal(report.tool, 'sluice-bench');
    assert.equal(report.createdAt, '1970-01-01T00:00:00.000Z');
    assert.ok(report.host.cpus >= 1);
    assert.equal(typeof report.host.node, 'string');
    assert.equal(report.results.length, 1);
    assert.deepEqual(Object.keys(report.results[0]).sort(), [
      'ackLatency', 'bytes', 'durability', 'elapsedMs', 'errors', 'latency', 'mbPerSec', 'missing', 'name', 'notes', 'records',
      'recordsPerSec', 'spec', 'startedAt', 'system', 'timeline',
    ]);
    assert.deepEqual(reportProblems(report), []);
  });

  it('names what is wrong in a malformed report', () => {
    const broken = JSON.parse(JSON.stringify(buildReport([fakeResult('sluice', 'p', 1000, 5)])));
    broken.results[0].recordsPerSec = 'fast';
    delete broken.results[0].timeline;
    broken.schemaVersion = 99;
    const problems = reportProblems(broken);
    assert.ok(problems.some((p) => p.includes('schemaVersion is 99')));
    assert.ok(problems.some((p) => p.includes('results[0].recordsPerSec is not a finite number')));
    assert.ok(problems.some((p) => p.includes('results[0].timeline is not an array')));
    assert.deepEqual(reportProblems(null), ['report is not an object']);
  });

  it('computes records/s and MB/s (10^6 bytes) from counts and time', () => {
    assert.deepEqual(rates(50_000, 5_000_000, 500), { recordsPerSec: 100_000, mbPerSec: 10 });
    assert.deepEqual(rates(10, 10, 0), { recordsPerSec: 0, mbPerSec: 0 });
  });

  it('computes baseline/peer ratios, none for the baseline itself or for runs that did not happen', () => {
    const results = [
      fakeResult('sluice', 'produce-100B', 50_000, 10),
      fakeResult('redis', 'produce-100B', 100_000, 5),
      { ...fakeResult('nats', 'produce-100B', 0, null), records: 0 },
    ];
    const rows = ratioRows(results, 'sluice');
    assert.equal(rows[0]!.throughputRatio, null);
    assert.equal(rows[1]!.throughputRatio, 0.5);
    assert.equal(rows[1]!.p99Ratio, 2);
    assert.equal(rows[2]!.throughputRatio, null);
    const markdown = formatCompareMarkdown(results, 'sluice');
    assert.match(markdown, /\| produce-100B \| redis \| 100000 \|/);
    const paced = { ...fakeResult('sluice', 'e2e', 8000, 3), spec: { ...results[0]!.spec, ratePerSecond: 10_000 } };
    assert.equal(ratioRows([paced], 'sluice')[0]!.note, 'paced at 10000/s, fell behind');
  });

  it('compares replicated peers with the replicated baseline and the rest with the single broker', () => {
    const results = [
      fakeResult('sluice', 'produce-100B', 300_000, 10),
      fakeResult('jetstream', 'produce-100B', 150_000, 20),
      fakeResult('jetstream-r3', 'produce-100B', 50_000, 40),
      fakeResult('sluice-rf3', 'produce-100B', 150_000, 20),
    ];
    const rows = ratioRows(results, { single: 'sluice', replicated: 'sluice-rf3' });
    assert.deepEqual(rows.map((r) => [r.system, r.comparedWith, r.throughputRatio, r.p99Ratio]), [
      ['sluice', null, null, null],
      ['jetstream', 'sluice', 2, 0.5],
      ['jetstream-r3', 'sluice-rf3', 3, 0.5],
      ['sluice-rf3', null, null, null],
    ]);
    assert.match(formatCompareMarkdown(results, { single: 'sluice', replicated: 'sluice-rf3' }), /\| produce-100B \| jetstream-r3 \| 50000 \|.*\| 3\.00 \| 0\.50 \| ratios vs sluice-rf3 \|/);
    // Without the replicated baseline in the run, every peer is compared with the single broker.
    const withoutRf3 = ratioRows(results.slice(0, 3), { single: 'sluice', replicated: 'sluice-rf3' });
    assert.deepEqual(withoutRf3.map((r) => r.throughputRatio), [null, 2, 6]);
  });

  it('compares a peer named in byPeer with its own baseline (of equal durability), falling back when that one did not run', () => {
    const results = [
      fakeResult('sluice', 'produce-100B', 300_000, 10),
      fakeResult('sluice-interval', 'produce-100B', 600_000, 5),
      fakeResult('jetstream', 'produce-100B', 150_000, 20),
      fakeResult('redis-always', 'produce-100B', 100_000, 40),
    ];
    const baselines = { single: 'sluice', byPeer: { jetstream: 'sluice-interval' } };
    assert.deepEqual(ratioRows(results, baselines).map((r) => [r.system, r.comparedWith, r.throughputRatio, r.p99Ratio]), [
      ['sluice', null, null, null],
      ['sluice-interval', null, null, null],
      ['jetstream', 'sluice-interval', 4, 0.25],
      ['redis-always', 'sluice', 3, 0.25],
    ]);
    assert.match(formatCompareMarkdown(results, baselines), /\| jetstream \|.*ratios vs sluice-interval \|/);
    const withoutOwn = ratioRows([results[0]!, results[2]!], baselines);
    assert.deepEqual(withoutOwn.map((r) => [r.system, r.comparedWith, r.throughputRatio]), [['sluice', null, null], ['jetstream', 'sluice', 2]]);
  });

  it('prints a summary table with one row per run', () => {
    const table = formatResultsTable([fakeResult('sluice', 'produce-100B', 1000, 5), fakeResult('sluice', 'consume-100B', 2000, null)]);
    const lines = table.split('\n');
    assert.match(lines[0]!, /^system\s+run\s+records\s+rec\/s/);
    assert.equal(lines.length, 5);
    assert.match(lines[3]!, /consume-100B/);
    assert.equal(lines[4], '(unpaced: each producer kept up to 20000 records unacknowledged (--max-in-flight, --max-in-flight-bytes); such a latency is mostly that window over the rate)');
  });

  it('names the window of each unpaced record size under the table', () => {
    const small = fakeResult('sluice', 'produce-100B', 1000, 5);
    const large = { ...fakeResult('sluice', 'produce-1KB', 1000, 5), spec: { ...small.spec, recordBytes: 1024 } };
    assert.match(formatResultsTable([small, large]), /kept up to 20000 \/ 1953 records unacknowledged/);
  });
});
