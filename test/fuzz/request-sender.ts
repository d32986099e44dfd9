// Builds request `index` of a run from its own seeded generator (so it can be rebuilt alone)
// and sends it: a gRPC body (structured, mutated or random bytes) to any method of any service,
// an abusive stream pattern, an HTTP port abuse, or raw HTTP/2 framing. Counts what was sent
// and what came back.
import { abuseFraming, FRAME_PATTERNS } from './h2-frames';
import { FuzzRandom } from './fuzz-random';
import { mutateBytes } from './byte-mutator';
import { abuseHttp, HTTP_PATTERNS } from './http-abuse';
import { MessageGenerator, type GeneratorContext } from './message-generator';
import { rpcCatalog, TOPIC_CHANGING_METHODS, type RpcMethod } from './rpc-catalog';
import { statusName, streamCall, unaryCall } from './raw-grpc';
import { abuseStreams, STREAM_PATTERNS } from './stream-abuse';
import type { Channels } from './canary';
import type { FuzzTarget } from './fuzz-targets';

export type RequestKind = 'structured' | 'mutated' | 'random-bytes' | 'http' | 'h2-framing' | 'stream-abuse';

const KIND_WEIGHTS: readonly (readonly [RequestKind, number])[] = [
  ['structured', 45],
  ['mutated', 30],
  ['random-bytes', 8],
  ['http', 9],
  ['h2-framing', 6],
  ['stream-abuse', 0.15],
];
const UNARY_TIMEOUT_MS = 3000;
const STREAM_TIMEOUT_MS = 1000;
/** Statuses that mean the broker did not say what was wrong: kept as examples. */
const UNEXPECTED = new Set(['INTERNAL', 'UNKNOWN', 'DATA_LOSS']);
const UNEXPECTED_KEPT = 10;

export interface SentRequest {
  /** `#index kind method/pattern size`, enough to find it again with the seed. */
  readonly description: string;
  /** The gRPC body sent, for gRPC requests (printed by `--replay`). */
  readonly body?: Buffer;
  send(): Promise<void>;
}

export class RequestCounts {
  sent = 0;
  streamsOpened = 0;
  readonly byKind: Record<string, number> = {};
  readonly grpcStatus: Record<string, number> = {};
  readonly httpOutcomes: Record<string, number> = {};
  readonly unexpected: { request: string; status: string; details: string }[] = [];
  /** Every unexpected answer counted by (status, method, start of the details): the kinds, not just the first examples. */
  readonly unexpectedKinds: Record<string, number> = {};
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export class RequestSender {
  readonly counts = new RequestCounts();
  private readonly generator: MessageGenerator;
  private readonly methods: readonly RpcMethod[];

  /** `skipMethods`: paths (`/sluice.v1.Admin/RegisterBroker`) never sent, to see past a known finding. */
  constructor(private readonly target: FuzzTarget, private readonly channels: Channels, private readonly context: GeneratorContext, skipMethods: ReadonlySet<string> = new Set()) {
    this.generator = new MessageGenerator(context);
    this.methods = rpcCatalog().filter((m) => !skipMethods.has(m.path));
  }

  prepare(seed: number, index: number): SentRequest {
    const random = FuzzRandom.forRequest(seed, index);
    const kind = random.weighted(KIND_WEIGHTS);
    const grpcAddress = random.pick(this.target.grpcAddresses());
    const count = (): void => {
      this.counts.sent++;
      bump(this.counts.byKind, kind);
    };
    switch (kind) {
      case 'http': {
        const port = random.pick(this.target.httpPorts());
        const pattern = random.pick(HTTP_PATTERNS);
        return {
          description: `#${index} http ${pattern}`,
          send: async () => {
            count();
            bump(this.counts.httpOutcomes, await abuseHttp(port, pattern, random));
          },
        };
      }
      case 'stream-abuse': {
        const pattern = random.pick(STREAM_PATTERNS);
        return {
          description: `#${index} stream-abuse ${pattern} on ${grpcAddress}`,
          send: async () => {
            count();
            this.counts.streamsOpened += await abuseStreams(grpcAddress, pattern, random, { readTopic: this.context.canaryTopic, writeTopic: 'fuzz-a' });
          },
        };
      }
      default:
        return this.grpcRequest(index, kind, random, grpcAddress, count);
    }
  }

  private body(kind: RequestKind, method: RpcMethod, random: FuzzRandom): { bytes: Buffer; note: string } {
    if (kind === 'random-bytes') {
      const bytes = random.bytes(random.weighted([[0, 1], [1, 2], [5, 2], [100, 3], [4096, 1]] as const));
      return { bytes, note: '' };
    }
    const structured = this.generator.generate(method.requestType, random, { canaryAllowed: !TOPIC_CHANGING_METHODS.has(method.path) });
    if (kind !== 'mutated') return { bytes: structured, note: '' };
    const mutated = mutateBytes(structured, random);
    return { bytes: mutated.bytes, note: ` ${mutated.mutations.join('+')}` };
  }

  private grpcRequest(index: number, kind: RequestKind, random: FuzzRandom, address: string, count: () => void): SentRequest {
    const method = random.pick(this.methods);
    const { bytes, note } = this.body(kind === 'h2-framing' ? 'structured' : kind, method, random);
    const description = `#${index} ${kind} ${method.path} ${bytes.length} B${note}`;
    const record = (status: string, details: string): void => {
      bump(this.counts.grpcStatus, status);
      if (UNEXPECTED.has(status)) bump(this.counts.unexpectedKinds, `${status} ${method.path}: ${details.slice(0, 80)}`);
      if (UNEXPECTED.has(status) && this.counts.unexpected.length < UNEXPECTED_KEPT) this.counts.unexpected.push({ request: description, status, details: details.slice(0, 300) });
    };
    if (kind === 'h2-framing') {
      const pattern = random.pick(FRAME_PATTERNS);
      const port = Number(address.split(':')[1]);
      return {
        description: `${description} ${pattern}`,
        body: bytes,
        send: async () => {
          count();
          const outcome = await abuseFraming(port, method.path, pattern, bytes, random);
          const status = /^grpc (\d+)$/.exec(outcome);
          const name = status ? statusName(Number(status[1])) : undefined;
          // A gzip-flagged body that does not inflate is INTERNAL by the gRPC spec ("could not
          // decompress, but compression algorithm supported": doc/statuscodes.md in grpc/grpc).
          if (name === 'INTERNAL' && pattern === 'unknown-encoding') bump(this.counts.grpcStatus, 'INTERNAL (undecompressible body, as the gRPC spec says)');
          else if (name) record(name, `h2 ${pattern}`);
          else bump(this.counts.grpcStatus, outcome);
        },
      };
    }
    return {
      description,
      body: bytes,
      send: async () => {
        count();
        const channel = this.channels.get(address);
        if (!method.requestStream && !method.responseStream) {
          const outcome = await unaryCall(channel, method.path, bytes, UNARY_TIMEOUT_MS);
          record(outcome.status, outcome.details);
          return;
        }
        const bodies = [bytes];
        if (method.requestStream) for (let i = random.int(4); i > 0; i--) bodies.push(this.body(kind, method, random).bytes);
        const outcome = await streamCall(channel, method, bodies, { timeoutMs: STREAM_TIMEOUT_MS, maxAnswers: 3, endWrites: random.chance(0.7) });
        record(outcome.status, outcome.details);
      },
    };
  }
}
