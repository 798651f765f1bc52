// The mutation score per file and overall from Stryker's JSON report, as a Markdown table
// (the weekly workflow appends it to the job summary; docs/reliability.md quotes it). Usage:
// node scripts/mutation-summary.mjs [report.json ...]
// Exits 1 when a file scores below MIN_FILE_SCORE (issue 18: at least 70 % for every mutated file;
// the overall floor, 80 %, is Stryker's own `thresholds.break`).
/* global process, console */
import { readFileSync } from 'node:fs';

// Several reports (one per module run) are merged file by file, a later report's file winning.
const paths = process.argv.length > 2 ? process.argv.slice(2) : ['reports/mutation/mutation.json'];
const report = { files: {} };
for (const path of paths) Object.assign(report.files, JSON.parse(readFileSync(path, 'utf8')).files);
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
const MIN_FILE_SCORE = 70;

const rows = [];
const below = [];
let detectedAll = 0;
let countedAll = 0;
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const counted = mutants.filter((m) => COUNTED.has(m.status)).length;
  const survived = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').length;
  const ignored = mutants.filter((m) => m.status === 'Ignored').length;
  detectedAll += detected;
  countedAll += counted;
  if (counted + ignored > 0) rows.push(`| ${file} | ${score(detected, counted)} | ${detected} | ${survived} | ${ignored} |`);
  if (counted > 0 && (100 * detected) / counted < MIN_FILE_SCORE) below.push(`${file} (${score(detected, counted)})`);
}

console.log(`**Mutation score: ${score(detectedAll, countedAll)}** (${detectedAll} of ${countedAll} mutants detected)\n`);
console.log('| file | score | detected | survived | ignored (equivalent) |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);

function score(detected, counted) {
  return counted === 0 ? 'n/a' : `${((100 * detected) / counted).toFixed(1)} %`;
}

if (below.length > 0) {
  console.log(`\n**Below ${MIN_FILE_SCORE} % per file:** ${below.join(', ')}`);
  process.exitCode = 1;
}
