// Admin requests that change metadata become metadata commands; whether one is allowed is decided
// where commands are applied (src/metadata/apply-command.ts), on every broker alike. The
// controller also checks each against its current state first, so that refused ones never enter
// the log (cluster-core.ts, docs/cluster.md "Metadata: what the controller replicates").
import { ErrorCode, SluiceError } from '../../common/errors';
import type { MetadataCommand } from '../../metadata/metadata-commands';
import type { ClusterContext } from '../context';

export interface CommandResult {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string;
}

/** Proposes `command`, or only checks it; answers the outcome as an error code and message. */
export async function proposeOrValidate(cluster: ClusterContext, command: MetadataCommand, validateOnly: boolean): Promise<CommandResult> {
  if (validateOnly) {
    const outcome = cluster.validate(command);
    return outcome.ok ? { errorCode: ErrorCode.NONE, errorMessage: '' } : { errorCode: outcome.code, errorMessage: outcome.message };
  }
  try {
    await cluster.propose(command);
    return { errorCode: ErrorCode.NONE, errorMessage: '' };
  } catch (error) {
    return { errorCode: error instanceof SluiceError ? error.code : ErrorCode.UNKNOWN, errorMessage: (error as Error).message };
  }
}
