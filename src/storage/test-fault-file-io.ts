// The FileIo a broker runs its storage on when test faults ask for one (docs/chaos.md, "Checking
// the checkers"): each fault is a layer over the one below, so that they combine. Order: the
// disk faults are outermost, so an fdatasync they fail never reaches the lose-unsynced-writes
// layer, which therefore does not record its bytes as durable — a crash after a failed fsync may
// lose them, as Linux may drop dirty pages after an fsync error.
import type { Logger } from '../common/logger';
import { testFault } from '../common/test-faults';
import { diskFaultFileIo } from './disk-fault-file-io';
import { nodeFileIo, type FileIo } from './file-io';
import { openUnsyncedLossFileIo } from './unsynced-loss-file-io';

/** The FileIo of the enabled test faults' layers over nodeFileIo, or undefined when none is enabled. */
export function testFaultFileIo(dataDir: string, logger: Logger): FileIo | undefined {
  let io: FileIo | undefined;
  if (testFault('lose-unsynced-writes')) io = openUnsyncedLossFileIo(dataDir, logger, io ?? nodeFileIo);
  if (testFault('disk-faults')) io = diskFaultFileIo(dataDir, io ?? nodeFileIo, logger);
  return io;
}
