// The degraded-link nemeses of the chaos suite (docs/chaos.md, "Degraded links"): their names,
// the seeded parameters a step draws for them, and which proxy fault each one sets. slow-link is
// a kernel rule (tc tbf, partitions.ts); the others are faults of the TCP proxies every peer
// connection passes through when a run uses them (links.ts, link-proxy.ts).
import type { LinkFault } from './link-proxy';

export const PROXY_NEMESES = ['link-delay', 'link-stall', 'link-reset', 'half-open'] as const;
export const DEGRADED_LINK_NEMESES = ['slow-link', ...PROXY_NEMESES] as const;
export type ProxyNemesis = (typeof PROXY_NEMESES)[number];
export type DegradedLinkNemesis = (typeof DEGRADED_LINK_NEMESES)[number];

export const isProxyNemesis = (name: string): name is ProxyNemesis => (PROXY_NEMESES as readonly string[]).includes(name);

export interface LinkParameters {
  /** slow-link's rate, each way, in kbit/s. */
  readonly rateKbit: number;
  /** link-delay's delay of each chunk, each way, and the jitter around it (uniform, ± jitterMs). */
  readonly delayMs: number;
  readonly jitterMs: number;
}

/**
 * A step's degraded-link parameters. The schedule draws them from a generator of their own, so
 * adding them left every other draw, and the schedules of seeds run without these nemeses, as they were.
 */
export function drawLinkParameters(random: () => number): LinkParameters {
  const rateKbit = Math.round(128 + random() * (1024 - 128));
  const delayMs = Math.round(50 + random() * (600 - 50));
  return { rateKbit, delayMs, jitterMs: Math.round(random() * delayMs / 2) };
}

/** The proxy fault of a proxy nemesis. */
export function proxyFaultOf(nemesis: ProxyNemesis, parameters: LinkParameters): LinkFault {
  switch (nemesis) {
    case 'link-delay': return { kind: 'delay', delayMs: parameters.delayMs, jitterMs: parameters.jitterMs };
    case 'link-stall': return { kind: 'stall' };
    case 'link-reset': return { kind: 'reset' };
    case 'half-open': return { kind: 'half-open' };
  }
}

/** What the schedule prints about a step's degraded link ("delay 300 ± 40 ms"), if it has one. */
export function describeLinkParameters(nemeses: readonly string[], parameters: LinkParameters): string[] {
  return [
    ...(nemeses.includes('slow-link') ? [`${parameters.rateKbit} kbit/s`] : []),
    ...(nemeses.includes('link-delay') ? [`delay ${parameters.delayMs} ± ${parameters.jitterMs} ms`] : []),
  ];
}
