// sluice group list | describe | delete against a real in-process broker, with members joined by
// raw heartbeats (the TypeScript client does not join groups yet).
import { strict as assert } from 'node:assert';
import { startBrokerFixture, type BrokerFixture } from '../broker/broker-fixture';
import { ThinMember } from '../consumer-groups/thin-member';
import { until } from '../until';
import { sluice } from './run-cli';

describe('sluice group (real broker)', () => {
  let fx: BrokerFixture;
  const cli = (args: string[]) => sluice(['--brokers', fx.address, ...args]);
  beforeEach(async () => {
    fx = await startBrokerFixture();
    await fx.admin('createTopics', { topics: [{ name: 'orders', partitions: 2 }] });
  });
  afterEach(async () => fx.close());

  it('lists, describes (members, partitions, offsets with lag) and deletes only an empty group', async () => {
    const a = new ThinMember(() => fx.groups, 'billing', 'orders');
    const b = new ThinMember(() => fx.groups, 'billing', 'orders');
    await a.join();
    await b.join();
    await until(async () => (await a.beat(), await b.beat(), a.owned.length === 1 && b.owned.length === 1), 'a 1+1 split');
    await fx.data('produce', { partitions: [{ topic: 'orders', partition: a.owned[0], batch: { records: [{ value: Buffer.from('x') }, { value: Buffer.from('y') }] } }] });
    assert.equal((await a.commit(a.owned[0]!, 1)).errorCode, 0);

    const list = await cli(['group', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^GROUP\s+STATE\s+MEMBERS\nbilling\s+stable\s+2\n$/);

    const describe = await cli(['group', 'describe', 'billing']);
    assert.equal(describe.code, 0, describe.stderr);
    assert.match(describe.stdout, /^group billing: stable, group epoch 2, assignment epoch 2, assignor uniform\n/);
    assert.match(describe.stdout, new RegExp(`${a.memberId}\\s+-\\s+2\\s+stable\\s+orders:${a.owned[0]}\\s+-`));
    assert.match(describe.stdout, new RegExp(`${b.memberId}\\s+-\\s+2\\s+stable\\s+orders:${b.owned[0]}\\s+-`));
    assert.match(describe.stdout, new RegExp(`orders\\s+${a.owned[0]}\\s+1\\s+2\\s+1\\n$`));

    const refused = await cli(['group', 'delete', 'billing']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /NON_EMPTY_GROUP|only an empty consumer group can be deleted/);
    await a.leave();
    await b.leave();
    const deleted = await cli(['group', 'delete', 'billing']);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await cli(['group', 'describe', 'billing']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /consumer group billing does not exist/);
  });
});
