// A request body protobuf cannot decode is answered INVALID_ARGUMENT by the handler that gets it:
// grpc-js itself would answer INTERNAL "Error deserializing request", which says nothing of what
// the client sent wrong.
import type * as grpc from '@grpc/grpc-js';

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
