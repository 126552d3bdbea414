// The live preview (`kenshu serve`, src/serve/) in a real browser: an open
// page reloads by itself after an edit, shows a build error as an overlay over
// the last good build, and drops the overlay once the error is fixed. All of
// it under the preview's `Content-Security-Policy: default-src 'self'`, with
// no request leaving the preview server and no console error.
//
// The server is the real binary on a copy of a fixture site, started with
// `--port 0`; the URL is read from the line it prints. Needs, besides what
// support.mjs needs (tests/testsuite/browser.rs passes all of them):
//   KENSHU_BIN      the kenshu binary
//   KENSHU_FIXTURE  the fixture site to copy (tests/fixtures/basic)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { TEST_TIMEOUT, open, useBrowser } from './support.mjs';

/** A hang guard for waits on the server (a rebuild, a reload), not a speed assertion. */
const WAIT = 60_000;

/** The module edited, relative to the site root (as the overlay names it). */
const MODULE = 'content/modules/security/basics.md';
/** Its page, relative to the server's root. */
const MODULE_PAGE = 'modules/basics/index.html';
/** The module's second h2, and the texts the test gives it; none contains another. */
const HEADING = '三層分離';
const EDITED = 'ネットワークの三つの系';
const FIXED = '分けられた系と接続の考え方';

/** Reads a required environment variable or fails with what to set. */
function required(name, what) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: it must be ${what} (\`cargo test --test testsuite browser\` sets it)`);
  }
  return value;
}

/** Rejects with `what()` if `promise` has not settled within `ms`. */
async function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()} (waited ${ms / 1000} s)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A running `kenshu serve --root ROOT --port 0`. `start()` resolves with its
 * URL once it prints its address (`プレビューを配信しています: http://…/`); `stop()` sends SIGINT and waits
 * until it has exited. Its output is kept for failure messages.
 */
class Preview {
  constructor(bin, root) {
    this.lines = [];
    this.child = spawn(bin, ['serve', '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    this.url = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
        this.lines.push(line);
        const match = /(http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line);
        if (match) resolve(match[1]);
      });
      readline.createInterface({ input: this.child.stderr }).on('line', (line) => this.lines.push(line));
      this.exited.then(({ code, signal }) =>
        reject(new Error(`kenshu serve exited (${signal ?? code}) before serving:\n${this.output()}`)),
      );
    });
    // Last resort if this process ends without `stop()` (a hang guard fired).
    this.killOnExit = () => this.child.kill('SIGKILL');
    process.once('exit', this.killOnExit);
  }

  /** Resolves with the URL the server prints, e.g. http://127.0.0.1:PORT/. */
  start() {
    return within(this.url, WAIT, () => `kenshu serve printed no "http://…/" line:\n${this.output()}`);
  }

  /** Sends SIGINT (once) and resolves with { code, signal } once the server has exited. */
  async stop() {
    process.removeListener('exit', this.killOnExit);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGINT');
    }
    try {
      return await within(this.exited, WAIT, () => `kenshu serve did not exit after SIGINT:\n${this.output()}`);
    } catch (err) {
      this.child.kill('SIGKILL');
      throw err;
    }
  }

  output() {
    return this.lines.join('\n');
  }
}

/** One browser for this file's tests; each test opens its own watched context. */
const openContext = useBrowser();

/** The module page's h2 with exactly this text. */
function heading(page, text) {
  return page.locator('article.module').getByRole('heading', { level: 2, name: text, exact: true });
}

/** Marks the page's document; a reload gives it a new one without the mark. */
async function mark(page, value) {
  await page.evaluate((v) => {
    window.kenshuTestMark = v;
  }, value);
}

async function markOf(page) {
  return page.evaluate(() => window.kenshuTestMark ?? null);
}

test(
  'kenshu serve reloads an open page after an edit, overlays a build error and clears it when fixed',
  { timeout: TEST_TIMEOUT },
  async () => {
    const bin = required('KENSHU_BIN', 'the kenshu binary');
    const fixture = required('KENSHU_FIXTURE', 'the fixture site folder to serve (tests/fixtures/basic)');
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kenshu-browser-serve-'));
    const root = path.join(temp, 'site');
    fs.cpSync(fixture, root, { recursive: true });
    const source = path.join(root, MODULE);
    const original = fs.readFileSync(source, 'utf8');
    assert.ok(original.includes(`## ${HEADING}\n`), `${MODULE} has no "## ${HEADING}" heading`);
    assert.ok(original.includes('skills: [security-literacy]'), `${MODULE} has no "skills: [security-literacy]" line`);
    const edited = original.replace(`## ${HEADING}\n`, `## ${EDITED}\n`);

    const server = new Preview(bin, root);
    let watch;
    let exit;
    try {
      const url = await server.start();
      watch = await openContext({ allowed: url });
      const page = await open(watch.context, `${url}${MODULE_PAGE}`);
      await heading(page, HEADING).waitFor();
      assert.ok(
        await page.locator('script[src^="/__kenshu/livereload.js"]').count(),
        'the served page has no live-reload script',
      );

      // 1. An edit: the same page reloads by itself and shows the new heading.
      await mark(page, 'before the edit');
      fs.writeFileSync(source, edited);
      await heading(page, EDITED).waitFor({ timeout: WAIT });
      assert.equal(await markOf(page), null, 'the page changed without reloading');
      assert.equal(await heading(page, HEADING).count(), 0, `the old heading ${HEADING} is still shown`);
      assert.equal(page.url(), `${url}${MODULE_PAGE}`);

      // 2. A broken module: an overlay names file, line and message; the
      // last good build stays underneath, and the page does not reload.
      await mark(page, 'after the edit');
      fs.writeFileSync(source, edited.replace('skills: [security-literacy]', 'skills: [nope]'));
      const overlay = page.locator('.kenshu-overlay');
      await overlay.waitFor({ state: 'visible', timeout: WAIT });
      assert.equal(await overlay.getAttribute('role'), 'alert');
      const where = (await overlay.locator('.kenshu-overlay__where').allTextContents()).map((t) => t.trim());
      assert.equal(where.length, 1, `one problem expected, the overlay shows ${JSON.stringify(where)}`);
      assert.match(where[0], /^content\/modules\/security\/basics\.md:3:\d+$/, 'the skills line is line 3');
      const message = await overlay.locator('.kenshu-overlay__message').textContent();
      assert.match(message, /スキル「nope」は skills.yaml にありません/);
      const text = await overlay.textContent();
      assert.ok(text.includes(`${MODULE}:3:`) && text.includes('スキル「nope」'), `overlay text: ${text}`);
      // overlay.css loaded within the CSP (its effect shows; rules of a stylesheet cannot be read).
      const position = await overlay.evaluate((el) => window.getComputedStyle(el).position);
      assert.equal(position, 'fixed', 'the overlay is not styled by /__kenshu/overlay.css');
      await heading(page, EDITED).waitFor({ state: 'visible' });
      assert.equal(await markOf(page), 'after the edit', 'the page reloaded on a failed build');

      // 3. Fixed (with new content): the page reloads, without the overlay.
      fs.writeFileSync(source, original.replace(`## ${HEADING}\n`, `## ${FIXED}\n`));
      await heading(page, FIXED).waitFor({ timeout: WAIT });
      await overlay.waitFor({ state: 'detached', timeout: WAIT });
      assert.equal(await markOf(page), null, 'the page changed without reloading');
      assert.equal(await heading(page, EDITED).count(), 0, `the heading ${EDITED} is still shown`);

      watch.assertClean('the live preview');
    } catch (err) {
      err.message += `\n--- kenshu serve said:\n${server.output()}`;
      throw err;
    } finally {
      // The page first, so that its event stream does not see the server go.
      await watch?.context.close();
      try {
        exit = await server.stop();
      } finally {
        fs.rmSync(temp, { recursive: true, force: true });
      }
    }
    assert.deepEqual(exit, { code: 0, signal: null }, `kenshu serve did not stop cleanly:\n${server.output()}`);
    assert.ok(server.lines.includes('終了します'), `kenshu serve did not say it stopped:\n${server.output()}`);
  },
);
