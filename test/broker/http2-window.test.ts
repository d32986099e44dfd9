import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { once } from 'node:events';
import { CONNECTION_WINDOW_BYTES, STREAM_WINDOW_BYTES } from '../../src/broker/http2-window';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('broker HTTP/2 receive windows', () => {
  let fx: BrokerFixture;
  let session: http2.ClientHttp2Session | undefined;
  before(async () => {
    fx = await startBrokerFixture();
  });
  after(async () => {
    session?.destroy();
    await fx.close();
  });

  it('lets a client send megabytes before waiting for a window update (stream and connection)', async () => {
    session = http2.connect(`http://${fx.address}`);
    await once(session, 'remoteSettings');
    assert.equal(session.remoteSettings.initialWindowSize, STREAM_WINDOW_BYTES);
    // The connection window arrives as a WINDOW_UPDATE right after the SETTINGS; a PING round
    // trip is answered after it.
    await new Promise<void>((resolve, reject) => session!.ping((error) => (error ? reject(error) : resolve())));
    assert.equal(session.state.remoteWindowSize, CONNECTION_WINDOW_BYTES);
  });
});
