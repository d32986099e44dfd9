// Starts an in-process broker on ephemeral loopback ports in a fresh temp dir, plus raw gRPC
// clients over the public proto (what any other-language client would use).
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '../../src/broker/broker';
import { resolveBrokerConfig, type BrokerConfigFile } from '../../src/broker/config';
import { publicProtoRoot } from '../../src/protocol/proto-root';
import { serviceDefinition, type ServiceName } from '../../src/protocol/services';

export type Rpc = (method: string, request: object, timeoutMs?: number) => Promise<any>;

export interface BrokerFixture {
  readonly broker: RunningBroker;
  readonly dataDir: string;
  readonly address: string;
  readonly data: Rpc;
  readonly admin: Rpc;
  readonly groups: Rpc;
  readonly clients: grpc.Client[];
  /** Stops the broker (graceful) and starts a new one on the same data dir. */
  restart(): Promise<BrokerFixture>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export function rawClient(address: string, service: ServiceName): { client: grpc.Client; call: Rpc } {
  const Client = grpc.makeGenericClientConstructor(serviceDefinition(publicProtoRoot(), service), service);
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, Function>;
  const call: Rpc = (method, request, timeoutMs) =>
    new Promise((resolve, reject) => {
      const options = timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
      (client as any)[method](request, options, (error: grpc.ServiceError | null, response: unknown) => (error ? reject(error) : resolve(response)));
    });
  return { client, call };
}

export async function startBrokerFixture(overrides: BrokerConfigFile = {}, dataDir = mkdtempSync(join(tmpdir(), 'sluice-broker-'))): Promise<BrokerFixture> {
  const config = resolveBrokerConfig({ dataDir, grpcPort: 0, httpPort: 0, retentionCheckIntervalMs: 3_600_000, ...overrides });
  const broker = await startBroker(config);
  const address = `127.0.0.1:${broker.grpcPort}`;
  const data = rawClient(address, 'sluice.v1.Data');
  const admin = rawClient(address, 'sluice.v1.Admin');
  const groups = rawClient(address, 'sluice.v1.Groups');
  const clients = [data.client, admin.client, groups.client];
  const close = async (options?: { keepData?: boolean }): Promise<void> => {
    for (const client of clients) client.close();
    await broker.stop();
    if (!options?.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    broker,
    dataDir,
    address,
    data: data.call,
    admin: admin.call,
    groups: groups.call,
    clients,
    close,
    restart: async () => {
      await close({ keepData: true });
      return startBrokerFixture(overrides, dataDir);
    },
  };
}

const RecordBatchType = () => publicProtoRoot().lookupType('sluice.v1.RecordBatch');

/** Encodes a RecordBatch with the stock protobufjs encoder (as a client in any language would). */
export function encodeBatch(values: string[], options: { producerId?: number; producerEpoch?: number; baseSequence?: number; timestampMs?: number } = {}): Buffer {
  const ts = options.timestampMs ?? Date.now();
  const type = RecordBatchType();
  return Buffer.from(
    type
      .encode(
        type.fromObject({
          baseTimestampMs: ts,
          maxTimestampMs: ts,
          producerId: options.producerId ?? 0,
          producerEpoch: options.producerEpoch ?? 0,
          baseSequence: options.baseSequence ?? 0,
          records: values.map((v) => ({ value: Buffer.from(v) })),
        }),
      )
      .finish(),
  );
}

/** Decoded values of every record in a Fetch response partition, with offsets. */
/** A sample's value from the broker's /metrics (`labels` as written there, e.g. `method="subscribe"`); 0 when absent. */
export async function brokerMetric(fx: BrokerFixture, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${fx.broker.httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export function recordsOf(partitionResult: any): { offset: number; value: string }[] {
  const out: { offset: number; value: string }[] = [];
  for (const fetched of partitionResult.batches) {
    fetched.batch.records.forEach((record: any, i: number) => out.push({ offset: fetched.baseOffset + i, value: Buffer.from(record.value).toString() }));
  }
  return out;
}
