// Raft core figures (a benchmark, not a test): simulator speed, and proposals/s with CPU µs per
// committed proposal through a 3-node in-memory cluster (synchronous hosts, no network, no disk).
// Run: npx tsc -p tsconfig.json && node dist/scripts/bench-raft.js [--seconds 3]
// Prints the figures and writes bench-results/raft.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { asNodeId, asRaftIndex } from '../src/common/ids';
import { MemoryRaftStorage } from '../src/raft/memory-storage';
import type { Message } from '../src/raft/messages';
import { SeededRandom } from '../src/raft/random';
import { RaftNode } from '../src/raft/raft-node';
import { runSeed } from '../test/raft/sim/simulation';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;

function benchSimulator(nodes: number): { seeds: number; ticks: number; ticksPerSec: number; seedsPerSec: number } {
  const start = process.hrtime.bigint();
  let ticks = 0;
  let seeds = 0;
  while (Number(process.hrtime.bigint() - start) / 1e9 < SECONDS) {
    const r = runSeed(10_000 + seeds, { nodes, steps: 300 });
    if (!r.ok) throw new Error(`seed ${r.seed} failed: ${r.error}`);
    ticks += r.stats.ticks;
    seeds++;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { seeds, ticks, ticksPerSec: Math.round(ticks / secs), seedsPerSec: Math.round(seeds / secs) };
}

interface ClusterResult {
  proposalsPerReady: number;
  entryBytes: number;
  committed: number;
  proposalsPerSec: number;
  cpuMicrosPerProposal: number;
  messagesPerProposal: number;
}

/** 3 voters, synchronous hosts: persist to MemoryRaftStorage, deliver messages at once. */
function benchCluster(proposalsPerReady: number, entryBytes: number): ClusterResult {
  const ids = [1, 2, 3];
  const storages = ids.map(() => MemoryRaftStorage.bootstrap(ids));
  const nodes = ids.map((id, i) => new RaftNode({ id: asNodeId(id), storage: storages[i]!, random: new SeededRandom(id), maxInflightMessages: 64 }));
  const applied = [0, 0, 0];
  let messages = 0;
  const queue: Message[] = [];
  const pump = (): void => {
    for (let round = 0; round < 1000; round++) {
      let busy = false;
      for (let i = 0; i < 3; i++) {
        const n = nodes[i]!;
        if (!n.hasReady()) continue;
        busy = true;
        const rd = n.ready();
        const st = storages[i]!;
        if (rd.snapshot) st.applySnapshot(rd.snapshot);
        st.append(rd.entries);
        if (rd.hardState) st.setHardState(rd.hardState);
        for (const m of rd.unsyncedMessages) queue.push(m);
        for (const m of rd.messages) queue.push(m);
        if (rd.committedEntries.length > 0) applied[i] = rd.committedEntries[rd.committedEntries.length - 1]!.index;
        n.advance(rd);
      }
      messages += queue.length;
      while (queue.length > 0) {
        const m = queue.shift()!;
        nodes[m.to - 1]!.step(m);
      }
      if (!busy) return;
    }
  };
  nodes[0]!.campaign();
  pump();
  const leader = nodes[0]!;
  if (leader.status().role !== 'leader') throw new Error('node 1 did not become leader');
  const payload = new Uint8Array(entryBytes).fill(7);
  const batch = Array.from({ length: proposalsPerReady }, () => payload);
  const startCommitted = applied[0]!;
  messages = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let rounds = 0;
  while (Number(process.hrtime.bigint() - t0) / 1e9 < SECONDS) {
    const r = leader.proposeBatch(batch);
    if (!r.ok) throw new Error(`proposal refused: ${r.message}`);
    pump();
    if (++rounds % 64 === 0) {
      for (let i = 0; i < 3; i++) {
        const st = storages[i]!;
        const upTo = applied[i]! - 1000;
        if (upTo > st.snapshotMeta().index) st.compact(asRaftIndex(upTo), st.snapshotMeta().config, new Uint8Array(0));
      }
      if (rounds % 256 === 0) for (const n of nodes) n.tick();
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const committed = applied[0]! - startCommitted;
  return {
    proposalsPerReady,
    entryBytes,
    committed,
    proposalsPerSec: Math.round(committed / secs),
    cpuMicrosPerProposal: Number(((cpu.user + cpu.system) / committed).toFixed(2)),
    messagesPerProposal: Number((messages / committed).toFixed(3)),
  };
}

function main(): void {
  const sim3 = benchSimulator(3);
  console.log(`simulator, 3 voters: ${sim3.ticksPerSec} simulated ticks/s (${sim3.seedsPerSec} seeds/s of 300 faulty ticks + quiet phase)`);
  const sim5 = benchSimulator(5);
  console.log(`simulator, 5 voters: ${sim5.ticksPerSec} simulated ticks/s (${sim5.seedsPerSec} seeds/s)`);
  const clusters: ClusterResult[] = [];
  for (const [perReady, bytes] of [[1, 1024], [16, 1024], [256, 1024], [256, 16384]] as const) {
    const r = benchCluster(perReady, bytes);
    clusters.push(r);
    console.log(
      `3-node cluster, ${perReady} proposal(s) of ${bytes} B per Ready: ${r.proposalsPerSec} committed proposals/s, ` +
        `${r.cpuMicrosPerProposal} CPU µs per proposal (all 3 nodes, one thread), ${r.messagesPerProposal} messages per proposal`,
    );
  }
  mkdirSync('bench-results', { recursive: true });
  const out = { when: new Date().toISOString(), node: process.version, seconds: SECONDS, simulator: { nodes3: sim3, nodes5: sim5 }, cluster: clusters };
  writeFileSync('bench-results/raft.json', JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench-results/raft.json');
}

main();
