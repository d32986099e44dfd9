import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

const get = async (port: number, path: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
};

describe('broker HTTP endpoints, health checking and reflection', () => {
  let fx: BrokerFixture;
  before(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'm' }] });
    await fx.data('produce', { partitions: [{ topic: 'm', partition: 0, batch: { records: [{ value: Buffer.from('x') }, { value: Buffer.from('y') }] } }] });
  });
  after(async () => fx.close());

  it('serves Prometheus metrics with produce counters and per-partition offsets', async () => {
    const { status, body } = await get(fx.broker.httpPort, '/metrics');
    assert.equal(status, 200);
    assert.match(body, /sluice_produce_records_total\{topic="m"\} 2/);
    assert.match(body, /sluice_log_end_offset\{topic="m",partition="0"\} 2/);
    assert.match(body, /sluice_produce_latency_seconds_bucket/);
    // Node's process metrics under one prefix, as prom-client names them (not sluice_process_process_…).
    assert.match(body, /^sluice_process_cpu_user_seconds_total \d/m);
    assert.match(body, /^sluice_nodejs_heap_size_used_bytes \d/m);
    assert.doesNotMatch(body, /sluice_process_process_|sluice_process_nodejs_/);
  });

  it('answers /healthz, /readyz, the console and topics JSON', async () => {
    assert.equal((await get(fx.broker.httpPort, '/healthz')).status, 200);
    assert.equal((await get(fx.broker.httpPort, '/readyz')).status, 200);
    assert.match((await get(fx.broker.httpPort, '/')).body, /<td>m<\/td><td>1<\/td><td>2<\/td>/);
    const topics = JSON.parse((await get(fx.broker.httpPort, '/api/topics')).body);
    assert.equal(topics.find((t: any) => t.name === 'm').partitions[0].highWatermark, 2);
    assert.equal((await get(fx.broker.httpPort, '/nope')).status, 404);
  });

  it('answers gRPC health checks', async () => {
    const { service } = require('grpc-health-check');
    const Client = grpc.makeGenericClientConstructor(service, 'Health');
    const client = new Client(fx.address, grpc.credentials.createInsecure()) as any;
    const response = await new Promise<any>((resolve, reject) => client.check({ service: 'sluice.v1.Data' }, (e: Error | null, r: any) => (e ? reject(e) : resolve(r))));
    client.close();
    assert.equal(response.status, 'SERVING');
  });

  it('lists its services through server reflection', async () => {
    const protoLoader = require('@grpc/proto-loader');
    const path = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto');
    const definition = protoLoader.loadSync(path, { keepCase: true });
    const proto = grpc.loadPackageDefinition(definition) as any;
    const client = new proto.grpc.reflection.v1alpha.ServerReflection(fx.address, grpc.credentials.createInsecure());
    const call = client.ServerReflectionInfo();
    const reply = await new Promise<any>((resolve, reject) => {
      call.on('data', resolve);
      call.on('error', reject);
      call.write({ list_services: '' });
    });
    call.end();
    client.close();
    const names = reply.list_services_response.service.map((s: any) => s.name);
    for (const name of ['sluice.v1.Data', 'sluice.v1.Groups', 'sluice.v1.Admin']) assert.ok(names.includes(name), `${name} in ${names}`);
  });
});
