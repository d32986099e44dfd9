// Hand-written SVG charts of benchmark results: throughput over time (one line per run) above
// the latency distribution (latency at each percentile, "nines" on a log axis, one line per
// run that measured latency). Pure: results in, SVG text out.
import type { RunResult } from './result';

const WIDTH = 1040;
const PANEL_HEIGHT = 380;
const MARGIN = { left: 80, right: 360, top: 40, bottom: 50 };
/** Tableau's 20 colours, dark ones first: a comparison draws 16 series (8 systems × 2 paced steps). */
const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22',
  '#aec7e8', '#ff9896', '#98df8a', '#ffbb78', '#c5b0d5', '#c49c94', '#f7b6d2', '#9edae5', '#c7c7c7', '#dbdb8d',
];

/** Where a percentile sits on the "nines" axis: 0 → 0, 90 → 1, 99 → 2, 99.9 → 3; 100 is drawn at maxNines. */
export function ninesPosition(percentile: number, maxNines: number): number {
  if (percentile >= 100) return maxNines;
  return Math.min(maxNines, -Math.log10(1 - percentile / 100)) + 0; // + 0 turns -0 into 0
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function seriesLabel(result: RunResult): string {
  return `${result.system} · ${result.name}`;
}

/**
 * A "nice" upper bound for an axis: 1, 2, 2.5, 4 or 5 times a power of ten, >= value. Each has
 * round fifths (the axis has five ticks); with 1, 2 and 5 alone a 20.4 s run filled 40% of a 50 s axis.
 */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 4, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function formatCount(value: number): string {
  if (value >= 1_000_000) return `${+(value / 1_000_000).toFixed(2)}M`;
  if (value >= 1_000) return `${+(value / 1_000).toFixed(1)}k`;
  return `${+value.toFixed(2)}`;
}

interface Panel {
  readonly top: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
}

function panelFrame(panel: Panel, title: string, xLabel: string, yLabel: string): string[] {
  const x0 = MARGIN.left;
  const y0 = panel.top + MARGIN.top;
  return [
    `<text x="${x0}" y="${panel.top + 24}" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${x0}" y="${y0}" width="${panel.plotWidth}" height="${panel.plotHeight}" fill="none" stroke="#333"/>`,
    `<text x="${x0 + panel.plotWidth / 2}" y="${y0 + panel.plotHeight + 40}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text>`,
    `<text x="18" y="${y0 + panel.plotHeight / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 18 ${y0 + panel.plotHeight / 2})">${escapeXml(yLabel)}</text>`,
  ];
}

function legend(panel: Panel, labels: readonly { label: string; color: string }[]): string[] {
  const x = MARGIN.left + panel.plotWidth + 16;
  return labels.flatMap(({ label, color }, i) => {
    const y = panel.top + MARGIN.top + 10 + i * 18;
    return [
      `<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${x + 26}" y="${y + 4}" font-size="11">${escapeXml(label)}</text>`,
    ];
  });
}

function throughputPanel(results: readonly RunResult[], panel: Panel): string[] {
  const withTimeline = results.filter((r) => r.timeline.length > 0);
  const maxT = niceCeiling(Math.max(1, ...withTimeline.flatMap((r) => r.timeline.map((p) => p.tMs / 1000))));
  const maxY = niceCeiling(Math.max(1, ...withTimeline.flatMap((r) => r.timeline.map((p) => p.recordsPerSec))));
  const x0 = MARGIN.left;
  const y0 = panel.top + MARGIN.top;
  const sx = (t: number): number => x0 + (t / maxT) * panel.plotWidth;
  const sy = (v: number): number => y0 + panel.plotHeight - (v / maxY) * panel.plotHeight;
  const parts = panelFrame(panel, 'Throughput over time', 'seconds since start', 'records/s');
  for (let i = 0; i <= 5; i++) {
    const v = (maxY * i) / 5;
    const t = (maxT * i) / 5;
    parts.push(`<line x1="${x0}" y1="${sy(v).toFixed(1)}" x2="${x0 + panel.plotWidth}" y2="${sy(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatCount(v)}</text>`);
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${y0 + panel.plotHeight + 16}" text-anchor="middle" font-size="11">${+t.toFixed(1)}</text>`);
  }
  const labels: { label: string; color: string }[] = [];
  withTimeline.forEach((result, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const points = result.timeline.map((p) => `${sx(p.tMs / 1000).toFixed(1)},${sy(p.recordsPerSec).toFixed(1)}`).join(' ');
    parts.push(`<polyline class="series throughput" data-series="${escapeXml(seriesLabel(result))}" points="${points}" fill="none" stroke="${color}" stroke-width="2"/>`);
    labels.push({ label: seriesLabel(result), color });
  });
  if (withTimeline.length === 0) parts.push(`<text x="${x0 + 20}" y="${y0 + 30}" font-size="12">no throughput samples</text>`);
  return [...parts, ...legend(panel, labels)];
}

function latencyPanel(results: readonly RunResult[], panel: Panel): string[] {
  const withLatency = results.filter((r) => r.latency !== null && r.latency.percentiles.length > 0);
  const maxNines = 5;
  const values = withLatency.flatMap((r) => [...r.latency!.percentiles, ...(r.ackLatency?.percentiles ?? [])].map((p) => Math.max(p.valueMs, 0.001)));
  const minExp = Math.floor(Math.log10(Math.min(1, ...values)));
  const maxExp = Math.max(minExp + 1, Math.ceil(Math.log10(Math.max(1, ...values))));
  const x0 = MARGIN.left;
  const y0 = panel.top + MARGIN.top;
  const sx = (percentile: number): number => x0 + (ninesPosition(percentile, maxNines) / maxNines) * panel.plotWidth;
  const sy = (ms: number): number => y0 + panel.plotHeight - ((Math.log10(Math.max(ms, 0.001)) - minExp) / (maxExp - minExp)) * panel.plotHeight;
  const parts = panelFrame(panel, 'Latency distribution', 'percentile', 'latency (ms, log scale)');
  for (const [percentile, label] of [[0, '0%'], [90, '90%'], [99, '99%'], [99.9, '99.9%'], [99.99, '99.99%'], [99.999, '99.999%']] as const) {
    parts.push(`<line x1="${sx(percentile).toFixed(1)}" y1="${y0}" x2="${sx(percentile).toFixed(1)}" y2="${y0 + panel.plotHeight}" stroke="#ddd"/>`);
    parts.push(`<text x="${sx(percentile).toFixed(1)}" y="${y0 + panel.plotHeight + 16}" text-anchor="middle" font-size="11">${label}</text>`);
  }
  for (let e = minExp; e <= maxExp; e++) {
    const ms = Math.pow(10, e);
    parts.push(`<line x1="${x0}" y1="${sy(ms).toFixed(1)}" x2="${x0 + panel.plotWidth}" y2="${sy(ms).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 - 6}" y="${(sy(ms) + 4).toFixed(1)}" text-anchor="end" font-size="11">${+ms.toPrecision(3)}</text>`);
  }
  const labels: { label: string; color: string }[] = [];
  withLatency.forEach((result, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const points = result.latency!.percentiles.map((p) => `${sx(p.percentile).toFixed(1)},${sy(p.valueMs).toFixed(1)}`).join(' ');
    const label = `${seriesLabel(result)} (${result.latency!.kind})`;
    parts.push(`<polyline class="series latency" data-series="${escapeXml(seriesLabel(result))}" points="${points}" fill="none" stroke="${color}" stroke-width="2"/>`);
    labels.push({ label, color });
    const acks = result.ackLatency;
    if (acks && acks.percentiles.length > 0) {
      // End-to-end runs also draw their producers' ack latency, dashed, in the same colour.
      const ackPoints = acks.percentiles.map((p) => `${sx(p.percentile).toFixed(1)},${sy(p.valueMs).toFixed(1)}`).join(' ');
      parts.push(`<polyline class="series ack-latency" data-series="${escapeXml(seriesLabel(result))}" points="${ackPoints}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    }
  });
  if (withLatency.some((r) => r.ackLatency && r.ackLatency.percentiles.length > 0)) {
    labels.push({ label: 'dashed: producer ack latency of the same run', color: '#999' });
  }
  if (withLatency.length === 0) parts.push(`<text x="${x0 + 20}" y="${y0 + 30}" font-size="12">no latency samples</text>`);
  return [...parts, ...legend(panel, labels)];
}

/** The whole chart as an SVG document. */
export function renderChartSvg(results: readonly RunResult[], title = 'Sluice benchmark'): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = 40;
  const height = top + 2 * PANEL_HEIGHT;
  const body = [
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="26" font-size="18" font-weight="bold">${escapeXml(title)}</text>`,
    ...throughputPanel(results, { top, plotWidth, plotHeight }),
    ...latencyPanel(results, { top: top + PANEL_HEIGHT, plotWidth, plotHeight }),
  ];
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    ...body.map((line) => `  ${line}`),
    `</svg>`,
    '',
  ].join('\n');
}
