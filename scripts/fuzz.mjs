#!/usr/bin/env node
// Runs the seeded convergence fuzz: `npm run fuzz -- --runs 5000 [--from 1]`, or SEED=n to replay one.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const env = { ...process.env };
if (opt('runs')) env.FUZZ_RUNS = opt('runs');
if (opt('from')) env.FUZZ_FROM = opt('from');
if (opt('seed')) env.SEED = opt('seed');
const res = spawnSync('npx', ['jest', 'tests/sync/convergence', '--selectProjects', 'tc39'], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
