import assert from 'node:assert/strict';
import { BrokerMetrics } from '../../src/broker/metrics';

const counterValue = (text: string, name: string, topic: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{topic="${topic}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('broker metrics: produce counters added on the hot path, handed over at scrape', () => {
  it('reports the sum of what was counted per topic, both counters once, and keeps totals across scrapes', async () => {
    const metrics = new BrokerMetrics(() => undefined);
    metrics.countProduced('a', 3, 300);
    metrics.countProduced('a', 2, 150);
    metrics.countProduced('b', 1, 10);
    let text = await metrics.registry.metrics();
    assert.equal(counterValue(text, 'sluice_produce_records_total', 'a'), 5);
    assert.equal(counterValue(text, 'sluice_produce_bytes_total', 'a'), 450);
    assert.equal(counterValue(text, 'sluice_produce_records_total', 'b'), 1);
    assert.equal(counterValue(text, 'sluice_produce_bytes_total', 'b'), 10);

    text = await metrics.registry.metrics();
    assert.equal(counterValue(text, 'sluice_produce_records_total', 'a'), 5, 'a second scrape adds nothing twice');
    assert.equal(counterValue(text, 'sluice_produce_bytes_total', 'a'), 450);

    metrics.countProduced('a', 4, 40);
    text = await metrics.registry.metrics();
    assert.equal(counterValue(text, 'sluice_produce_records_total', 'a'), 9);
    assert.equal(counterValue(text, 'sluice_produce_bytes_total', 'a'), 490);
    assert.equal(counterValue(text, 'sluice_produce_records_total', 'b'), 1);
  });
});
