// Summarizes a V8 CPU profile (`node --cpu-prof`, a .cpuprofile JSON file): self time per
// function, highest first. Pure: profile in, rows out.

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Whether a parsed JSON value has what summarizeCpuProfile reads (checked when a file is loaded). */
export function isCpuProfile(value: unknown): value is CpuProfile {
  const profile = value as Partial<CpuProfile> | null;
  return typeof profile === 'object' && profile !== null && Array.isArray(profile.nodes)
    && typeof profile.startTime === 'number' && typeof profile.endTime === 'number';
}

export interface SelfTimeRow {
  readonly functionName: string;
  /** Where it is defined: file name (node_modules package or project-relative) and line. */
  readonly location: string;
  readonly selfMs: number;
  readonly selfPercent: number;
  /** Share of the time the thread was not idle (the "(idle)" row is excluded). */
  readonly busyPercent: number;
}

function shortLocation(url: string, lineNumber: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('node_modules/');
  const short = nodeModules >= 0 ? path.slice(nodeModules + 'node_modules/'.length) : path.replace(/^.*\/dist\//, '');
  return `${short}:${lineNumber + 1}`;
}

/** Self time per function (same name and location merged), sorted by self time, top `limit`. */
export function summarizeCpuProfile(profile: CpuProfile, limit = 20): SelfTimeRow[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    // Each sample's time is the delta to the next sample.
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i + 1] ?? 0;
      selfMicros.set(profile.samples[i]!, (selfMicros.get(profile.samples[i]!) ?? 0) + Math.max(0, delta));
    }
  } else {
    const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const microsPerHit = totalHits > 0 ? (profile.endTime - profile.startTime) / totalHits : 0;
    for (const node of profile.nodes) selfMicros.set(node.id, (node.hitCount ?? 0) * microsPerHit);
  }
  const merged = new Map<string, { functionName: string; location: string; micros: number }>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    if (!node) continue;
    total += micros;
    const functionName = node.callFrame.functionName || '(anonymous)';
    const location = shortLocation(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${functionName}@${location}`;
    const entry = merged.get(key) ?? { functionName, location, micros: 0 };
    entry.micros += micros;
    merged.set(key, entry);
  }
  const idle = merged.get('(idle)@')?.micros ?? 0;
  const busy = total - idle;
  return [...merged.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, limit)
    .map((e) => ({
      functionName: e.functionName,
      location: e.location,
      selfMs: Math.round(e.micros / 100) / 10,
      selfPercent: total > 0 ? Math.round((e.micros / total) * 1000) / 10 : 0,
      busyPercent: busy > 0 && e.functionName !== '(idle)' ? Math.round((e.micros / busy) * 1000) / 10 : 0,
    }));
}
