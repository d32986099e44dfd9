// Broker settings: embedded defaults, overridden layer by layer, each bad value refused by name.
import assert from 'node:assert/strict';
import { DEFAULT_BROKER_CONFIG, resolveBrokerConfig } from '../../src/broker/config';

describe('broker config', function () {
  it('takes producerIdExpirationMs (default one day) and refuses one shorter than a minute or not an integer, naming it', () => {
    assert.equal(resolveBrokerConfig({}).producerIdExpirationMs, 24 * 60 * 60 * 1000);
    assert.equal(resolveBrokerConfig({ producerIdExpirationMs: 3_600_000 }).producerIdExpirationMs, 3_600_000);
    assert.throws(() => resolveBrokerConfig({ producerIdExpirationMs: 1000 }), /^Error: producerIdExpirationMs 1000 is invalid: use an integer number of milliseconds of at least 60000 \(1 minute: a shorter one forgets producers while their retries may still be under way\); the default is 86400000 \(1 day\)/);
    assert.throws(() => resolveBrokerConfig({ producerIdExpirationMs: 90_000.5 }), /producerIdExpirationMs 90000.5 is invalid/);
  });

  it('takes raftEntryCacheBytes from a later layer and refuses one below 1 MiB, naming it', () => {
    assert.equal(resolveBrokerConfig({}).raftEntryCacheBytes, DEFAULT_BROKER_CONFIG.raftEntryCacheBytes);
    assert.equal(resolveBrokerConfig({ raftEntryCacheBytes: 8 << 20 }, { nodeId: 2 }).raftEntryCacheBytes, 8 << 20);
    assert.throws(() => resolveBrokerConfig({ raftEntryCacheBytes: 1000 }), /^Error: raftEntryCacheBytes 1000 is invalid: use an integer of at least 1048576 \(1 MiB\)$/);
    assert.throws(() => resolveBrokerConfig({ raftEntryCacheBytes: 2_000_000.5 }), /raftEntryCacheBytes 2000000.5 is invalid/);
  });

  it('takes httpIdleTimeoutMs (default 30 s) and refuses one outside [100 ms, 1 h] or not an integer, naming it', () => {
    assert.equal(resolveBrokerConfig({}).httpIdleTimeoutMs, 30_000);
    assert.equal(resolveBrokerConfig({ httpIdleTimeoutMs: 5000 }).httpIdleTimeoutMs, 5000);
    assert.throws(() => resolveBrokerConfig({ httpIdleTimeoutMs: 0 }), /^Error: httpIdleTimeoutMs 0 is invalid: use an integer number of milliseconds in \[100, 3600000\]; the default is 30000$/);
    assert.throws(() => resolveBrokerConfig({ httpIdleTimeoutMs: 4_000_000 }), /httpIdleTimeoutMs 4000000 is invalid/);
    assert.throws(() => resolveBrokerConfig({ httpIdleTimeoutMs: 1000.5 }), /httpIdleTimeoutMs 1000.5 is invalid/);
  });
});
