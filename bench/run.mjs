// `npm run bench`: every benchmark, one after the other (each runs its cases in fresh processes).
// Pass `--quick` for one run each instead of the default medians of five.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The peers (Yjs, ot-text-unicode, ws) live in bench/'s own package.json, out of the library's.
const here = fileURLToPath(new URL('.', import.meta.url));
if (!existsSync(`${here}node_modules/yjs`)) {
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
}

const quick = process.argv.includes('--quick');
const runs = quick ? ['--runs', '1'] : [];
const suites = [
  ['structures.mjs', []],
  ['text.mjs', quick ? ['--runs', '1', '--ot-runs', '0'] : []],
  ['sync.mjs', runs],
  ['journal.mjs', []],
  ['ws.mjs', quick ? ['--ms', '1000'] : []],
  ['codec.mjs', quick ? ['--rounds', '1', '--n', '20000'] : []],
];
for (const [file, args] of suites) {
  console.log(`\n=== bench/${file} ${args.join(' ')}`);
  const res = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL(file, import.meta.url)), ...args], { stdio: 'inherit' });
  if (res.status !== 0) process.exitCode = 1;
}
