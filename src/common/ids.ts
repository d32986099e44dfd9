// Branded numeric ids: an Offset can never be passed where a RaftIndex is expected.
// All are non-negative integers below 2^53 (JavaScript's exact integer range).

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Position of a record in a partition: dense 0, 1, 2, … and never reused. */
export type Offset = Brand<number, 'Offset'>;
/** Position of an entry in a Raft log: dense from 1; 0 means "before the first entry". */
export type RaftIndex = Brand<number, 'RaftIndex'>;
/** Raft term (leader epoch). 0 means "no term yet". */
export type Term = Brand<number, 'Term'>;
/** A broker's id within a cluster, > 0. */
export type NodeId = Brand<number, 'NodeId'>;

export const asOffset = (n: number): Offset => n as Offset;
export const asRaftIndex = (n: number): RaftIndex => n as RaftIndex;
export const asTerm = (n: number): Term => n as Term;
export const asNodeId = (n: number): NodeId => n as NodeId;

/** Identifies one partition of one topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export const partitionKey = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;
