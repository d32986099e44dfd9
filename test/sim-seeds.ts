// `--seeds A..B` (or one seed) for the seeded simulators (test/raft/sim, test/consumer-groups/sim).

export function parseSeedRange(text: string): { from: number; to: number } {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`--seeds takes A..B (or a single seed), e.g. --seeds 1..500, not '${text}'`);
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}
