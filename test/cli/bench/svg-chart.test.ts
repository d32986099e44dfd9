import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { escapeXml, niceCeiling, ninesPosition, renderChartSvg } from '../../../src/cli/bench/svg-chart';
import { fakeResult } from './fixtures';

interface Element { name: string; attributes: Record<string, string>; children: Element[] }

/** A strict little XML parser: enough to prove the SVG is well-formed and to query it. */
function parseXml(text: string): Element {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: Element = { name: '#document', attributes: {}, children: [] };
  const stack: Element[] = [root];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while (position < body.length && (match = tag.exec(body)) !== null) {
    position = tag.lastIndex;
    const [, closing, name, attrs, selfClosing, textNode] = match;
    if (textNode !== undefined) {
      assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(textNode), `bad entity in text: ${textNode}`);
      continue;
    }
    if (closing) {
      const open = stack.pop()!;
      assert.equal(open.name, name, `</${name}> closes <${open.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrs!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      assert.ok(!(a[1]! in attributes), `duplicate attribute ${a[1]}`);
      attributes[a[1]!] = a[2]!;
    }
    const element: Element = { name: name!, attributes, children: [] };
    stack[stack.length - 1]!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  assert.equal(position, body.length, `unparseable XML at: ${body.slice(position, position + 60)}`);
  assert.equal(stack.length, 1, `unclosed <${stack[stack.length - 1]!.name}>`);
  return root;
}

function all(element: Element, name: string): Element[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((c) => all(c, name))];
}

describe('bench SVG chart', () => {
  const results = [
    fakeResult('sluice', 'produce-100B', 50_000, 10),
    fakeResult('redis <always> & "friends"', 'produce-100B', 100_000, 5),
    fakeResult('nats', 'consume-100B', 200_000, null),
  ];

  it('is a well-formed SVG document', () => {
    const doc = parseXml(renderChartSvg(results));
    assert.equal(doc.children.length, 1);
    const svg = doc.children[0]!;
    assert.equal(svg.name, 'svg');
    assert.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
    assert.match(svg.attributes.viewBox ?? '', /^0 0 \d+ \d+$/);
  });

  it('draws one throughput line per run and one latency line per run with latency', () => {
    const svg = parseXml(renderChartSvg(results));
    const lines = all(svg, 'polyline');
    const throughput = lines.filter((l) => l.attributes.class === 'series throughput').map((l) => l.attributes['data-series']);
    const latency = lines.filter((l) => l.attributes.class === 'series latency').map((l) => l.attributes['data-series']);
    assert.deepEqual(throughput, ['sluice · produce-100B', 'redis &lt;always&gt; &amp; &quot;friends&quot; · produce-100B', 'nats · consume-100B']);
    assert.deepEqual(latency, ['sluice · produce-100B', 'redis &lt;always&gt; &amp; &quot;friends&quot; · produce-100B']);
    for (const line of lines) {
      const points = line.attributes.points!.split(' ').map((p) => p.split(',').map(Number));
      assert.ok(points.length >= 2);
      for (const [x, y] of points) assert.ok(Number.isFinite(x) && Number.isFinite(y), `bad point ${x},${y}`);
    }
  });

  it('gives each of the 16 series of a comparison its own colour, in both panels', () => {
    const many = Array.from({ length: 16 }, (_, i) => fakeResult(`system-${i}`, 'e2e', 10_000 + i, 5 + i));
    const lines = all(parseXml(renderChartSvg(many)), 'polyline');
    for (const kind of ['series throughput', 'series latency']) {
      const colours = lines.filter((l) => l.attributes.class === kind).map((l) => l.attributes.stroke);
      assert.equal(colours.length, 16);
      assert.equal(new Set(colours).size, 16, `${kind}: ${colours.join(' ')}`);
    }
  });

  it('still renders, with a notice, when there is nothing to draw', () => {
    const svg = renderChartSvg([]);
    parseXml(svg);
    assert.match(svg, /no throughput samples/);
    assert.match(svg, /no latency samples/);
  });

  it('places percentiles on a "nines" axis and rounds axes to nice values', () => {
    assert.equal(ninesPosition(0, 5), 0);
    assert.ok(Math.abs(ninesPosition(99, 5) - 2) < 1e-9);
    assert.ok(Math.abs(ninesPosition(99.9, 5) - 3) < 1e-9);
    assert.equal(ninesPosition(100, 5), 5);
    assert.equal(niceCeiling(73_000), 100_000);
    assert.equal(niceCeiling(12), 20);
    assert.equal(niceCeiling(20.4), 25);
    assert.equal(niceCeiling(340_000), 400_000);
    assert.equal(niceCeiling(0), 1);
    assert.equal(escapeXml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });

  it('renders to a PNG of the declared size with rsvg-convert (skipped where librsvg2-bin is not installed)', function () {
    if (spawnSync('rsvg-convert', ['--version']).status !== 0) this.skip();
    const svg = renderChartSvg(results);
    const converted = spawnSync('rsvg-convert', ['--format', 'png'], { input: svg, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(converted.status, 0, converted.stderr?.toString());
    const png = converted.stdout;
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    assert.equal(png.readUInt32BE(16), Number(width));
    assert.equal(png.readUInt32BE(20), Number(height));
  });
});
