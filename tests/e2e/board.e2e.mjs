/**
 * The board demo in a real browser: Debian's Chromium driven by playwright-core (see
 * DEVELOPERS.md). Two pages on one board, served by the `lockstep serve` CLI on 127.0.0.1 with
 * a temporary data directory:
 *  - todos added, completed, reordered and deleted in one page show up in the other;
 *  - both pages type into the notes at the same time and converge on one text holding both;
 *  - each page shows the other's caret (presence);
 *  - the counter's bound produces a visible refusal;
 *  - the server stops (SIGTERM) and restarts on the same data: both pages change the counter
 *    while it is down, reconnect by themselves, and the server refuses one change (a toast);
 *    a reloaded page shows everything.
 * Run by `npm run test:e2e` (which builds first); not part of `npm test`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { ServerProcess } from './serverProcess.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const WAIT = 10_000;

const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-data-'));
const profileDir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-profile-'));
let server = new ServerProcess({ dataDir });
let url = '';
/** @type {import('playwright-core').BrowserContext} */
let browser;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  url = await server.start();
  // A persistent context is how playwright takes a fresh --user-data-dir of our choosing.
  browser = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  await browser?.close();
  await server.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

/** A new page, with its script errors collected. */
async function openPage(address) {
  const page = await browser.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  await page.goto(address);
  return page;
}

const waitLive = (page) => page.waitForFunction(() => document.getElementById('status')?.dataset.status === 'live', null, { timeout: WAIT });
const todoTexts = (page) => page.locator('#todo-list .todo-text').allTextContents();
const notesOf = (page) => page.locator('#notes').inputValue();

/** Polls `read` until `ok` holds (at most `timeout` ms); returns the last value. */
async function until(read, ok, what, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

/** A subtest that, when it fails, prints the end of the server's log. */
function step(t, name, fn) {
  return t.test(name, async () => {
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`--- server log (last 40 lines) ---\n${server.output().split('\n').slice(-40).join('\n')}\n`);
      throw err;
    }
  });
}

test('the board demo in Chromium: two pages, one board', { timeout: 120_000 }, async (t) => {
  let a;
  let b;
  let boardUrl;
  let notes;

  await step(t, 'the landing page makes a new board with a link to share', async () => {
    a = await openPage(url);
    await a.click('#new-board');
    await a.waitForURL(/\/b\/[A-Za-z0-9]{12}$/, { timeout: WAIT });
    boardUrl = a.url();
    await waitLive(a);
    assert.equal(await a.locator('#share-link').inputValue(), boardUrl);
    b = await openPage(boardUrl);
    await waitLive(b);
  });

  await step(t, 'todos added, completed, reordered and deleted in one page show in the other', async () => {
    for (const title of ['buy milk', 'write report', 'call Bob']) {
      await a.fill('#todo-title', title);
      await a.press('#todo-title', 'Enter');
    }
    await until(() => todoTexts(b), (v) => v.length === 3, 'three todos in page B');
    assert.deepEqual(await todoTexts(b), ['buy milk', 'write report', 'call Bob']);

    await b.bringToFront();
    await b.locator('#todo-list li', { hasText: 'buy milk' }).locator('.todo-done').check();
    await until(() => a.locator('#todo-summary').textContent(), (v) => v === '1 of 3 done', 'the completion in page A');
    assert.equal(await a.locator('#todo-list li', { hasText: 'buy milk' }).locator('.todo-done').isChecked(), true);

    await a.bringToFront();
    await a.locator('#todo-list li', { hasText: 'call Bob' }).locator('.todo-up').click();
    await until(() => todoTexts(b), (v) => v[1] === 'call Bob', 'the move in page B');

    await b.bringToFront();
    await b.locator('#todo-list li', { hasText: 'write report' }).locator('.todo-delete').click();
    await until(() => todoTexts(a), (v) => v.length === 2, 'the delete in page A');
    assert.deepEqual(await todoTexts(a), ['buy milk', 'call Bob']);
  });

  await step(t, 'both pages type into the notes at once and converge', async () => {
    // Each page counts the remote changes it gets while its own typing is under way.
    const watch = (p) =>
      p.evaluate(() => {
        globalThis.typing = true;
        globalThis.remoteWhileTyping = 0;
        globalThis.board.on('change', ({ local }) => {
          if (!local && globalThis.typing) globalThis.remoteWhileTyping++;
        });
      });
    await Promise.all([watch(a), watch(b)]);
    const type = async (p, text) => {
      await p.locator('#notes').pressSequentially(text, { delay: 15 });
      return p.evaluate(() => {
        globalThis.typing = false;
        return globalThis.remoteWhileTyping;
      });
    };
    const interleaved = await Promise.all([type(a, 'Alpha types here. '), type(b, 'Beta writes there! ')]);
    assert.ok(interleaved[0] + interleaved[1] > 0, `the typing overlapped (remote changes seen while typing: ${interleaved})`);
    const both = (v) => v[0] === v[1] && v[0].includes('Alpha types here. ') && v[0].includes('Beta writes there! ');
    const seen = await until(() => Promise.all([notesOf(a), notesOf(b)]), both, 'the notes to converge');
    notes = seen[0];
    assert.equal(notes.length, 'Alpha types here. '.length + 'Beta writes there! '.length);
  });

  await step(t, "each page shows the other's caret", async () => {
    const nameA = await a.locator('#my-name').inputValue();
    await b.locator(`#peer-list [data-peer-name="${nameA}"]`).waitFor({ timeout: WAIT });
    await b.locator(`#notes-mirror .caret[data-peer-name="${nameA}"]`).waitFor({ state: 'attached', timeout: WAIT });
  });

  await step(t, 'the counter bound is refused visibly', async () => {
    await a.bringToFront(); // a background tab gets one animation frame a second: clicks wait for them
    for (let i = 0; i < 10; i++) await a.click('#counter-plus');
    await until(() => b.locator('#counter-value').textContent(), (v) => v === '10', 'the counter at 10 in page B');
    await a.click('#counter-plus');
    await a.locator('#toasts .toast[data-code="out_of_range"]').first().waitFor({ timeout: WAIT });
    assert.equal(await a.locator('#counter-value').textContent(), '10');
    await a.click('#counter-minus');
    await until(() => b.locator('#counter-value').textContent(), (v) => v === '9', 'the counter at 9 in page B');
  });

  await step(t, 'the server restarts on the same data; offline edits sync, one is refused by the server', async () => {
    const port = server.port;
    assert.equal(await server.stop(), 0, 'the server exits cleanly on SIGTERM');
    const offline = (p) => p.waitForFunction(() => document.getElementById('status')?.dataset.status !== 'live', null, { timeout: WAIT });
    await Promise.all([offline(a), offline(b)]);
    // Both pages take the counter from 9 to 10 while the server is down: both changes wait.
    for (const p of [a, b]) {
      await p.evaluate(() => document.getElementById('toasts')?.replaceChildren());
      await p.bringToFront();
      await p.click('#counter-plus');
      assert.equal(await p.locator('#counter-value').textContent(), '10');
    }
    server = new ServerProcess({ dataDir, port });
    await server.start();
    // Both pages reconnect by themselves; the server takes the first change and refuses the second.
    await Promise.all([a, b].map((p) => p.waitForFunction(() => document.getElementById('status')?.dataset.status === 'live', null, { timeout: 30_000 })));
    await Promise.all([a, b].map((p) => p.evaluate(() => globalThis.board.whenSynced())));
    const refused = () => Promise.all([a, b].map((p) => p.locator('#toasts .toast[data-code="out_of_range"]', { hasText: 'refused' }).count()));
    assert.deepEqual((await until(refused, (v) => v[0] + v[1] === 1, 'one refusal from the server')).sort(), [0, 1]);
    assert.deepEqual(await Promise.all([a, b].map((p) => p.locator('#counter-value').textContent())), ['10', '10']);

    await b.reload();
    await waitLive(b);
    await until(() => todoTexts(b), (v) => v.length === 2, 'the todos after the restart');
    assert.deepEqual(await todoTexts(b), ['buy milk', 'call Bob']);
    assert.equal(await b.locator('#todo-summary').textContent(), '1 of 2 done');
    assert.equal(await notesOf(b), notes);
    assert.equal(await b.locator('#counter-value').textContent(), '10');

    await a.fill('#todo-title', 'after the restart');
    await a.press('#todo-title', 'Enter');
    await until(() => todoTexts(b), (v) => v.includes('after the restart'), 'a todo added after the restart');
  });

  await step(t, 'no script errors in the pages', () => {
    assert.deepEqual(pageErrors, []);
  });
});
