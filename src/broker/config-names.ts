// Setting names a config file may use. A misspelled one (`grpcPrt`) would otherwise be ignored
// silently and the broker would run with the default; it is refused by name instead, with the
// nearest known name (topic configs are checked the same way, src/metadata/topic-config.ts).

/** Names at each level of a config file; `nested` maps a setting to the names inside it (objects checked by name). */
export interface SettingNames {
  readonly names: readonly string[];
  readonly nested?: Readonly<Record<string, SettingNames>>;
}

/** Throws naming the first setting of `file` that `known` does not list. `file` came from JSON.parse. */
export function checkSettingNames(file: unknown, known: SettingNames, path: string): asserts file is Record<string, unknown> {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Error(`config file ${path} must hold a JSON object of settings`);
  checkLevel(file as Record<string, unknown>, known, '', path);
}

function checkLevel(value: Record<string, unknown>, known: SettingNames, prefix: string, path: string): void {
  for (const [name, inner] of Object.entries(value)) {
    if (!known.names.includes(name)) {
      const nearest = nearestName(name, known.names);
      const hint = nearest !== undefined ? ` (did you mean '${prefix}${nearest}'?)` : `; the settings are: ${known.names.map((n) => prefix + n).join(', ')}`;
      throw new Error(`config file ${path}: unknown setting '${prefix}${name}'${hint}`);
    }
    const nested = known.nested?.[name];
    if (nested && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) checkLevel(inner as Record<string, unknown>, nested, `${prefix}${name}.`, path);
  }
}

/** The known name within a third of its length in edits (case-insensitive), if one is. */
function nearestName(name: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}
