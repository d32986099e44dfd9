// Bench commands that read saved files: `chart` redraws a results file, `profile-summary`
// summarizes a V8 CPU profile. A file that is missing or not what it should be is one clear line.
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { guarded, positiveInt } from './command-support';
import { isCpuProfile, summarizeCpuProfile } from './profile-summary';
import { reportProblems, type BenchReport } from './result';
import { renderChartSvg } from './svg-chart';
import { formatResultsTable, formatTable } from './table';

export function chartCommand(): Command {
  return new Command('chart')
    .description('draw the SVG chart of a saved results file')
    .argument('<results.json>')
    .argument('<out.svg>')
    .action(guarded(async (command) => {
      const [input, output] = command.args as [string, string];
      const report = readJsonFile(input, 'results file') as BenchReport;
      const problems = reportProblems(report);
      if (problems.length > 0) throw new Error(`${input} is not a bench report: ${problems.join('; ')}`);
      fs.writeFileSync(output, renderChartSvg(report.results, `sluice bench (${path.basename(input)})`));
      console.log(formatResultsTable(report.results));
    }));
}

/** Reads and parses a JSON file; the error says which file and what was wrong with it. */
function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the ${what} ${file}: ${(error as Error).message.replace(/, open .*$/, '')}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the ${what} ${file} is not JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
}

export function profileCommand(): Command {
  return new Command('profile-summary')
    .description('top functions by self time of a V8 CPU profile (node --cpu-prof)')
    .argument('<file.cpuprofile>')
    .option('--top <n>', 'rows', positiveInt('top'), 25)
    .option('--markdown', 'print a markdown table')
    .action(guarded(async (command) => {
      const file = command.args[0]!;
      const o = command.opts<{ top: number; markdown?: boolean }>();
      const profile = readJsonFile(file, 'CPU profile');
      if (!isCpuProfile(profile)) throw new Error(`${file} is not a V8 CPU profile (no nodes, startTime and endTime): write one with node --cpu-prof`);
      const rows = summarizeCpuProfile(profile, o.top);
      if (o.markdown) {
        console.log('| self % | % of busy | self ms | function | where |\n|--:|--:|--:|---|---|');
        for (const r of rows) console.log(`| ${r.selfPercent.toFixed(1)} | ${r.busyPercent.toFixed(1)} | ${r.selfMs.toFixed(0)} | \`${r.functionName}\` | ${r.location} |`);
      } else {
        console.log(formatTable(['self %', '% of busy', 'self ms', 'function', 'where'], rows.map((r) => [r.selfPercent.toFixed(1), r.busyPercent.toFixed(1), r.selfMs.toFixed(0), r.functionName, r.location])));
      }
    }));
}
