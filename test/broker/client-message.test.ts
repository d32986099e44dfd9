import assert from 'node:assert/strict';
import { clientMessage, MAX_CLIENT_MESSAGE_CHARS, quoteInput, withClientMessages } from '../../src/broker/client-message';

describe('client messages (what an error may tell a client)', () => {
  it('quotes short input whole and long input cut, with its length', () => {
    assert.equal(quoteInput('orders'), "'orders'");
    const quoted = quoteInput('x'.repeat(10_000));
    assert.ok(quoted.length < 250, quoted);
    assert.match(quoted, /^'x{200}…' \(10000 characters\)$/);
  });

  it('replaces paths under the data dir and any other absolute path', () => {
    assert.equal(
      clientMessage("appending to /srv/sluice/partitions/t-0/00000000000000000000.log failed: EIO", '/srv/sluice'),
      'appending to <dataDir>/partitions/t-0/00000000000000000000.log failed: EIO',
    );
    assert.equal(clientMessage("ENAMETOOLONG: name too long, rename '/var/x/a' -> '/var/x/b'", '/srv/sluice'), "ENAMETOOLONG: name too long, rename '<path>' -> '<path>'");
    assert.equal(clientMessage('open data/partitions/t-0 failed', 'data'), 'open <dataDir>/partitions/t-0 failed');
    assert.equal(clientMessage('offset 5 for t/0 is invalid: use [0, 3]', '/srv/sluice'), 'offset 5 for t/0 is invalid: use [0, 3]');
  });

  it('bounds a long message, keeping its start and its guidance at the end', () => {
    const message = clientMessage(`group id '${'g'.repeat(100_000)}' is invalid: use 1-249 characters from [a-zA-Z0-9._-]`, '/d');
    assert.ok(message.length <= MAX_CLIENT_MESSAGE_CHARS, `${message.length}`);
    assert.match(message, /^group id 'g+…\[\d+ characters left out\]…g+' is invalid: use 1-249 characters from \[a-zA-Z0-9._-\]$/);
  });

  it('fixes the errorMessage of a response and of its entries', () => {
    const response = withClientMessages({ errorMessage: 'at /d/x', partitions: [{ errorMessage: '' }, { errorMessage: 'open /d/y' }] }, '/d');
    assert.deepEqual(response, { errorMessage: 'at <dataDir>/x', partitions: [{ errorMessage: '' }, { errorMessage: 'open <dataDir>/y' }] });
  });
});
