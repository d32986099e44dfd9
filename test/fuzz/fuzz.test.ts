// A short seeded fuzzing run against one broker process (docs/fuzzing.md): a few thousand
// malformed, extreme and abusive requests, then the canary read back byte for byte and the
// broker restarted with SIGTERM and with kill -9. The long run is `node dist/scripts/fuzz.js`.
import { strict as assert } from 'node:assert';
import { formatSummary } from './fuzz-report';
import { runFuzz, type FuzzSummary } from './fuzz-run';

describe('fuzzing one broker (short seeded run)', function () {
  this.timeout(180_000);
  let summary: FuzzSummary;

  before(async () => {
    const previousLevel = process.env['SLUICE_LOG_LEVEL'];
    process.env['SLUICE_LOG_LEVEL'] = 'error';
    try {
      summary = await runFuzz({
        requests: 3000,
        seed: 20261207,
        target: 'single',
        concurrency: 8,
        // Names of 245-249 characters cannot be deleted and block the next start (issue 28,
        // part B, open): kept out of the short run until topic ids land; the long run uses them.
        maxTopicNameChars: 200,
        log: () => undefined,
      });
    } finally {
      if (previousLevel === undefined) delete process.env['SLUICE_LOG_LEVEL'];
      else process.env['SLUICE_LOG_LEVEL'] = previousLevel;
    }
  });

  it('sends every kind of request, and bad input is refused with INVALID_ARGUMENT', () => {
    assert.equal(summary.requestsSent, 3000, formatSummary(summary));
    for (const kind of ['structured', 'mutated', 'random-bytes', 'http', 'h2-framing']) assert.ok((summary.requestsByKind[kind] ?? 0) > 0, `no ${kind} request sent`);
    assert.ok((summary.grpcStatus['INVALID_ARGUMENT'] ?? 0) > 0, formatSummary(summary));
  });

  it('never crashes the broker', () => {
    assert.deepEqual(summary.crashes, [], formatSummary(summary));
  });

  it('restarts after SIGTERM and after kill -9, serving the canary and taking a new acks=all write', () => {
    assert.deepEqual(summary.failedRestarts, [], formatSummary(summary));
  });

  it('keeps every canary batch byte for byte at its offset, before and after the restarts', () => {
    assert.ok(summary.canaryBatches > 0);
    assert.deepEqual(summary.canaryLosses, [], formatSummary(summary));
  });

  it('records the broker memory and descriptors', () => {
    assert.ok(summary.peakRssMiB > 0 && summary.peakDescriptors > 0, formatSummary(summary));
  });
});
