// Consumer-group figures (a benchmark, not a test; docs/consumer-groups.md, "Figures"), against an
// in-process broker over real gRPC, with thin members sending raw ConsumerGroupHeartbeats the way
// the TypeScript client does (the next heartbeat at once after a revocation, else after the
// heartbeat interval the broker asks for):
//   1. join → stable: a 10-member group over a 100-partition topic, an 11th member joins; the time
//      until the group is stable with every member at the target, and the partitions moved;
//   2. silent member → partitions moved: two members split 6 partitions, one stops heartbeating
//      (as after kill -9: no leave); the time from its last heartbeat until the other holds all 6;
//   3. heartbeat cost: 10 members of a stable group over 100 partitions heartbeating back to back
//      for a few seconds; process CPU per heartbeat (the broker and the members share the process,
//      so it is an upper bound of the coordinator's share), as a share of a core at 1,000/s;
//   4. takeover replay: N groups (one member, one commit each) written to __consumer_offsets, the
//      broker restarted on the same data; the time until a group of every offsets partition is
//      served (each partition replayed from its log start), and until every group is restored
//      and ticked (the host's tick restores them all), against the same with no groups;
//   5. replay as history grows: C commits (memberless, 10 groups of one offsets partition, one
//      batch each) then a restart; the time until that partition is served, with snapshots of
//      the partition's state off and on (docs/consumer-groups.md, "Bounded replay").
// Run from the repository root after a build:
//   SLUICE_LOG_LEVEL=warn node dist/scripts/bench-groups.js [--runs 3] [--groups 1000,10000] [--intervals 5000,500] [--sessions 45000/5000,10000/1000] [--history 10000,100000] [--only history]
// Prints the figures and writes bench-results/groups.json.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { offsetsPartitionFor } from '../src/consumer-groups/consumer-group-offsets';
import { ConsumerGroupState } from '../src/protocol/generated/sluice/v1/ConsumerGroupState';
import { startBrokerFixture, type BrokerFixture, type Rpc } from '../test/broker/broker-fixture';
import { ThinMember } from '../test/consumer-groups/thin-member';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const positiveIntegers = (name: string, fallback: string): number[] => {
  const values = arg(name, fallback).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name} ${arg(name, fallback)} is invalid: give positive integers separated by commas, e.g. ${fallback}`);
  return values;
};
const RUNS = positiveIntegers('--runs', '3')[0]!;
const GROUP_COUNTS = positiveIntegers('--groups', '1000,10000');
const INTERVALS = positiveIntegers('--intervals', '5000,500');
const HISTORY = positiveIntegers('--history', '10000,100000');
/** `--only history` runs figure 5 alone. */
const ONLY_HISTORY = arg('--only', '') === 'history';
const SESSIONS = arg('--sessions', '45000/5000,10000/1000').split(',').map((pair) => {
  const [sessionMs, intervalMs] = pair.split('/').map(Number);
  if (!Number.isInteger(sessionMs) || !Number.isInteger(intervalMs) || intervalMs! >= sessionMs!) throw new Error(`--sessions ${pair} is invalid: give sessionMs/heartbeatIntervalMs pairs, interval below session, e.g. 45000/5000`);
  return { sessionMs: sessionMs!, intervalMs: intervalMs! };
});
const OFFSETS_PARTITIONS = 8;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** When each member's last heartbeat was answered (performance.now()). */
const lastAnswered = new WeakMap<ThinMember, number>();

/** Heartbeats like the client until stopped: at once after giving partitions up, else after the interval. */
function heartbeatLoop(m: ThinMember, stopped: () => boolean): Promise<void> {
  return (async () => {
    while (!stopped()) {
      const before = m.owned;
      const answer = await m.beat().catch(() => undefined);
      lastAnswered.set(m, performance.now());
      const revoked = before.some((p) => !m.owned.includes(p));
      await sleep(revoked ? 0 : (answer?.heartbeatIntervalMs ?? 100));
    }
  })();
}

async function describe(groups: Rpc, groupId: string): Promise<any> {
  return (await groups('describeGroups', { groupIds: [groupId] })).groups[0];
}

const holders = (group: any): Map<number, string> => {
  const out = new Map<number, string>();
  for (const m of group.members) for (const tp of m.assigned) for (const p of tp.partitions) out.set(p, m.memberId);
  return out;
};

/** One run of figure 1: seconds from the 11th member's join to a stable group, and partitions moved. */
async function joinToStable(intervalMs: number, run: number): Promise<{ seconds: number; moved: number; heartbeats: number }> {
  const fx = await startBrokerFixture({ groupSessionTimeoutMs: Math.max(45_000, 3 * intervalMs), groupHeartbeatIntervalMs: intervalMs });
  try {
    await fx.admin('createTopics', { topics: [{ name: 'bench', partitions: 100 }] });
    const groupId = `join-${intervalMs}-${run}`;
    let stop = false;
    let heartbeats = 0;
    const counted: Rpc = (method, request, timeoutMs) => {
      if (method === 'consumerGroupHeartbeat') heartbeats++;
      return fx.groups(method, request, timeoutMs);
    };
    const members = Array.from({ length: 10 }, () => new ThinMember(() => counted, groupId, 'bench'));
    for (const m of members) await m.join();
    const loops = members.map((m) => heartbeatLoop(m, () => stop));
    const stable = async (size: number): Promise<any> => {
      for (;;) {
        const group = await describe(fx.groups, groupId);
        const settled = group.members.length === size && group.members.every((m: any) => m.memberEpoch === group.groupEpoch && m.state === group.members[0].state);
        if (group.state === ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE && settled && holders(group).size === 100) return group;
        await sleep(2);
      }
    };
    const before = holders(await stable(10));
    heartbeats = 0;
    const began = performance.now();
    const joiner = new ThinMember(() => counted, groupId, 'bench');
    await joiner.join();
    loops.push(heartbeatLoop(joiner, () => stop));
    const after = holders(await stable(11));
    const seconds = (performance.now() - began) / 1000;
    const moved = [...after].filter(([p, owner]) => before.get(p) !== owner).length;
    stop = true;
    await Promise.all(loops);
    return { seconds, moved, heartbeats };
  } finally {
    await fx.close();
  }
}

/** Figure 2: seconds from the last heartbeat of one of two members to the other holding all 6 partitions. */
async function silentMemberHandover(sessionMs: number, intervalMs: number, run: number): Promise<number> {
  const fx = await startBrokerFixture({ groupSessionTimeoutMs: sessionMs, groupHeartbeatIntervalMs: intervalMs });
  try {
    await fx.admin('createTopics', { topics: [{ name: 'handover', partitions: 6 }] });
    const groupId = `handover-${sessionMs}-${run}`;
    const [silent, survivor] = [new ThinMember(() => fx.groups, groupId, 'handover'), new ThinMember(() => fx.groups, groupId, 'handover')];
    await silent.join();
    await survivor.join();
    let silenced = false;
    let stop = false;
    const loops = [heartbeatLoop(silent, () => silenced), heartbeatLoop(survivor, () => stop)];
    while (!(silent.owned.length === 3 && survivor.owned.length === 3)) await sleep(5);
    silenced = true;
    await loops[0];
    // From its last heartbeat: a kill -9 lands somewhere in the interval after it.
    const began = lastAnswered.get(silent)!;
    while (survivor.owned.length < 6) await sleep(5);
    const seconds = (performance.now() - began) / 1000;
    stop = true;
    await loops[1];
    return seconds;
  } finally {
    await fx.close();
  }
}

/** Figure 3: CPU milliseconds per heartbeat (broker and members together) in a stable group. */
async function heartbeatCost(seconds: number): Promise<{ heartbeats: number; cpuMsPerHeartbeat: number; heartbeatsPerSecond: number }> {
  const fx = await startBrokerFixture({ groupHeartbeatIntervalMs: 5_000 });
  try {
    await fx.admin('createTopics', { topics: [{ name: 'cost', partitions: 100 }] });
    const members = Array.from({ length: 10 }, () => new ThinMember(() => fx.groups, 'cost', 'cost'));
    for (const m of members) await m.join();
    for (let round = 0; round < 5 || !members.every((m) => m.owned.length === 10); round++) for (const m of members) await m.beat();
    let heartbeats = 0;
    const cpu = process.cpuUsage();
    const began = performance.now();
    const deadline = began + seconds * 1000;
    await Promise.all(members.map(async (m) => {
      while (performance.now() < deadline) {
        await m.beat();
        heartbeats++;
      }
    }));
    const used = process.cpuUsage(cpu);
    const elapsed = (performance.now() - began) / 1000;
    return { heartbeats, cpuMsPerHeartbeat: (used.user + used.system) / 1000 / heartbeats, heartbeatsPerSecond: heartbeats / elapsed };
  } finally {
    await fx.close();
  }
}

/** Group ids, one per offsets partition, so that describing them makes the broker replay every partition. */
function onePerOffsetsPartition(prefix: string): string[] {
  const ids = new Map<number, string>();
  for (let i = 0; ids.size < OFFSETS_PARTITIONS; i++) {
    const id = `${prefix}-${i}`;
    if (!ids.has(offsetsPartitionFor(id, OFFSETS_PARTITIONS))) ids.set(offsetsPartitionFor(id, OFFSETS_PARTITIONS), id);
  }
  return [...ids.values()];
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

/** Figure 4: N groups written, the broker restarted; seconds until a group of every offsets partition answers. */
async function takeoverReplay(groupCount: number): Promise<{ groups: number; writeSeconds: number; dataBytes: number; startSeconds: number; replaySeconds: number[]; restoredSeconds: number[] }> {
  let fx: BrokerFixture = await startBrokerFixture({});
  try {
    await fx.admin('createTopics', { topics: [{ name: 'replayed', partitions: 1 }] });
    const ids = Array.from({ length: groupCount }, (_, i) => `replay-${i}`);
    const began = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const m = new ThinMember(() => fx.groups, ids[next++]!, 'replayed');
        await m.join();
        await m.commit(0, 1);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const writeSeconds = (performance.now() - began) / 1000;
    const probes = onePerOffsetsPartition('replay');
    const replaySeconds: number[] = [];
    const restoredSeconds: number[] = [];
    let startSeconds = 0;
    for (let run = 0; run < RUNS; run++) {
      await fx.close({ keepData: true });
      const started = performance.now();
      fx = await startBrokerFixture({}, fx.dataDir);
      const ready = performance.now();
      startSeconds = (ready - started) / 1000;
      await Promise.all(probes.map((id) => describe(fx.groups, id)));
      replaySeconds.push((performance.now() - ready) / 1000);
      // A tick restores every group not restored yet (a periodic tick may already have done part).
      await fx.broker.context.consumerGroups.tick();
      restoredSeconds.push((performance.now() - ready) / 1000);
    }
    return { groups: groupCount, writeSeconds, dataBytes: directoryBytes(fx.dataDir), startSeconds, replaySeconds, restoredSeconds };
  } finally {
    await fx.close();
  }
}

/** Figure 5: `commits` commits to one offsets partition, the broker restarted; seconds until it is served again. */
async function historyReplay(commits: number, snapshots: boolean): Promise<{ commits: number; snapshots: boolean; dataBytes: number; replaySeconds: number[] }> {
  // Off: a snapshot is never due. On: the broker's default.
  const config = snapshots ? {} : { groupStateSnapshotMinRecords: Number.MAX_SAFE_INTEGER };
  let fx: BrokerFixture = await startBrokerFixture(config);
  try {
    await fx.admin('createTopics', { topics: [{ name: 'replayed', partitions: 1 }] });
    const target = offsetsPartitionFor('history-0', OFFSETS_PARTITIONS);
    const ids: string[] = [];
    for (let i = 0; ids.length < 10; i++) if (offsetsPartitionFor(`history-${i}`, OFFSETS_PARTITIONS) === target) ids.push(`history-${i}`);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < commits) {
        const n = next++;
        await fx.groups('commitOffsets', { groupId: ids[n % ids.length]!, partitions: [{ topic: 'replayed', partition: 0, offset: n }] });
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    // The periodic tick (every second here) writes a snapshot once one is due.
    if (snapshots) await fx.broker.context.consumerGroups.tick();
    const replaySeconds: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await fx.close({ keepData: true });
      fx = await startBrokerFixture(config, fx.dataDir);
      const ready = performance.now();
      await describe(fx.groups, ids[0]!);
      replaySeconds.push((performance.now() - ready) / 1000);
    }
    return { commits, snapshots, dataBytes: directoryBytes(fx.dataDir), replaySeconds };
  } finally {
    await fx.close();
  }
}

async function historyFigures(): Promise<Awaited<ReturnType<typeof historyReplay>>[]> {
  const histories = [];
  for (const commits of HISTORY) {
    for (const snapshots of [false, true]) {
      const r = await historyReplay(commits, snapshots);
      histories.push(r);
      console.log(`replay after ${commits} commits to one offsets partition (${(r.dataBytes / 1e6).toFixed(1)} MB of data), snapshots ${snapshots ? 'on' : 'off'}: served after median ${median(r.replaySeconds).toFixed(3)} s (runs ${r.replaySeconds.map((x) => x.toFixed(3)).join(', ')})`);
    }
  }
  return histories;
}

async function main(): Promise<void> {
  if (ONLY_HISTORY) {
    const histories = await historyFigures();
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/groups-history.json', JSON.stringify({ date: new Date().toISOString(), runs: RUNS, histories }, null, 2));
    console.log('wrote bench-results/groups-history.json');
    return;
  }
  const joins: { heartbeatIntervalMs: number; runs: { seconds: number; moved: number; heartbeats: number }[] }[] = [];
  for (const intervalMs of INTERVALS) {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await joinToStable(intervalMs, run));
    joins.push({ heartbeatIntervalMs: intervalMs, runs });
    console.log(`join → stable, 10 members + 1 over 100 partitions, heartbeat interval ${intervalMs} ms: median ${median(runs.map((r) => r.seconds)).toFixed(3)} s (runs ${runs.map((r) => r.seconds.toFixed(3)).join(', ')}), partitions moved ${runs.map((r) => r.moved).join(', ')}, heartbeats ${runs.map((r) => r.heartbeats).join(', ')}`);
  }
  const handovers: { sessionTimeoutMs: number; heartbeatIntervalMs: number; seconds: number[] }[] = [];
  for (const { sessionMs, intervalMs } of SESSIONS) {
    // The default session (45 s) once: each run waits it out.
    const seconds = [];
    for (let run = 0; run < (sessionMs >= 30_000 ? 1 : RUNS); run++) seconds.push(await silentMemberHandover(sessionMs, intervalMs, run));
    handovers.push({ sessionTimeoutMs: sessionMs, heartbeatIntervalMs: intervalMs, seconds });
    console.log(`silent member's last heartbeat → its partitions held by the other, session ${sessionMs} ms, heartbeat ${intervalMs} ms: ${seconds.map((x) => x.toFixed(2)).join(', ')} s`);
  }
  const cost = await heartbeatCost(5);
  console.log(`heartbeats of a stable 10-member group (100 partitions), back to back: ${cost.heartbeatsPerSecond.toFixed(0)}/s, ${cost.cpuMsPerHeartbeat.toFixed(3)} ms of CPU each (broker and members in one process): 1,000 heartbeats/s ≈ ${(cost.cpuMsPerHeartbeat * 100).toFixed(0)}% of a core at most`);
  const replays = [];
  for (const groupCount of [0, ...GROUP_COUNTS]) {
    const r = await takeoverReplay(groupCount);
    replays.push(r);
    console.log(`takeover replay, ${groupCount} groups (${(r.dataBytes / 1e6).toFixed(1)} MB of data, written in ${r.writeSeconds.toFixed(1)} s): broker start ${r.startSeconds.toFixed(3)} s, then every offsets partition served after median ${median(r.replaySeconds).toFixed(3)} s (runs ${r.replaySeconds.map((s) => s.toFixed(3)).join(', ')}), every group restored after median ${median(r.restoredSeconds).toFixed(3)} s`);
  }
  const histories = await historyFigures();
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/groups.json', JSON.stringify({ date: new Date().toISOString(), runs: RUNS, joins, handovers, heartbeatCost: cost, replays, histories }, null, 2));
  console.log('wrote bench-results/groups.json');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
