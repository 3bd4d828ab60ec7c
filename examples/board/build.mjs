#!/usr/bin/env node
/**
 * Builds the board demo with esbuild:
 *  - public/bundle.js: the browser app (client/main.ts). `lockstep` resolves to ../../src (the
 *    library's TypeScript, via tsconfig paths); the build fails if anything Node-only (`ws`,
 *    `node:` modules) gets into it.
 *  - dist/server.js: the server options module for `lockstep serve`. `lockstep` stays an import,
 *    so Node loads the built library (dist/) — the same copy the CLI runs.
 * Decorators are TC39 standard decorators (esbuild lowers them; tsconfig.json has no
 * experimentalDecorators).
 */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

const browser = await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['client/main.ts'],
  outfile: 'public/bundle.js',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  metafile: true,
  logLevel: 'warning',
});
const nodeOnly = Object.keys(browser.metafile.inputs).filter((f) => f.startsWith('node:') || /node_modules\/ws\//.test(f));
if (nodeOnly.length) throw new Error(`the browser bundle must not include Node-only code: ${nodeOnly.join(', ')}`);

await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['server.ts'],
  outfile: 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['lockstep', 'lockstep/*'],
  logLevel: 'warning',
});

const bytes = browser.metafile.outputs['public/bundle.js']?.bytes ?? 0;
console.log(`board: public/bundle.js (${Math.round(bytes / 1024)} KiB), dist/server.js`);
