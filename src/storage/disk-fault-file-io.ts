// A FileIo for the chaos suite's disk nemeses (docs/chaos.md, "disk-eio", "disk-full"): while the
// control file <dataDir>/test-disk-fault exists, every append to (writev) or fdatasync of a
// segment file fails the way it names, without touching the file: "EIO append", "EIO fsync" or
// "ENOSPC append". The nemesis writes the file to switch the fault on for one broker and removes
// it to switch it off; a file beside it, test-disk-faults-injected, gets one line per failure
// injected. A file, not a signal: it says which fault, it can be written while the broker is
// SIGSTOPped, and each call reads it afresh (one stat when it is absent), so the switch takes
// effect at the next call with nothing in between to race.
// Test-only: enabled by SLUICE_TEST_FAULT=disk-faults (src/common/test-faults.ts).
import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../common/logger';
import type { FileIo } from './file-io';
import { SEGMENT_FILE_PATTERN } from './segment';

export const DISK_FAULT_CONTROL_FILE = 'test-disk-fault';
export const DISK_FAULTS_INJECTED_FILE = 'test-disk-faults-injected';

export const DISK_FAULTS = ['EIO append', 'EIO fsync', 'ENOSPC append'] as const;
export type DiskFault = (typeof DISK_FAULTS)[number];

/** Switches `fault` on for the broker whose data directory is `dataDir` (off with `undefined`). */
export function setDiskFault(dataDir: string, fault: DiskFault | undefined): void {
  const path = join(dataDir, DISK_FAULT_CONTROL_FILE);
  if (fault === undefined) fs.rmSync(path, { force: true });
  else fs.writeFileSync(path, `${fault}\n`);
}

/** How many failures the broker whose data directory is `dataDir` has injected so far. */
export function injectedDiskFaults(dataDir: string): number {
  const path = join(dataDir, DISK_FAULTS_INJECTED_FILE);
  return fs.existsSync(path) ? fs.readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').length : 0;
}

function parseDiskFault(text: string, path: string): DiskFault {
  const fault = text.trim().replace(/\s+/g, ' ');
  if ((DISK_FAULTS as readonly string[]).includes(fault)) return fault as DiskFault;
  throw new Error(`test fault disk-faults: ${path} holds '${fault}': write one of ${DISK_FAULTS.map((f) => `'${f}'`).join(', ')}, or remove the file to stop the fault`);
}

export function diskFaultFileIo(dataDir: string, inner: FileIo, logger: Logger): FileIo {
  const controlPath = join(dataDir, DISK_FAULT_CONTROL_FILE);
  const injectedPath = join(dataDir, DISK_FAULTS_INJECTED_FILE);
  const segmentPaths = new Map<number, string>();
  /** Throws the fault the control file names for `operation` on `fd`, if it names one. */
  const maybeFail = (fd: number, operation: 'append' | 'fsync'): void => {
    const path = segmentPaths.get(fd);
    if (path === undefined || fs.statSync(controlPath, { throwIfNoEntry: false }) === undefined) return;
    const fault = parseDiskFault(fs.readFileSync(controlPath, 'utf8'), controlPath);
    const [errno, on] = fault.split(' ') as [string, string];
    if (on !== operation) return;
    fs.appendFileSync(injectedPath, `${Date.now()}\t${fault}\t${path}\n`);
    logger.warn({ path, fault }, `test fault disk-faults: ${operation} of ${path} fails with ${errno}`);
    throw Object.assign(new Error(`${errno}: ${operation} of ${path} failed (injected by the test fault disk-faults)`), { code: errno });
  };
  return {
    ...inner,
    open: async (path, flags) => {
      const fd = await inner.open(path, flags);
      if (SEGMENT_FILE_PATTERN.test(basename(path))) segmentPaths.set(fd, path);
      return fd;
    },
    close: async (fd) => {
      segmentPaths.delete(fd);
      await inner.close(fd);
    },
    writev: async (fd, buffers, position) => {
      maybeFail(fd, 'append');
      return inner.writev(fd, buffers, position);
    },
    fdatasync: async (fd) => {
      maybeFail(fd, 'fsync');
      await inner.fdatasync(fd);
    },
  };
}
