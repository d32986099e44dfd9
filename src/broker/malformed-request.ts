// A request body protobuf cannot decode is answered INVALID_ARGUMENT by the handler that gets it:
// grpc-js itself would answer INTERNAL "Error deserializing request", which says nothing of what
// the client sent wrong. Server reflection (a dependency) and the Raft transport are wrapped the same way by refusingMalformed.
import * as grpc from '@grpc/grpc-js';

/** Marks a request that protobuf could not decode. */
const MALFORMED = Symbol('malformed');
type Malformed = { readonly [MALFORMED]: string };

/** The service with every method's request decoder made to return a Malformed marker instead of throwing. */
export function tolerateMalformed(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          return { [MALFORMED]: (error as Error).message } satisfies Malformed;
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

/** Why `request` could not be decoded, or undefined when it was. */
export function malformedMessage(request: unknown, method: string): string | undefined {
  if (request && typeof request === 'object' && MALFORMED in request) {
    return `malformed ${method} request: protobuf decoding failed (${(request as Malformed)[MALFORMED]})`;
  }
  return undefined;
}

/**
 * A server whose added services answer a request body protobuf cannot decode with
 * INVALID_ARGUMENT, for bidi-stream services that read their request stream with on('data')
 * (server reflection, a dependency; the Raft transport): a malformed message ends the call before
 * the service sees it.
 */
export function refusingMalformed(server: grpc.Server, details: (message: string) => string): Pick<grpc.Server, 'addService'> {
  return {
    addService(definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): void {
      const guarded: grpc.UntypedServiceImplementation = {};
      for (const [name, handler] of Object.entries(implementation)) {
        const method = definition[name];
        if (!method?.requestStream || method.responseStream !== true) throw new Error(`refusingMalformed handles bidi streams only, not ${method?.path ?? name}`);
        guarded[name] = refuseMalformedMessages(handler as grpc.handleBidiStreamingCall<unknown, unknown>, method.path.slice(1), details);
      }
      server.addService(tolerateMalformed(definition), guarded);
    },
  };
}

function refuseMalformedMessages(handler: grpc.handleBidiStreamingCall<unknown, unknown>, method: string, details: (message: string) => string): grpc.handleBidiStreamingCall<unknown, unknown> {
  return (call) => {
    let refused = false;
    const on = call.on.bind(call);
    // The handler's 'data' listeners get only messages that decoded.
    call.on = ((event: string, listener: (...args: unknown[]) => void) =>
      event !== 'data'
        ? on(event, listener)
        : on('data', (message: unknown) => {
            if (refused) return;
            const malformed = malformedMessage(message, method);
            if (malformed === undefined) return listener(message);
            refused = true;
            call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: details(malformed) });
          })) as typeof call.on;
    handler(call);
  };
}
