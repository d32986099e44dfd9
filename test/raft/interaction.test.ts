// Runs every scripted interaction test in test/raft/testdata. Each file is a sequence of
// commands, each followed by `----` and its expected output, ending at a blank line.
// RAFT_REWRITE=1 regenerates the expected output in the source files.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InteractionEnv } from './interaction/env';

const DATA_DIR = resolve(__dirname, '../../../test/raft/testdata');
const rewrite = process.env.RAFT_REWRITE === '1';

interface Block {
  readonly lead: string[];
  readonly command: string;
  readonly expected: string;
  readonly line: number;
}

function parseFile(text: string): { blocks: Block[]; tail: string[] } {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let lead: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      lead.push(l);
      i++;
      continue;
    }
    const line = i + 1;
    if (lines[i + 1] !== '----') throw new Error(`line ${line + 1}: expected '----' after command '${l}'`);
    i += 2;
    const expected: string[] = [];
    while (i < lines.length && lines[i] !== '') expected.push(lines[i++]!);
    blocks.push({ lead, command: l, expected: expected.join('\n'), line });
    lead = [];
  }
  return { blocks, tail: lead };
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

describe('raft interaction scripts', () => {
  for (const file of readdirSync(DATA_DIR).filter((f) => f.endsWith('.txt')).sort()) {
    it(`${file} produces its expected output`, () => {
      const path = join(DATA_DIR, file);
      const { blocks, tail } = parseFile(readFileSync(path, 'utf8'));
      const env = new InteractionEnv();
      const rebuilt: string[] = [];
      for (const b of blocks) {
        const actual = env.run(b.command);
        if (rewrite) {
          rebuilt.push(...trimBlank(b.lead), b.command, '----', actual, '');
          continue;
        }
        assert.equal(actual, b.expected, `${file}:${b.line}: output of '${b.command}' differs`);
      }
      if (rewrite) {
        writeFileSync(path, [...rebuilt, ...trimBlank(tail)].join('\n').replace(/\n+$/, '') + '\n');
      }
    });
  }
});
