// The topics of a run: created before the fuzzing, and deleted every few thousand requests so
// that the topics and partitions the fuzzer creates stay bounded (a run measures what requests
// do to a broker, not how many topics it can hold: that limit has its own tests).
import { encode, type, untilAccepted, type Channels } from './canary';
import { unaryCall } from './raw-grpc';

const TOPIC_ALREADY_EXISTS = 14;
const ADMIN_TIMEOUT_MS = 10_000;

interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string;
}

/** Creates each (name, partitions, replication factor), retrying until created or already there. */
export async function createTopics(channels: Channels, addresses: readonly string[], topics: readonly [string, number, number][]): Promise<void> {
  const responseType = type('sluice.v1.CreateTopicsResponse');
  for (const [name, partitions, replicationFactor] of topics) {
    const body = encode('sluice.v1.CreateTopicsRequest', { topics: [{ name, partitions, replicationFactor }] });
    await untilAccepted(channels, addresses, '/sluice.v1.Admin/CreateTopics', body, (answer) => {
      const result = (responseType.decode(answer) as unknown as { topics: TopicResult[] }).topics[0];
      return result && (result.errorCode === 0 || result.errorCode === TOPIC_ALREADY_EXISTS) ? true : `error code ${result?.errorCode}: ${result?.errorMessage}`;
    });
  }
}

/**
 * Deletes every topic but `keep` and the internal ones, through the first broker that answers.
 * Returns the deletions the broker refused (each a finding to read: an accepted name must be
 * deletable).
 */
export async function cleanUpTopics(channels: Channels, addresses: readonly string[], keep: readonly string[]): Promise<string[]> {
  const refused: string[] = [];
  for (const address of addresses) {
    const listed = await unaryCall(channels.get(address), '/sluice.v1.Admin/ListTopics', encode('sluice.v1.ListTopicsRequest', {}), ADMIN_TIMEOUT_MS);
    if (listed.status !== 'OK' || !listed.answer) continue;
    const topics = (type('sluice.v1.ListTopicsResponse').decode(listed.answer) as unknown as { topics: { name: string; internal: boolean }[] }).topics;
    const names = topics.filter((t) => !t.internal && !t.name.startsWith('__') && !keep.includes(t.name)).map((t) => t.name);
    if (names.length === 0) return refused;
    const deleted = await unaryCall(channels.get(address), '/sluice.v1.Admin/DeleteTopics', encode('sluice.v1.DeleteTopicsRequest', { names }), ADMIN_TIMEOUT_MS);
    if (deleted.status !== 'OK' || !deleted.answer) {
      refused.push(`DeleteTopics of ${names.length} topics: ${deleted.status} ${deleted.details.slice(0, 300)}`);
      continue;
    }
    for (const result of (type('sluice.v1.DeleteTopicsResponse').decode(deleted.answer) as unknown as { topics: TopicResult[] }).topics) {
      if (result.errorCode !== 0) refused.push(`DeleteTopics '${result.name.slice(0, 40)}…' (${result.name.length} chars): code ${result.errorCode} ${result.errorMessage.slice(0, 300)}`);
    }
    return refused;
  }
  return refused;
}
