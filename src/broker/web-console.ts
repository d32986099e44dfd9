// A minimal read-only web console: topics, partitions, offsets and sizes. No scripts, no
// external assets; refreshes itself every 5 seconds.
import type { BrokerContext } from './context';

export interface TopicSnapshot {
  readonly name: string;
  readonly internal: boolean;
  readonly partitions: readonly { partition: number; logStartOffset: number; highWatermark: number; logEndOffset: number; sizeBytes: number }[];
}

export function topicsSnapshot(ctx: BrokerContext): TopicSnapshot[] {
  return ctx.registry.list().map((topic) => ({
    name: topic.name,
    internal: topic.internal,
    partitions: ctx.partitions.ofTopic(topic.name).map((p) => ({
      partition: p.topicPartition.partition,
      logStartOffset: p.logStartOffset,
      highWatermark: p.highWatermark,
      logEndOffset: p.logEndOffset,
      sizeBytes: p.sizeBytes,
    })),
  }));
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderConsole(ctx: BrokerContext): string {
  const rows = topicsSnapshot(ctx)
    .filter((t) => !t.internal)
    .map((t) => {
      const records = t.partitions.reduce((sum, p) => sum + (p.highWatermark - p.logStartOffset), 0);
      const bytes = t.partitions.reduce((sum, p) => sum + p.sizeBytes, 0);
      return `<tr><td>${escapeHtml(t.name)}</td><td>${t.partitions.length}</td><td>${records}</td><td>${(bytes / 1048576).toFixed(1)} MiB</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Sluice broker ${ctx.config.nodeId}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>Sluice broker ${ctx.config.nodeId}</h1>
<p>cluster <b>${escapeHtml(ctx.config.clusterId)}</b> · <a href="/metrics">metrics</a> · <a href="/api/topics">topics as JSON</a></p>
<table><thead><tr><th>topic</th><th>partitions</th><th>records stored</th><th>size</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">no topics yet: <code>sluice topic create NAME</code></td></tr>'}
</tbody></table>
</body></html>
`;
}
