// /metrics forgets a deleted topic: its series go with it, so cardinality follows the topics
// that exist instead of growing with every topic ever created.
import assert from 'node:assert/strict';
import { until } from '../until';
import { startBrokerFixture, type BrokerFixture } from './broker-fixture';

describe('metrics of a deleted topic', () => {
  let fx: BrokerFixture;
  before(async () => (fx = await startBrokerFixture()));
  after(async () => fx.close());

  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${fx.broker.httpPort}/metrics`)).text();
  const seriesOf = (text: string, topic: string): string[] => text.split('\n').filter((line) => line.includes(`topic="${topic}"`));

  it('removes every series labelled with the topic when the topic is deleted', async () => {
    await fx.admin('createTopics', { topics: [{ name: 'gone', partitions: 2 }, { name: 'kept' }] });
    for (const topic of ['gone', 'kept']) {
      await fx.data('produce', { partitions: [{ topic, partition: 0, batch: { records: [{ value: Buffer.from('x') }] } }] });
      await fx.data('fetch', { partitions: [{ topic, partition: 0, offset: 0 }] });
    }
    const before = seriesOf(await metrics(), 'gone').map((line) => line.split('{')[0]);
    for (const name of ['sluice_produce_records_total', 'sluice_produce_bytes_total', 'sluice_fetch_bytes_total', 'sluice_log_end_offset']) {
      assert.ok(before.includes(name), `${name} has no series for topic 'gone' before the deletion`);
    }

    await fx.admin('deleteTopics', { names: ['gone'] });
    let left: string[] = [];
    await until(async () => {
      left = seriesOf(await metrics(), 'gone');
      return left.length === 0;
    }, 'the series of the deleted topic to go', { maxWaitMs: 20_000 }).catch(() => assert.fail(`series of the deleted topic are still served:\n${left.join('\n')}`));
    assert.ok(seriesOf(await metrics(), 'kept').some((line) => line.startsWith('sluice_produce_records_total')), "the other topic's series stay");
  });
});
