import { fuzzSeeds, runFuzz } from './fuzzRoom.js';

describe('convergence fuzz', () => {
  const totals = { runs: 0, commits: 0, refusals: 0, cuts: 0 };
  afterAll(() => {
    // The fuzz must exercise what it claims to: commits, refusals and cut connections.
    if (totals.runs >= 50) {
      expect(totals.commits).toBeGreaterThan(totals.runs * 20);
      expect(totals.refusals).toBeGreaterThan(totals.runs / 2);
      expect(totals.cuts).toBeGreaterThan(totals.runs / 2);
    }
  });

  it.each(fuzzSeeds().map((seed) => [seed]))('seed %i converges', (seed) => {
    try {
      const st = runFuzz(seed);
      totals.runs++;
      totals.commits += st.commits;
      totals.refusals += st.refusals;
      totals.cuts += st.cuts;
    } catch (err) {
      (err as Error).message = `fuzz failure with seed ${seed} — replay with SEED=${seed} npm run fuzz\n${(err as Error).message}`;
      throw err;
    }
  });
});
