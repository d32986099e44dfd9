// A broker's JSON log lines name each key once (pino writes a binding once per child level, so a
// module logger's binding repeated in a call's object shows twice: `"partition":…,"partition":…`).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { rootLogger, setRootLogger } from '../../src/common/logger';
import { startBrokerFixture } from './broker-fixture';

/** The top-level keys of one JSON line, in order, repeats included (JSON.parse would hide them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 1 && line[i + 1] === ':') keys.push(line.slice(start + 1, i));
      }
    } else if (c === '"') {
      inString = true;
      start = i;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

describe('broker log lines', function () {
  this.timeout(60_000);

  it('name each key once, through start, topic creation, produce and stop', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    const previous = rootLogger();
    setRootLogger(pino({ level: 'debug', base: { node: 1, pid: process.pid } }, sink));
    try {
      const fx = await startBrokerFixture();
      await fx.admin('createTopics', { topics: [{ name: 'logged', partitions: 2 }] });
      await fx.data('produce', { partitions: [{ topic: 'logged', partition: 1, batch: { records: [{ value: Buffer.from('x') }] } }] });
      await fx.close();
    } finally {
      setRootLogger(previous);
    }
    assert.ok(lines.some((line) => line.includes('became leader of logged/1')), 'the leadership line was logged');
    for (const line of lines) {
      const keys = topLevelKeys(line);
      assert.equal(new Set(keys).size, keys.length, `a key repeats in ${line}`);
    }
  });
});
