// One chaos topology per machine: namespace names, the bridge and 10.77.0.0/24 are global, and a
// run's first step removes whatever it finds under the prefix. Engineers share this machine, so a
// run (or `make test`'s smoke) in one worktree must not tear down another's. A pid file created
// with O_EXCL is the lock; a lock whose process is gone is stale and taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const LOCK_FILE = '/run/lock/sluice-chaos.pid';

function holder(): number | undefined {
  try {
    const pid = Number(readFileSync(LOCK_FILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock if it is free or stale; returns the live pid holding it otherwise. */
export function tryLockNetwork(): { locked: true } | { locked: false; heldBy: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      return { locked: true };
    } catch {
      const pid = holder();
      if (pid === process.pid) return { locked: true };
      if (pid !== undefined && alive(pid)) return { locked: false, heldBy: pid };
      rmSync(LOCK_FILE, { force: true }); // stale (its run was killed): take it over
    }
  }
  return { locked: false, heldBy: holder() ?? -1 };
}

/** Releases the lock if this process holds it. */
export function unlockNetwork(): void {
  if (holder() === process.pid) rmSync(LOCK_FILE, { force: true });
}

/** The live process holding the lock, if another one does (`scripts/chaos cleanup` must not tear its run down). */
export function otherHolder(): number | undefined {
  const pid = holder();
  return pid !== undefined && pid !== process.pid && alive(pid) ? pid : undefined;
}
