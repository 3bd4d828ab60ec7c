// Bundles the TypeScript chat server with esbuild (a dev dependency) and runs it.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const outfile = fileURLToPath(new URL('../../node_modules/.cache/lockstep-examples/chat.mjs', import.meta.url));
await build({
  entryPoints: [`${here}main.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
