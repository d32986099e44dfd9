// Abusive stream patterns, each bounded in streams and time: many Subscribe streams that never
// read, ProduceStream writers that never read their answers, streams abandoned by closing the
// channel, many health Watch streams. What counts is what the broker does meanwhile (memory,
// descriptors) and that it serves the canary afterwards.
import * as grpc from '@grpc/grpc-js';
import { brokerProtoRoot } from '../../src/protocol/proto-root';
import type { FuzzRandom } from './fuzz-random';
import { rawChannel } from './raw-grpc';
import { WIRE, WireWriter } from './wire-writer';

export type StreamPattern = 'subscribe-not-reading' | 'produce-stream-not-reading' | 'abandoned-streams' | 'health-watch-many';
export const STREAM_PATTERNS: readonly StreamPattern[] = ['subscribe-not-reading', 'produce-stream-not-reading', 'abandoned-streams', 'health-watch-many'];

const identity = (bytes: Buffer): Buffer => bytes;
const MAX_STREAMS = 32;
const HOLD_MS = 2000;

function encode(type: string, value: object): Buffer {
  const t = brokerProtoRoot().lookupType(type);
  return Buffer.from(t.encode(t.fromObject(value)).finish());
}

function produceRequest(topic: string, random: FuzzRandom, valueBytes: number): Buffer {
  const batchType = brokerProtoRoot().lookupType('sluice.v1.RecordBatch');
  const now = Date.now();
  const batch = batchType.encode(batchType.fromObject({ baseTimestampMs: now, maxTimestampMs: now, records: [{ value: random.bytes(valueBytes) }] })).finish();
  return encode('sluice.v1.ProduceRequest', { acks: 1, timeoutMs: 5000, partitions: [{ topic, partition: 0, batch }] });
}

/** grpc.health.v1.HealthCheckRequest { string service = 1 }. */
function healthCheckRequest(service: string): Buffer {
  return new WireWriter().tag(1, WIRE.bytes).lengthDelimited(Buffer.from(service)).finish();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one pattern against `address` for about HOLD_MS and cleans up (channels closed).
 * `readTopic` is a topic with data to subscribe to (the canary), `writeTopic` one the fuzzer may
 * write to. Returns how many streams it opened.
 */
export async function abuseStreams(address: string, pattern: StreamPattern, random: FuzzRandom, topics: { readTopic: string; writeTopic: string }): Promise<number> {
  const channel = rawChannel(address);
  const streams = 1 + random.int(MAX_STREAMS);
  const calls: grpc.ClientReadableStream<Buffer>[] = [];
  const deadline = Date.now() + HOLD_MS + 3000;
  const quiet = (call: grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>): void => {
    call.on('error', () => undefined);
  };
  try {
    switch (pattern) {
      case 'subscribe-not-reading': {
        // No 'data' listener: the stream is never read, so only HTTP/2 flow control holds the broker back.
        const body = encode('sluice.v1.SubscribeRequest', { partitions: [0, 1, 2].map((p) => ({ topic: topics.readTopic, partition: p, offset: 0 })), maxBytes: 64 * 1024 * 1024 });
        for (let i = 0; i < streams; i++) {
          const call = channel.makeServerStreamRequest('/sluice.v1.Data/Subscribe', identity, identity, body, new grpc.Metadata(), { deadline });
          quiet(call);
          calls.push(call);
        }
        break;
      }
      case 'produce-stream-not-reading': {
        const call = channel.makeBidiStreamRequest('/sluice.v1.Data/ProduceStream', identity, identity, new grpc.Metadata(), { deadline });
        quiet(call);
        calls.push(call);
        const request = produceRequest(topics.writeTopic, random, 64 * 1024);
        for (let i = 0; i < streams * 8; i++) call.write(request);
        break;
      }
      case 'abandoned-streams': {
        for (let i = 0; i < streams; i++) {
          const call = channel.makeBidiStreamRequest('/sluice.v1.Data/ProduceStream', identity, identity, new grpc.Metadata(), { deadline });
          quiet(call);
          call.write(produceRequest(topics.writeTopic, random, 100));
          calls.push(call);
        }
        // The channel goes away under open streams (a client process that died).
        await sleep(200);
        channel.close();
        return streams;
      }
      case 'health-watch-many': {
        for (let i = 0; i < streams; i++) {
          const service = random.pick(['', 'sluice.v1.Data', `fuzz-${random.int(1000)}`, 'x'.repeat(64 * 1024)]);
          const call = channel.makeServerStreamRequest('/grpc.health.v1.Health/Watch', identity, identity, healthCheckRequest(service), new grpc.Metadata(), { deadline });
          quiet(call);
          calls.push(call);
        }
        break;
      }
    }
    await sleep(HOLD_MS);
    return streams;
  } finally {
    for (const call of calls) call.cancel();
    channel.close();
  }
}
