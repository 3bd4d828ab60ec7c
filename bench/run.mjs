// `npm run bench`: every benchmark, one after the other (each runs its cases in fresh processes).
// Pass `--quick` for one run each instead of the default medians of five.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const runs = quick ? ['--runs', '1'] : [];
const suites = [
  ['structures.mjs', []],
  ['text.mjs', quick ? ['--runs', '1', '--ot-runs', '0'] : []],
  ['sync.mjs', runs],
  ['journal.mjs', []],
];
for (const [file, args] of suites) {
  console.log(`\n=== bench/${file} ${args.join(' ')}`);
  const res = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL(file, import.meta.url)), ...args], { stdio: 'inherit' });
  if (res.status !== 0) process.exitCode = 1;
}
