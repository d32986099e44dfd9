import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clusterBroker, ClusterFileError, loadClusterFile, parseClusterDefinition } from '../../src/metadata/cluster-file';

const REPO = resolve(__dirname, '../../..');
const broker = (id: number, extra: Record<string, unknown> = {}) => ({ id, host: '127.0.0.1', grpcPort: 19091 + id, httpPort: 19643 + id, ...extra });
const text = (value: unknown) => JSON.stringify(value);

function problem(value: unknown): string {
  try {
    parseClusterDefinition(typeof value === 'string' ? value : text(value), 'test.json');
  } catch (error) {
    assert.ok(error instanceof ClusterFileError);
    return error.message;
  }
  assert.fail('the definition was accepted');
}

describe('cluster file', () => {
  it('loads the shipped 3-node and 5-node definitions', () => {
    const three = loadClusterFile(join(REPO, 'cluster/three-node.json'));
    assert.equal(three.clusterId, 'sluice-3');
    assert.deepEqual(three.brokers.map((b) => [b.id, b.grpcPort, b.httpPort, b.rack]), [[1, 19092, 19644, 'a'], [2, 19093, 19645, 'b'], [3, 19094, 19646, 'c']]);
    const five = loadClusterFile(join(REPO, 'cluster/five-node.json'));
    assert.equal(five.brokers.length, 5);
    assert.deepEqual(five.brokers.map((b) => b.grpcPort), [29092, 29093, 29094, 29095, 29096]);
    assert.deepEqual(new Set(five.brokers.map((b) => b.rack)), new Set(['a', 'b', 'c']));
  });

  it('sorts brokers by id and defaults the rack to null', () => {
    const definition = parseClusterDefinition(text({ clusterId: 'c', brokers: [broker(2), broker(1, { rack: 'x' })] }));
    assert.deepEqual(definition.brokers.map((b) => [b.id, b.rack]), [[1, 'x'], [2, null]]);
  });

  it('says when the file is missing or not JSON', () => {
    assert.throws(() => loadClusterFile('/nonexistent/cluster.json'), /cannot read cluster file \/nonexistent\/cluster.json/);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
    writeFileSync(join(dir, 'bad.json'), '{ "clusterId": ');
    assert.throws(() => loadClusterFile(join(dir, 'bad.json')), /bad.json is not valid JSON/);
  });

  it('names missing and invalid fields', () => {
    assert.match(problem({ brokers: [broker(1)] }), /"clusterId" is missing/);
    assert.match(problem({ clusterId: 'c', brokers: [] }), /"brokers" must be a non-empty array/);
    const message = problem({ clusterId: 'c', brokers: [{ id: 0, grpcPort: 70000, httpPort: 'x' }] });
    assert.match(message, /brokers\[0\].id 0 is invalid: use an integer in \[1, 2147483647\]/);
    assert.match(message, /brokers\[0\].host is missing/);
    assert.match(message, /brokers\[0\].grpcPort 70000 is invalid: use an integer in 1..65535/);
    assert.match(message, /brokers\[0\].httpPort "x" is invalid/);
  });

  it('holds hosts and racks to the rule RegisterBroker applies', () => {
    assert.match(problem({ clusterId: 'c', brokers: [broker(1, { host: 'two words' })] }), /brokers\[0\].host "two words" is invalid: use a host name or an IP address/);
    assert.match(problem({ clusterId: 'c', brokers: [broker(1, { rack: 'rack/1' })] }), /brokers\[0\].rack "rack\/1" is invalid: use 1-64 characters from \[a-zA-Z0-9._-\], or leave it out/);
  });

  it('rejects unknown fields (a typo would otherwise be ignored)', () => {
    assert.match(problem({ clusterId: 'c', brokers: [broker(1, { grpc_port: 1 })] }), /unknown field "grpc_port"/);
  });

  it('rejects duplicate ids and ports', () => {
    assert.match(problem({ clusterId: 'c', brokers: [broker(1), { ...broker(1), grpcPort: 1, httpPort: 2 }] }), /broker id 1 appears 2 times/);
    assert.match(problem({ clusterId: 'c', brokers: [broker(1), { ...broker(2), grpcPort: 19092 }] }), /broker 2 grpcPort 127.0.0.1:19092 is already used by broker 1 grpcPort/);
    assert.match(problem({ clusterId: 'c', brokers: [broker(1), { ...broker(2), httpPort: 19092 }] }), /broker 2 httpPort 127.0.0.1:19092 is already used by broker 1 grpcPort/);
  });

  it('allows the same ports on different hosts', () => {
    const definition = parseClusterDefinition(text({ clusterId: 'c', brokers: [broker(1), { ...broker(1), id: 2, host: '10.0.0.2' }] }));
    assert.equal(definition.brokers.length, 2);
  });

  it('finds a broker by id or lists the valid ids', () => {
    const definition = parseClusterDefinition(text({ clusterId: 'c', brokers: [broker(1), broker(2)] }));
    assert.equal(clusterBroker(definition, 2).grpcPort, 19093);
    assert.throws(() => clusterBroker(definition, 7), /broker 7 is not in cluster 'c': its brokers are 1, 2/);
  });
});
