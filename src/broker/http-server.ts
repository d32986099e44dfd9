// The HTTP port: Prometheus /metrics, /healthz (the process answers), /readyz (serving
// requests), /api/topics (JSON) and / (a small web console listing topics and partitions).
// Limits against hostile or broken clients (docs/architecture.md, "The HTTP port"): answers of
// one connection are produced only as fast as it reads them (http-connection-gate.ts), idle and
// slow connections are closed, and nothing a client sent is echoed unbounded or unescaped.
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { BrokerContext } from './context';
import { listenFailure } from './listen-failure';
import { admitRequest } from './http-connection-gate';
import { renderConsole, topicsSnapshot } from './web-console';

export interface HttpServerHandle {
  readonly port: number;
  stop(): Promise<void>;
}

/** Longest part of an unknown path echoed back in the 404 answer (before escaping). */
const MAX_ECHOED_PATH_CHARS = 64;
/** How long a kept-alive connection may wait for its next request (Node's default, if shorter than the idle timeout). */
const KEEP_ALIVE_TIMEOUT_MS = 5000;

const TEXT = 'text/plain; charset=utf-8';

/**
 * `path` cut to MAX_ECHOED_PATH_CHARS, every character outside the URL-safe set percent-encoded
 * (UTF-8), so that the echo is inert as text, HTML or a header.
 */
export function echoablePath(path: string): string {
  const cut = path.length > MAX_ECHOED_PATH_CHARS ? path.slice(0, MAX_ECHOED_PATH_CHARS) : path;
  const escaped = cut.replace(/[^A-Za-z0-9\-._~/!$()*+,;=:@%]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return cut === path ? escaped : `${escaped}… (${path.length} characters)`;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    // Browsers must not guess a type from the body (the 404 echoes part of the request).
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

function answer(ctx: BrokerContext, isReady: () => boolean, method: string | undefined, url: string, response: ServerResponse): void {
  const path = url.split('?')[0];
  if (method !== 'GET') return send(response, 405, TEXT, 'only GET is supported\n');
  switch (path) {
    case '/metrics':
      ctx.metrics.registry.metrics().then(
        (text) => send(response, 200, ctx.metrics.registry.contentType, text),
        (error: Error) => send(response, 500, TEXT, `metrics failed: ${error.message}\n`),
      );
      return;
    case '/healthz':
      return send(response, 200, TEXT, 'ok\n');
    case '/readyz':
      return isReady() ? send(response, 200, TEXT, 'ready\n') : send(response, 503, TEXT, 'not ready\n');
    case '/api/topics':
      return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(topicsSnapshot(ctx), null, 2));
    case '/':
      return send(response, 200, 'text/html; charset=utf-8', renderConsole(ctx));
    default:
      return send(response, 404, TEXT, `no such page: ${echoablePath(path)}; try /metrics, /healthz, /readyz, /api/topics or /\n`);
  }
}

export async function startHttpServer(ctx: BrokerContext, isReady: () => boolean): Promise<HttpServerHandle> {
  const idleMs = ctx.config.httpIdleTimeoutMs;
  const server: Server = createServer(
    {
      // A request's headers (and the whole request: only GET is served) must arrive within the
      // idle timeout, however slowly they trickle; Node checks this every connectionsCheckingInterval.
      headersTimeout: idleMs,
      requestTimeout: idleMs,
      connectionsCheckingInterval: Math.max(100, Math.floor(idleMs / 4)),
      keepAliveTimeout: Math.min(KEEP_ALIVE_TIMEOUT_MS, idleMs),
    },
    (request, response) => admitRequest(request.socket, response, () => answer(ctx, isReady, request.method, request.url ?? '/', response)),
  );
  // A connection with no traffic either way (nothing sent, or nothing read of what it was sent) is closed.
  server.timeout = idleMs;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen for HTTP on ${ctx.config.host}:${ctx.config.httpPort}: ${listenFailure(error.message, '--http-port')}`)));
    server.listen(ctx.config.httpPort, ctx.config.host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : ctx.config.httpPort);
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    port,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
