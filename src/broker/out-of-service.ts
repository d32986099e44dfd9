// Partitions this broker holds but could not open (issue 28: a broker never refuses to start
// because of one partition). Each stays out of service with a reason clients may read — it names
// the partition and the failure, never a server path — while the broker serves everything else.
// docs/storage.md, "A partition that cannot be opened", says how an operator recovers one.
import { partitionKey, type TopicPartition } from '../common/ids';

/** errno codes of a broker short of a resource, not of a damaged log: retried at the next open, never rebuilt. */
const RESOURCE_EXHAUSTION = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'ENOSPC', 'EAGAIN', 'EBUSY']);

/** Whether `error` says the broker lacks a resource (descriptors, memory, space) rather than that the log is damaged. */
export function isResourceExhaustion(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && RESOURCE_EXHAUSTION.has(code);
}

/** Absolute paths in a message, replaced by their last component: clients see no server paths. */
const ABSOLUTE_PATH = /(?:\/[^\s'",:()]+)+/g;

/** What went wrong opening a partition, for clients: the error's message with every path cut to its last component. */
export function openFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(ABSOLUTE_PATH, (path) => path.slice(path.lastIndexOf('/') + 1));
}

export interface OutOfService {
  readonly topicPartition: TopicPartition;
  readonly reason: string;
}

export class OutOfServicePartitions {
  private readonly byKey = new Map<string, OutOfService>();

  set(topicPartition: TopicPartition, reason: string): void {
    this.byKey.set(partitionKey(topicPartition), { topicPartition, reason });
  }

  delete(topicPartition: TopicPartition): void {
    this.byKey.delete(partitionKey(topicPartition));
  }

  get(topicPartition: TopicPartition): OutOfService | undefined {
    return this.byKey.get(partitionKey(topicPartition));
  }

  list(): OutOfService[] {
    return [...this.byKey.values()];
  }

  clear(): void {
    this.byKey.clear();
  }
}
