// The HTTP port: Prometheus /metrics, /healthz (the process answers), /readyz (serving
// requests), /api/topics (JSON) and / (a small web console listing topics and partitions).
import { createServer, type Server } from 'node:http';
import type { BrokerContext } from './context';
import { renderConsole, topicsSnapshot } from './web-console';

export interface HttpServerHandle {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startHttpServer(ctx: BrokerContext, isReady: () => boolean): Promise<HttpServerHandle> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'only GET is supported\n');
    switch (path) {
      case '/metrics':
        ctx.metrics.registry.metrics().then(
          (text) => send(200, ctx.metrics.registry.contentType, text),
          (error: Error) => send(500, 'text/plain', `metrics failed: ${error.message}\n`),
        );
        return;
      case '/healthz':
        return send(200, 'text/plain', 'ok\n');
      case '/readyz':
        return isReady() ? send(200, 'text/plain', 'ready\n') : send(503, 'text/plain', 'not ready\n');
      case '/api/topics':
        return send(200, 'application/json', JSON.stringify(topicsSnapshot(ctx), null, 2));
      case '/':
        return send(200, 'text/html; charset=utf-8', renderConsole(ctx));
      default:
        return send(404, 'text/plain', `no such page: ${path}; try /metrics, /healthz, /readyz, /api/topics or /\n`);
    }
  });
  server.keepAliveTimeout = 5000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen for HTTP on ${ctx.config.host}:${ctx.config.httpPort}: ${error.message}`)));
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
