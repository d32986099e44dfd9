// The HTTP port under hostile clients: a connection that pipelines requests and never reads its
// answers, idle and slow connections, and a 404 for a huge path that looks like markup.
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { MAX_PIPELINED_REQUESTS, MAX_UNSENT_RESPONSES } from '../../src/broker/http-connection-gate';
import { until } from '../until';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

const IDLE_TIMEOUT_MS = 300;
const METRICS_REQUEST = 'GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n';

const openSocket = async (port: number): Promise<Socket> => {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
};

const getRaw = (port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
  new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on('error', reject);
  });

describe('the HTTP port under hostile clients', () => {
  let fx: BrokerFixture;
  /** How many /metrics answers the broker has started to produce. */
  let metricsRendered = 0;
  before(async () => {
    fx = await startBrokerFixture({ httpIdleTimeoutMs: IDLE_TIMEOUT_MS });
    const registry = fx.broker.context.metrics.registry;
    const render = registry.metrics.bind(registry);
    registry.metrics = () => {
      metricsRendered++;
      return render();
    };
  });
  after(async () => fx.close());

  it('produces a bounded number of answers for a connection that pipelines and never reads, then closes it', async () => {
    metricsRendered = 0;
    const socket = await openSocket(fx.broker.httpPort);
    socket.pause(); // never reads: its receive buffer fills and the broker's writes back up
    let closed = false;
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.write(METRICS_REQUEST.repeat(3000));
    // A paused socket notices the broker's close only when it writes: probe until it does.
    const probe = setInterval(() => !closed && socket.write(METRICS_REQUEST), 50);
    try {
      await until(() => closed || metricsRendered > MAX_UNSENT_RESPONSES, 'the broker to close the connection or answer it', { maxWaitMs: 20_000 });
    } finally {
      clearInterval(probe);
      socket.destroy();
    }
    assert.ok(metricsRendered <= MAX_UNSENT_RESPONSES, `${metricsRendered} /metrics answers produced for one connection that reads none; at most ${MAX_UNSENT_RESPONSES} may wait unsent`);
    assert.ok(closed);
    assert.equal((await getRaw(fx.broker.httpPort, '/healthz')).status, 200);
  });

  it('answers every pipelined request, in order, to a client that reads', async () => {
    const count = MAX_PIPELINED_REQUESTS;
    const socket = await openSocket(fx.broker.httpPort);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write(Array.from({ length: count }, (_, i) => (i % 2 === 0 ? METRICS_REQUEST : 'GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n')).join(''));
    const statusLines = (): string[] => received.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];
    const healthAnswers = (): number => received.split('\r\nok\n').length - 1;
    try {
      await until(() => statusLines().length >= count && healthAnswers() >= count / 2, 'every answer', { maxWaitMs: 60_000 })
        .catch(() => assert.fail(`got ${statusLines().length} of ${count} answers`));
    } finally {
      socket.destroy();
    }
    assert.deepEqual(new Set(statusLines()), new Set(['HTTP/1.1 200']));
    // Answers come in request order: every /healthz answer follows a /metrics answer.
    const order = [...received.matchAll(/(\r\nok\n)|(# HELP sluice_produce_records_total)/g)].map((m) => (m[1] ? 'h' : 'm'));
    assert.deepEqual(order, Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 'm' : 'h')));
  });

  it('closes a connection that sends nothing', async function () {
    this.timeout(30_000);
    const socket = await openSocket(fx.broker.httpPort);
    socket.on('error', () => undefined);
    await once(socket, 'close');
  });

  it('closes a connection whose request headers never finish arriving, however slowly they trickle', async function () {
    this.timeout(30_000);
    const socket = await openSocket(fx.broker.httpPort);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.write('GET /metrics HTTP/1.1\r\nHost: test\r\n');
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), IDLE_TIMEOUT_MS / 4);
    try {
      await once(socket, 'close');
    } finally {
      clearInterval(trickle);
    }
    assert.match(received, /^HTTP\/1\.1 408/);
  });

  it('answers an unknown path with a truncated, escaped echo marked nosniff', async () => {
    const path = `/<script>alert(1)</script>${'a'.repeat(10_000)}`;
    const { status, headers, body } = await getRaw(fx.broker.httpPort, path);
    assert.equal(status, 404);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['content-type'], 'text/plain; charset=utf-8');
    assert.ok(!body.includes('<'), body);
    assert.match(body, /%3Cscript%3Ealert\(1\)%3C\/script%3Eaaa/);
    assert.ok(body.length < 400, `the 404 body has ${body.length} characters`);
  });

  it('marks every answer nosniff with an explicit charset', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz', '/api/topics', '/']) {
      const { headers } = await getRaw(fx.broker.httpPort, path);
      assert.equal(headers['x-content-type-options'], 'nosniff', path);
      assert.match(String(headers['content-type']), /charset=utf-8/, path);
    }
  });

  it('does not show the server file-system path on the console', async () => {
    const { body } = await getRaw(fx.broker.httpPort, '/');
    assert.ok(!body.includes(fx.dataDir), 'the console shows the data directory');
  });
});
