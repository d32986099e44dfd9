// Faults a broker can be told to commit, for the chaos suite to check that its checkers catch
// real broken promises (docs/chaos.md, "Checking the checkers"). Only from the environment, and
// only when the test-only switch is set too: no config file key or CLI flag reaches them.
//   SLUICE_TEST_FAULT=ack-before-commit     acks=all produce is answered at the leader's append
//   SLUICE_TEST_FAULT=lose-unsynced-writes  at start, segment bytes never fdatasynced are cut
//                                           away, as a machine crash would (storage/unsynced-loss-file-io.ts)
//   SLUICE_TEST_FAULT=disk-faults           segment appends or fdatasyncs fail with EIO or ENOSPC while
//                                           <dataDir>/test-disk-fault says so (storage/disk-fault-file-io.ts)
// A comma list enables several. SLUICE_TEST_FAULTS_ALLOWED=1 is the switch.

export const TEST_FAULTS = ['ack-before-commit', 'lose-unsynced-writes', 'disk-faults'] as const;
export type TestFault = (typeof TEST_FAULTS)[number];

const enabled = new Set<TestFault>();

/**
 * Reads SLUICE_TEST_FAULT from `env` and enables its faults; throws, saying why, on an unknown
 * fault or when the test-only switch is not set. Returns the faults enabled.
 */
export function enableTestFaults(env: NodeJS.ProcessEnv = process.env): readonly TestFault[] {
  const text = env.SLUICE_TEST_FAULT;
  if (text === undefined || text.trim() === '') return [];
  if (env.SLUICE_TEST_FAULTS_ALLOWED !== '1') {
    throw new Error(`SLUICE_TEST_FAULT='${text}' is refused: test faults break the broker's promises on purpose and need SLUICE_TEST_FAULTS_ALLOWED=1 (tests only); unset SLUICE_TEST_FAULT to run normally`);
  }
  for (const name of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(TEST_FAULTS as readonly string[]).includes(name)) throw new Error(`SLUICE_TEST_FAULT names unknown fault '${name}': use ${TEST_FAULTS.join(', ')} (comma separated)`);
    enabled.add(name as TestFault);
  }
  return [...enabled];
}

/** Whether this process was started with `fault` enabled. */
export function testFault(fault: TestFault): boolean {
  return enabled.has(fault);
}
