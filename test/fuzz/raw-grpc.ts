// Sends bodies as they are: a grpc-js client whose serializers are the identity, so malformed
// bytes reach the broker's deserializer. Every call ends with a gRPC status, recorded by name;
// calls are bounded by a deadline and by how many answers are read.
import * as grpc from '@grpc/grpc-js';

const identity = (bytes: Buffer): Buffer => bytes;
const STATUS_NAMES = new Map<number, string>(Object.entries(grpc.status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]));

export function statusName(code: number): string {
  return STATUS_NAMES.get(code) ?? `STATUS_${code}`;
}

/** A channel to one broker; the fuzzer reads large answers (a 64 MiB Fetch) rather than failing them. */
export function rawChannel(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 128 * 1024 * 1024,
    'grpc.max_send_message_length': -1,
  });
}

export interface CallOutcome {
  readonly status: string;
  /** Answers received (stream calls may get several). */
  readonly answers: number;
  readonly details: string;
}

/** One unary call; resolves with its status, never rejects. */
export function unaryCall(client: grpc.Client, path: string, body: Buffer, timeoutMs: number): Promise<CallOutcome & { answer?: Buffer }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, identity, body, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, answer) => {
      if (error) resolve({ status: statusName(error.code), answers: 0, details: error.details });
      else resolve({ status: 'OK', answers: 1, details: '', ...(answer ? { answer } : {}) });
    });
  });
}

/**
 * A call with request and/or response streams: writes `bodies` (one for a server stream), reads
 * at most `maxAnswers` answers, then cancels; the deadline ends it in any case.
 */
export function streamCall(client: grpc.Client, method: { path: string; requestStream: boolean }, bodies: readonly Buffer[], options: { timeoutMs: number; maxAnswers: number; endWrites: boolean }): Promise<CallOutcome> {
  return new Promise((resolve) => {
    const deadline = Date.now() + options.timeoutMs;
    let answers = 0;
    let done = false;
    const call = method.requestStream
      ? client.makeBidiStreamRequest(method.path, identity, identity, new grpc.Metadata(), { deadline })
      : client.makeServerStreamRequest(method.path, identity, identity, bodies[0] ?? Buffer.alloc(0), new grpc.Metadata(), { deadline });
    const finish = (status: string, details: string): void => {
      if (done) return;
      done = true;
      resolve({ status, answers, details });
    };
    call.on('data', () => {
      answers++;
      if (answers >= options.maxAnswers) {
        call.cancel();
        // Reading stopped by the fuzzer: the broker answered as far as it was asked to.
        finish('OK', `cancelled after ${answers} answers`);
      }
    });
    call.on('error', (error: grpc.ServiceError) => finish(statusName(error.code), error.details));
    call.on('status', (status: grpc.StatusObject) => finish(statusName(status.code), status.details));
    call.on('end', () => finish('OK', ''));
    if (method.requestStream) {
      const writable = call as grpc.ClientDuplexStream<Buffer, Buffer>;
      for (const body of bodies) writable.write(body);
      if (options.endWrites) writable.end();
    }
  });
}
