/**
 * The library works when bundled for the browser by esbuild, with TC39 decorators (esbuild's
 * default) and with experimentalDecorators: tests/fixtures/bundle-entry.ts is bundled, written
 * to a temp dir and run by a real Node ESM loader (a child process). The root entry itself must
 * bundle for the browser with no Node built-ins and no warnings (a warning here means a
 * bundler would drop a side-effect import, e.g. the Symbol.metadata shim).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const root = resolve(__dirname, '../..');

async function bundle(entry: string, experimentalDecorators: boolean | undefined): Promise<esbuild.BuildResult & { text: string }> {
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    tsconfigRaw:
      experimentalDecorators === undefined
        ? undefined
        : { compilerOptions: { experimentalDecorators, useDefineForClassFields: true } },
  });
  return { ...result, text: (result.outputFiles ?? [])[0]!.text };
}

/** Node built-ins a browser bundle must not reach for. */
const nodeOnly =
  /\bfrom\s*["']node:|\bimport\(\s*["']node:|\brequire\(\s*["'](node:)?(fs|path|os|crypto|net|http|https|tls|child_process|worker_threads|stream|zlib|url|util|events|buffer)["']\s*\)/;

function expectBrowserSafe(result: esbuild.BuildResult & { text: string }): void {
  expect(result.errors).toEqual([]);
  expect(result.warnings.map((w) => w.text)).toEqual([]);
  expect(result.text).not.toMatch(nodeOnly);
  const inputs = Object.keys(result.metafile!.inputs);
  expect(inputs.filter((f) => f.startsWith('node:') || /^(fs|path|os|crypto|ws)$/.test(f))).toEqual([]);
  expect(inputs.some((f) => f.includes('node_modules/ws/'))).toBe(false);
}

function runBundle(code: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bundle-'));
  try {
    writeFileSync(join(dir, 'bundle.mjs'), code);
    writeFileSync(join(dir, 'main.mjs'), "import { run } from './bundle.mjs';\nprocess.stdout.write(JSON.stringify(run()));\n");
    return JSON.parse(execFileSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 30_000 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const expected = {
  json: { todos: { a: { title: 'milk', done: true } }, completed: 1, name: 'board' },
  copy: { todos: { a: { title: 'milk', done: true } }, completed: 1, name: 'board' },
  patches: [
    { op: 'add', path: '/todos/a', value: { title: 'milk', done: false } },
    { op: 'replace', path: '/todos/a/done', value: true },
    { op: 'replace', path: '/completed', value: 1 },
  ],
  refused: ['not_found', 'invalid_value'],
};

describe('bundled with esbuild for the browser', () => {
  it('TC39 standard decorators: builds, runs, gives the expected JSON', async () => {
    const result = await bundle('tests/fixtures/bundle-entry.ts', false);
    expectBrowserSafe(result);
    // esbuild lowered standard decorators (not the legacy helper).
    expect(result.text).toMatch(/__decorateElement|__decoratorStart/);
    expect(result.text).not.toMatch(/__decorateClass/);
    expect(runBundle(result.text)).toEqual(expected);
  }, 60_000);

  it('experimentalDecorators: builds, runs, gives the expected JSON', async () => {
    const result = await bundle('tests/fixtures/bundle-entry.ts', true);
    expectBrowserSafe(result);
    expect(result.text).toMatch(/__decorateClass/);
    expect(result.text).not.toMatch(/__decoratorStart/);
    expect(runBundle(result.text)).toEqual(expected);
  }, 60_000);

  it('the root entry (src/index.ts) bundles for the browser with no Node built-ins and no warnings', async () => {
    expectBrowserSafe(await bundle('src/index.ts', undefined));
  }, 60_000);
});
