// One gRPC channel per broker address, shared by the Data, Groups and Admin stubs. Calls are
// promises with a deadline; failures become SluiceErrors (see errors.ts). The client speaks the
// broker's bytes view of the proto, so a produced batch is encoded once (by batch-codec) and a
// fetched batch arrives as a Buffer that batch-codec decodes in place.
import * as grpc from '@grpc/grpc-js';
import { brokerProtoRoot } from '../protocol/proto-root';
import { serviceDefinition, type ServiceName } from '../protocol/services';
import type { FetchResponse, MethodName, ProduceRequest, ProduceResponse, RequestOf, ResponseOf, SubscribeRequest } from '../protocol/wire-types';
import { fromGrpcError, SluiceClientStateError, type SluiceError } from './errors';
import { ProduceStreamSession } from './produce-stream';

type UnaryMethod = (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: unknown) => void) => grpc.ClientUnaryCall;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // A 64 KiB HTTP/2 window makes a multi-megabyte fetch response wait for many window updates.
  'grpc-node.flow_control_window': 32 * 1024 * 1024,
};

let constructors: Map<ServiceName, grpc.ServiceClientConstructor> | undefined;

function stubConstructor(service: ServiceName): grpc.ServiceClientConstructor {
  constructors ??= new Map();
  let ctor = constructors.get(service);
  if (!ctor) {
    ctor = grpc.makeGenericClientConstructor(serviceDefinition(brokerProtoRoot(), service), service);
    constructors.set(service, ctor);
  }
  return ctor;
}

/** A call in flight that the caller may abandon (used by the consumer's long poll). */
export interface CancellableCall<T> {
  readonly response: Promise<T>;
  cancel(): void;
}

/** A server stream the caller can stop reading from for a while, or abandon. */
export interface SubscribeHandle {
  cancel(): void;
  pause(): void;
  resume(): void;
}

/** The stubs for one broker. */
export class BrokerConnection {
  readonly address: string;
  private readonly stubs = new Map<ServiceName, grpc.Client>();
  private readonly channel: grpc.Channel;
  private readonly produceStream: ProduceStreamSession;
  private closed = false;

  constructor(address: string, clientId: string) {
    this.address = address;
    const data = new (stubConstructor('sluice.v1.Data'))(address, grpc.credentials.createInsecure(), {
      ...CHANNEL_OPTIONS,
      'grpc.primary_user_agent': `sluice-js/${clientId}`,
    });
    this.stubs.set('sluice.v1.Data', data);
    this.channel = data.getChannel() as grpc.Channel;
    this.produceStream = new ProduceStreamSession(address, () => (data as unknown as { produceStream(): grpc.ClientDuplexStream<ProduceRequest, ProduceResponse> }).produceStream());
  }

  /** Produce over this connection's ordered stream: requests are appended in the order sent. */
  produce(request: Omit<ProduceRequest, 'correlationId'>, timeoutMs: number): Promise<ProduceResponse> {
    if (this.closed) return Promise.reject(new SluiceClientStateError(`the connection to ${this.address} is closed`));
    return this.produceStream.send(request, timeoutMs);
  }

  private stub(service: ServiceName): grpc.Client {
    let stub = this.stubs.get(service);
    if (!stub) {
      stub = new (stubConstructor(service))(this.address, grpc.credentials.createInsecure(), { channelOverride: this.channel });
      this.stubs.set(service, stub);
    }
    return stub;
  }

  /**
   * Calls `service.method(request)`; rejects with a SluiceError. `timeoutMs` is the deadline. The
   * request carries every field of its message (src/protocol/wire-types.ts), so a field added to
   * the proto fails tsc where requests are built until the client sets it.
   */
  call<S extends ServiceName, M extends MethodName<S>>(service: S, method: M, request: RequestOf<S, M>, timeoutMs: number): Promise<ResponseOf<S, M>> {
    return this.start(service, method, request, timeoutMs).response;
  }

  /** Like `call`, but returns a handle that can cancel the call (its promise then rejects). */
  start<S extends ServiceName, M extends MethodName<S>>(service: S, method: M, request: RequestOf<S, M>, timeoutMs: number): CancellableCall<ResponseOf<S, M>> {
    type T = ResponseOf<S, M>;
    if (this.closed) {
      return { response: Promise.reject(new SluiceClientStateError(`the connection to ${this.address} is closed`)), cancel: () => {} };
    }
    const stub = this.stub(service) as unknown as Record<string, UnaryMethod>;
    const fn = stub[method];
    if (!fn) throw new Error(`${service} has no method ${method}`);
    let call: grpc.ClientUnaryCall | undefined;
    const response = new Promise<T>((resolve, reject) => {
      call = fn.call(stub, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, value) => {
        if (error) reject(fromGrpcError(error, this.address, `${service.slice('sluice.v1.'.length)}.${method}`));
        else resolve(value as T);
      });
    });
    return { response, cancel: () => call?.cancel() };
  }

  /**
   * Opens a server stream (Data.Subscribe): `onMessage` for each pushed response, then exactly one
   * `onEnd` — with the error unless the stream ended normally or was cancelled through the handle.
   */
  subscribe(request: SubscribeRequest, onMessage: (message: FetchResponse) => void, onEnd: (error?: SluiceError) => void): SubscribeHandle {
    if (this.closed) {
      onEnd(new SluiceClientStateError(`the connection to ${this.address} is closed`));
      return { cancel: () => {}, pause: () => {}, resume: () => {} };
    }
    const stub = this.stub('sluice.v1.Data') as unknown as { subscribe(request: SubscribeRequest): grpc.ClientReadableStream<FetchResponse> };
    const call = stub.subscribe(request);
    let finished = false;
    let cancelled = false;
    const finish = (error?: SluiceError): void => {
      if (finished) return;
      finished = true;
      onEnd(cancelled ? undefined : error);
    };
    call.on('data', (message: FetchResponse) => {
      if (!cancelled) onMessage(message);
    });
    call.on('error', (error: grpc.ServiceError) => finish(fromGrpcError(error, this.address, 'Data.Subscribe')));
    call.on('end', () => finish());
    return {
      cancel: () => { cancelled = true; call.cancel(); finish(); },
      // Paused, the stream stops reading and HTTP/2 flow control makes the broker wait ('drain').
      pause: () => call.pause(),
      resume: () => call.resume(),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.produceStream.close();
    for (const stub of this.stubs.values()) stub.close();
    this.channel.close();
  }
}

/** Connections by address, created on first use. */
export class ConnectionPool {
  private readonly connections = new Map<string, BrokerConnection>();
  private closed = false;

  constructor(private readonly clientId: string) {}

  get(address: string): BrokerConnection {
    if (this.closed) throw new SluiceClientStateError('the client is closed: create a new SluiceClient');
    let connection = this.connections.get(address);
    if (!connection) {
      connection = new BrokerConnection(address, this.clientId);
      this.connections.set(address, connection);
    }
    return connection;
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
