// Opens the broker's HTTP/2 receive windows. grpc-js servers keep Node's default 64 KiB windows
// (the client has `grpc-node.flow_control_window`; the server option is only proposed, grpc-node
// PR #3058), so a 1 MiB produce batch crossed in 16 round trips of WINDOW_UPDATE between two busy
// event loops: producers with MBs in flight waited on flow control while broker and clients
// idled. Measured with 2 producer threads on one broker: 1 KB records 113-133k -> 186-215k
// records/s, 100 B records ~300k -> ~540k (docs/benchmarks.md, run J).
//
// grpc-js has no public hook for either window, so this reaches into two private members; when
// they are missing (a grpc-js upgrade changed them) the broker logs that and runs with the
// defaults, and test/broker/http2-window.test.ts fails.
import type * as grpc from '@grpc/grpc-js';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type { Logger } from '../common/logger';

/** Per stream: several 1 MiB batches (or a Raft append of MBs) in flight on one ProduceStream. */
export const STREAM_WINDOW_BYTES = 8 * 1024 * 1024;
/** Per connection: shared by every stream of one client (the client opens 32 MiB for fetches). */
export const CONNECTION_WINDOW_BYTES = 32 * 1024 * 1024;
interface GrpcServerInternals {
  commonServerOptions?: { settings?: Record<string, unknown> };
  http2Servers?: Map<Http2Server, unknown>;
}

/** Before bindAsync: the per-stream window goes into the SETTINGS every new session sends. */
export function advertiseStreamWindow(server: grpc.Server, logger: Logger): void {
  const internals = server as unknown as GrpcServerInternals;
  const common = internals.commonServerOptions;
  if (!common) {
    logger.warn('grpc-js internals changed (no commonServerOptions): HTTP/2 stream windows stay at 64 KiB, produce throughput will suffer');
    return;
  }
  common.settings = { ...common.settings, initialWindowSize: STREAM_WINDOW_BYTES };
}

/**
 * After bindAsync: each new session raises its connection window at once. The windows are not
 * counted in limits.maxInFlightBytes: counted (and capped at half of it, 8 sessions), sessions that
 * idled kept the widened windows and a new producer's connection stayed at 64 KiB — 12% fewer
 * records/s in the bench's 100-byte produce (docs/architecture.md, "Memory held for clients").
 */
export function widenConnectionWindows(server: grpc.Server, logger: Logger): void {
  const http2Servers = (server as unknown as GrpcServerInternals).http2Servers;
  if (!(http2Servers instanceof Map)) {
    logger.warn('grpc-js internals changed (no http2Servers): the HTTP/2 connection window stays at 64 KiB, produce throughput will suffer');
    return;
  }
  for (const http2Server of http2Servers.keys()) {
    http2Server.on('session', (session: ServerHttp2Session) => {
      try {
        session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      } catch (error) {
        // A session torn down before its first frame; nothing to widen.
        logger.debug({ err: error }, 'could not widen an HTTP/2 connection window');
      }
    });
  }
}
