// How an offset range is said to users: "[0, 5]" read as if offset 5 held a record, while 5 is
// the log end (the offset the next record gets, valid to fetch from: it waits for that record).

/** "it holds offsets 0..4 (the next record gets 5)", or "it holds no records (the next record gets 5)". */
export function describeHeldOffsets(logStartOffset: number, logEndOffset: number): string {
  const held = logEndOffset > logStartOffset ? `it holds offsets ${logStartOffset}..${logEndOffset - 1}` : 'it holds no records';
  return `${held} (the next record gets ${logEndOffset})`;
}

/** The offsets a fetch may start at: "from 0 to 5". */
export const fetchableOffsets = (logStartOffset: number, logEndOffset: number): string =>
  logEndOffset > logStartOffset ? `from ${logStartOffset} to ${logEndOffset}` : `${logEndOffset}`;
