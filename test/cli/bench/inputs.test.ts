import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTarget } from '../../../src/cli/bench/command';
import { openDriver, withPeerDrivers } from '../../../src/cli/bench/drivers/open-driver';
import { parseBytes, parseDurationMs, positiveBytes, parseRecordSize } from '../../../src/cli/bench/command-support';
import { fnv1a, KeyChooser } from '../../../src/cli/bench/keys';
import { summarizeCpuProfile } from '../../../src/cli/bench/profile-summary';
import { recordWindow } from '../../../src/cli/bench/result';
import { compareSuite, resolveStep } from '../../../src/cli/bench/suites';
import { DEFAULT_SPEC } from '../../../src/cli/bench/suites';
import { partitionsOf, readStamp, shareOf, stampRecord } from '../../../src/cli/bench/worker-protocol';
import { sluice } from '../run-cli';

describe('bench inputs and plans', () => {
  it('parses sizes and durations', () => {
    assert.equal(parseBytes('100'), 100);
    assert.equal(parseBytes('1KB'), 1024);
    assert.equal(parseBytes('4MiB'), 4 * 1024 * 1024);
    assert.equal(parseBytes('1GB'), 1024 ** 3);
    assert.throws(() => parseBytes('lots'), /size 'lots' is invalid/);
    assert.equal(parseDurationMs('30s'), 30_000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('2m'), 120_000);
  });

  it('refuses a record size that cannot carry the send time', () => {
    assert.equal(parseRecordSize('8'), 8);
    assert.equal(parseRecordSize('1KB'), 1024);
    assert.throws(() => parseRecordSize('4'), /record size 4 is too small: the first 8 bytes of each record carry its send time/);
  });

  it('bounds a producer by records or by bytes, whichever allows fewer', () => {
    assert.equal(recordWindow({ maxInFlight: 20_000, maxInFlightBytes: 2_000_000, recordBytes: 100 }), 20_000);
    assert.equal(recordWindow({ maxInFlight: 20_000, maxInFlightBytes: 2_000_000, recordBytes: 1024 }), 1953);
    assert.equal(recordWindow({ maxInFlight: 50, maxInFlightBytes: 2_000_000, recordBytes: 1024 }), 50);
    assert.equal(recordWindow({ maxInFlight: 20_000, maxInFlightBytes: 100, recordBytes: 1024 }), 1, 'a record larger than the byte window still goes, alone');
    assert.equal(recordWindow({ maxInFlight: 20_000, recordBytes: 1024 }), 20_000, 'a report from before the byte window');
    const steps = compareSuite(DEFAULT_SPEC, { countScale: 1, endToEndSeconds: 10 });
    const windowOf = (name: string): number => recordWindow(steps.find((step) => step.name === name)!.spec);
    assert.equal(windowOf('produce-100B'), 20_000);
    assert.equal(windowOf('produce-1KB'), 1953);
    assert.equal(positiveBytes('max in flight bytes')('2MB'), 2 * 1024 * 1024);
    assert.throws(() => positiveBytes('max in flight bytes')('0'), /max in flight bytes '0' is invalid: use a size of at least 1 byte/);
  });

  it('bench-compare.sh refuses a system it does not know before starting anything', () => {
    const script = join(__dirname, '../../../../scripts/bench-compare.sh');
    const run = spawnSync('bash', [script], { env: { ...process.env, BENCH_SYSTEMS: 'sluice kafka' }, encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /BENCH_SYSTEMS names 'kafka', which is not one of: sluice sluice-interval/);
    assert.doesNotMatch(run.stderr, /started|work dir/);
  });

  it('refuses a suite scale of zero (it would have run 1,000 records per step unasked)', async () => {
    const run = await sluice(['bench', 'suite', '--scale', '0']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /scale '0' is invalid: use a number > 0/);
  });

  it('says which file is wrong when chart or profile-summary cannot use it, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-inputs-'));
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'not json\n');
    const notProfile = join(dir, 'report.json');
    writeFileSync(notProfile, JSON.stringify({ results: [] }));
    const cases: [string[], RegExp][] = [
      [['bench', 'chart', join(dir, 'missing.json'), join(dir, 'out.svg')], /^bench: cannot read the results file .*missing\.json: ENOENT: no such file or directory\n$/],
      [['bench', 'chart', notJson, join(dir, 'out.svg')], /^bench: the results file .*notes\.txt is not JSON: /],
      [['bench', 'profile-summary', notJson], /^bench: the CPU profile .*notes\.txt is not JSON: /],
      [['bench', 'profile-summary', notProfile], /^bench: .*report\.json is not a V8 CPU profile/],
    ];
    for (const [args, expected] of cases) {
      const run = await sluice(args);
      assert.equal(run.code, 1, `${args.join(' ')}: exit code`);
      assert.match(run.stderr, expected);
      assert.equal(run.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line, no stack: ${run.stderr}`);
    }
  });

  it("reports a worker's foreseen failure (no broker) in one line, without its stack", async () => {
    const run = await sluice(['bench', 'consume', '--topic', 'absent', '--brokers', '127.0.0.1:1', '--no-progress']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^bench: sluice consume failed: consumer 0: consumer could not start: .*127\.0\.0\.1:1 is unavailable/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, `no stack trace: ${run.stderr}`);
  });

  it('parses comparison targets, replicas from the system suffix', () => {
    assert.deepEqual(parseTarget('redis-always|redis|127.0.0.1:6380|AOF always'), {
      label: 'redis-always', driver: { system: 'redis', host: '127.0.0.1', port: 6380 }, durability: 'AOF always',
    });
    assert.deepEqual(parseTarget('nats-r3|nats-r3|127.0.0.1:1,127.0.0.1:2|x').driver, { system: 'nats', servers: ['127.0.0.1:1', '127.0.0.1:2'], replicas: 3 });
    assert.throws(() => parseTarget('kafka|kafka|127.0.0.1:9092|x'), /unknown system 'kafka'/);
  });

  it("loads a peer's driver only from the module --peer-drivers names (sluice does not carry peer clients)", async () => {
    const redis = parseTarget('r|redis|127.0.0.1:1|x').driver;
    assert.throws(() => withPeerDrivers(redis, undefined), /system 'redis' is a peer of the comparison, whose driver is not part of sluice: pass --peer-drivers dist\/scripts\/bench-compare\/peer-drivers.js/);
    await assert.rejects(openDriver(redis), /pass --peer-drivers/);
    const sluice = parseTarget('s|sluice|127.0.0.1:1|x').driver;
    assert.equal(withPeerDrivers(sluice, undefined), sluice);
    const withModule = withPeerDrivers(redis, 'some/module.js');
    assert.equal(withModule.system === 'redis' && withModule.driverModule, join(process.cwd(), 'some/module.js'));
    const notADriverModule = withPeerDrivers(redis, join(__dirname, 'inputs.test.js'));
    await assert.rejects(openDriver(notADriverModule), /does not export openPeerDriver\(config\)/);
  });

  it('parses the topic configs of a Sluice target and refuses them elsewhere', () => {
    assert.deepEqual(parseTarget('sluice-rf3-interval|sluice-rf3|127.0.0.1:1|written|flush.policy=interval,flush.interval.ms=1000').driver, {
      system: 'sluice', brokers: ['127.0.0.1:1'], replicationFactor: 3, topicConfigs: { 'flush.policy': 'interval', 'flush.interval.ms': '1000' },
    });
    assert.throws(() => parseTarget('s|sluice|127.0.0.1:1|x|flush.policy'), /topic config 'flush.policy' is not key=value/);
    assert.throws(() => parseTarget('r|redis|127.0.0.1:1|x|a=b'), /topic configs are for Sluice targets only/);
  });

  it("parses a Sluice target's broker HTTP addresses (with or without topic configs) and refuses them elsewhere", () => {
    assert.deepEqual(parseTarget('sluice|sluice|127.0.0.1:1|fsync||127.0.0.1:8, 127.0.0.1:9').metricsAddresses, ['127.0.0.1:8', '127.0.0.1:9']);
    assert.equal(parseTarget('sluice|sluice|127.0.0.1:1|fsync|flush.policy=interval').metricsAddresses, undefined);
    assert.throws(() => parseTarget('j|nats|127.0.0.1:1|x||127.0.0.1:8'), /broker HTTP addresses are for Sluice targets only/);
    assert.throws(() => parseTarget('s|sluice|127.0.0.1:1|x||127.0.0.1:8|more'), /too many fields/);
  });

  it('routes keys deterministically: round-robin without keys, by key hash with keys', () => {
    const none = new KeyChooser('none', 3);
    assert.deepEqual([0, 1, 2, 3].map(() => none.choose().partition), [0, 1, 2, 0]);
    const a = new KeyChooser('uniform', 8, 1000, 7);
    const b = new KeyChooser('uniform', 8, 1000, 7);
    for (let i = 0; i < 100; i++) {
      const r = a.choose();
      assert.deepEqual(r, b.choose());
      assert.equal(r.partition, fnv1a(r.key!) % 8);
    }
  });

  it('makes the skewed distribution concentrate on hot keys', () => {
    const chooser = new KeyChooser('skewed', 4, 1000, 3);
    let hottest = 0;
    for (let i = 0; i < 10_000; i++) if (chooser.choose().key === 'k0') hottest++;
    assert.ok(hottest > 1000, `k0 drawn ${hottest} times of 10000`); // uniform would give ~10
  });

  it('splits records among producers and partitions among consumers', () => {
    assert.deepEqual([0, 1, 2].map((i) => shareOf(10, 3, i)), [4, 3, 3]);
    assert.equal(shareOf(Infinity, 2, 0), Infinity);
    assert.deepEqual(partitionsOf(5, 2, 0), [0, 2, 4]);
    assert.deepEqual(partitionsOf(5, 2, 1), [1, 3]);
  });

  it('stamps the send time into the first 8 bytes of a record', () => {
    const value = Buffer.alloc(100);
    stampRecord(value, 123_456_789_012_345);
    assert.equal(readStamp(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)), 123_456_789_012_345);
    assert.equal(value.readBigUInt64BE(0), 123_456_789_012_345n, 'the stamp is a big-endian unsigned 64-bit integer');
  });

  it('paces the 50% step at half the rate its system reached in the produce step', () => {
    const scale = { countScale: 1, endToEndSeconds: 10 };
    const step = compareSuite(DEFAULT_SPEC, scale).find((s) => s.rateFractionOf)!;
    const spec = resolveStep(step, (name) => (name === 'produce-100B' ? 80_000 : null), scale);
    assert.equal(spec.ratePerSecond, 40_000);
    assert.equal(spec.count, 400_000);
  });

  it('summarizes a CPU profile by self time', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9, columnNumber: 0, scriptId: '1' });
    const profile = {
      startTime: 0,
      endTime: 4000,
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3] },
        { id: 2, callFrame: frame('appendBatch', 'file:///work/main/dist/src/storage/segment.js'), children: [] },
        { id: 3, callFrame: frame('writeSync', 'node:fs'), children: [] },
      ],
      samples: [2, 2, 3, 2],
      timeDeltas: [0, 1000, 1000, 1000],
    };
    const rows = summarizeCpuProfile(profile);
    assert.equal(rows[0]!.functionName, 'appendBatch');
    assert.equal(rows[0]!.location, 'src/storage/segment.js:10');
    assert.equal(rows[0]!.selfPercent, 66.7);
    assert.equal(rows[0]!.busyPercent, 66.7); // no idle samples: busy time is all time
    assert.equal(rows[1]!.functionName, 'writeSync');
  });
});
