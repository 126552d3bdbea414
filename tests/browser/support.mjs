// Shared support for kenshu's browser tests: where the site is, starting
// Debian's Chromium through playwright-core, and a watch on every page for the
// things the portal must never do (leave the site, break its
// Content-Security-Policy, log an error).
//
// The tests are started by tests/testsuite/browser.rs, which builds the
// shipped site, serves it with nginx under /training/ with the header
// `Content-Security-Policy: default-src 'self'`, and passes:
//   KENSHU_BASE_URL   http://127.0.0.1:PORT/training/ (ends with a slash)
//   KENSHU_PUBLIC_DIR the built site on disk (for the file:// scenario and to
//                     pick modules and pages to visit)
// To run them by hand against a site you serve yourself:
//   KENSHU_BASE_URL=... KENSHU_PUBLIC_DIR=... node --test tests/browser/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium (package `chromium`); KENSHU_CHROMIUM overrides it. */
export const CHROMIUM = process.env.KENSHU_CHROMIUM || '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine with a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A hang guard for one test (not a speed assertion). */
export const TEST_TIMEOUT = 180_000;

/** Reads a required environment variable or fails with what to set. */
function required(name, what) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: it must be ${what}. These tests are run by ` +
        '`cargo test --test testsuite browser`, which builds the site and serves it with nginx.',
    );
  }
  return value;
}

/** The served site, e.g. http://127.0.0.1:8123/training/ (always ends with "/"). */
export const BASE_URL = (() => {
  const url = required('KENSHU_BASE_URL', 'the URL the built site is served at');
  return url.endsWith('/') ? url : `${url}/`;
})();

/** The built site on disk (the folder with index.html). */
export const PUBLIC_DIR = path.resolve(required('KENSHU_PUBLIC_DIR', 'the folder of the built site'));

/** The file:// URL of the built site's folder, ending with "/". */
export const PUBLIC_URL = pathToFileURL(PUBLIC_DIR + path.sep).href;

/** Loads playwright-core, or explains how to install it. */
async function playwright() {
  try {
    return await import('playwright-core');
  } catch (err) {
    throw new Error(`playwright-core is not installed: run \`npm ci --prefix tests/browser\` (${err.message})`);
  }
}

/** Starts headless Chromium; close it with `browser.close()`. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium chromium-driver)`);
  }
  const { chromium } = await playwright();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * One browser for the calling test file (launched when first needed, closed
 * after its last test): returns a function that opens a new watched context
 * in it, with the options of watchedContext().
 */
export function useBrowser() {
  // Launched on first use, so it does not depend on the order of hooks.
  let launching = null;
  after(async () => {
    if (launching) await (await launching).close();
  });
  return async (options) => {
    launching ??= launchBrowser();
    return watchedContext(await launching, options);
  };
}

/**
 * A fresh browser context (its own storage) with a watch on it: every
 * request, console error, uncaught exception, failed request, HTTP error and
 * CSP violation of every page in it is recorded; `assertClean()` fails the
 * test with all of them.
 *
 * `allowed` is the URL prefix every request must start with: the base URL
 * for the served site, the file:// folder for the offline scenario.
 */
export async function watchedContext(browser, { allowed = BASE_URL } = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL });
  // A hang guard for each wait and action; a page that works answers in well under a second.
  context.setDefaultTimeout(15_000);
  const problems = [];
  const requests = [];
  const origin = allowed.startsWith('http') ? new URL(allowed).origin : null;
  const inSite = (url) => url.startsWith(allowed) || (origin !== null && url.startsWith(`blob:${origin}/`));

  // The page reports CSP violations through this binding; bindings and init
  // scripts are added by the DevTools protocol, so the CSP does not block them.
  await context.exposeBinding('kenshuTestReportCsp', ({ page }, text) => {
    problems.push(`CSP violation on ${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    window.addEventListener('securitypolicyviolation', (e) => {
      window.kenshuTestReportCsp(
        `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` +
          (e.sample ? ` sample ${JSON.stringify(e.sample)}` : ''),
      );
    });
  });
  context.on('request', (request) => {
    requests.push(request.url());
    if (!inSite(request.url())) {
      problems.push(`request leaves the site: ${request.method()} ${request.url()}`);
    }
  });
  context.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    // Aborted: cut short by the next navigation, or handed to the download
    // manager. (A request the CSP blocks fails with the reason "csp".)
    if (reason !== 'net::ERR_ABORTED') {
      problems.push(`request failed: ${request.url()} ${reason}`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`HTTP ${response.status()} for ${response.url()}`);
    }
  });
  context.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      problems.push(`console error on ${message.page()?.url()}: ${message.text()} (${where.url}:${where.lineNumber})`);
    }
  });
  context.on('weberror', (error) => {
    problems.push(`uncaught exception on ${error.page()?.url()}: ${error.error().stack || error.error().message}`);
  });
  return {
    context,
    requests,
    /** Fails with every problem seen so far. */
    assertClean(what = 'the pages') {
      assert.deepEqual(problems, [], `${what} had problems:\n  ${problems.join('\n  ')}`);
    },
  };
}

/**
 * Opens a page of the site (a path relative to the base URL, or a full URL)
 * and waits until its deferred scripts have run (the `load` event comes after
 * them).
 */
export async function open(context, relative) {
  const page = await context.newPage();
  // A dialog (confirm() before clearing progress) is accepted; tests that
  // care about it add their own handler first.
  page.on('dialog', (dialog) => dialog.accept().catch(() => {}));
  const response = await page.goto(relative, { waitUntil: 'load' });
  if (response !== null) {
    assert.ok(response.ok(), `${relative}: HTTP ${response.status()}`);
  }
  return page;
}

/** The strings the scripts show (window.KENSHU.strings, from ja.yaml `js:`). */
export async function uiStrings(page) {
  const strings = await page.evaluate(() => window.KENSHU && window.KENSHU.strings);
  assert.ok(strings, 'window.KENSHU.strings is missing: assets/site-config.js did not load');
  return strings;
}

/** Replaces {name} placeholders of a UI string. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/** Site-relative paths of every HTML page of the built site, sorted. */
export function sitePages() {
  const pages = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.html')) {
        pages.push(path.relative(PUBLIC_DIR, full).split(path.sep).join('/'));
      }
    }
  };
  walk(PUBLIC_DIR);
  return pages.sort();
}

/** Reads a built page from disk. */
export function readPage(relative) {
  return fs.readFileSync(path.join(PUBLIC_DIR, relative), 'utf8');
}

/** Module ids with their question kinds, read from the built pages. */
export function modulesWithQuestions() {
  const modules = [];
  for (const page of sitePages()) {
    const match = /^modules\/([^/]+)\/index\.html$/.exec(page);
    if (!match) continue;
    const kinds = [...readPage(page).matchAll(/<fieldset class="question"[^>]*data-kind="([a-z-]+)"/g)].map((m) => m[1]);
    if (kinds.length > 0) modules.push({ id: match[1], url: page, kinds });
  }
  assert.ok(modules.length > 0, 'the built site has no module with questions');
  return modules;
}

/** Role ids and the module ids of their curricula, read from the built pages. */
export function roles() {
  const found = [];
  for (const page of sitePages()) {
    const match = /^roles\/([^/]+)\/index\.html$/.exec(page);
    if (!match) continue;
    const modules = /<article class="role"[^>]*data-modules="([^"]*)"/.exec(readPage(page));
    assert.ok(modules, `${page} has no <article class="role" data-modules="…">`);
    found.push({ id: match[1], url: page, modules: modules[1].split(' ').filter(Boolean) });
  }
  assert.ok(found.length > 0, 'the built site has no role pages');
  return found;
}

/**
 * Picks a module to pass and a role whose curriculum has it: the module with
 * the most kinds of question (ties: the first by id), so every kind of
 * answer is exercised.
 */
export function moduleAndRole() {
  const modules = modulesWithQuestions().sort(
    (a, b) => new Set(b.kinds).size - new Set(a.kinds).size || a.id.localeCompare(b.id),
  );
  for (const module of modules) {
    const role = roles().find((r) => r.modules.includes(module.id));
    if (role) return { module, role };
  }
  throw new Error('no role curriculum has a module with questions');
}

/**
 * Answers every question of the open module page rightly, from the answers
 * the page carries (data-correct, data-truth, data-accepted), pressing each
 * question's check button. Returns the number of questions.
 */
export async function answerAllRightly(page) {
  const questions = page.locator('fieldset.question');
  const count = await questions.count();
  assert.ok(count > 0, `${page.url()} has no questions`);
  for (let i = 0; i < count; i += 1) {
    const question = questions.nth(i);
    const id = await question.getAttribute('id');
    const kind = await question.getAttribute('data-kind');
    if (kind === 'single') {
      await question.locator('input[data-correct="true"]').first().check();
    } else if (kind === 'multiple') {
      const inputs = question.locator('input[type="checkbox"]');
      for (let k = 0; k < (await inputs.count()); k += 1) {
        const input = inputs.nth(k);
        await input.setChecked((await input.getAttribute('data-correct')) === 'true');
      }
    } else if (kind === 'true-false') {
      const truth = await question.getAttribute('data-truth');
      await question.locator(`#${id}-${truth}`).check();
    } else if (kind === 'text') {
      const accepted = JSON.parse(await question.getAttribute('data-accepted'));
      assert.ok(Array.isArray(accepted) && accepted.length > 0, `${id}: data-accepted has no answers`);
      await question.locator(`#${id}-input`).fill(String(accepted[0]));
    } else {
      assert.fail(`${id}: unknown question kind ${kind}`);
    }
    await question.locator(`button.question__check[data-question="${id}"]`).click();
  }
  return count;
}

/**
 * Waits (up to `timeout` ms, a hang guard) until the text of `locator`
 * satisfies `wanted`, and returns the text it has then, satisfied or not, so
 * the caller's assertion shows what the page said.
 */
export async function textWhen(locator, wanted, { timeout = 10_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '').trim() : '';
    if (wanted(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Types `word` into the header search box (key by key, as a learner does) and
 * waits until its popup lists the first results of window.kenshuSearch.query
 * for that word (so no stale list of an earlier word is read). Returns the
 * options: [{href, text}], hrefs absolute, without the last "all results" one.
 */
export async function headerSearch(page, word) {
  const input = page.locator('#site-search-input');
  await input.fill('');
  await input.pressSequentially(word);
  const popup = page.locator('#site-search-results');
  await popup.waitFor({ state: 'visible' });
  const expected = await page.evaluate(
    (text) => window.kenshuSearch.query(text).then((results) => results.slice(0, 8).map((r) => r.href)),
    word,
  );
  assert.ok(expected.length > 0, `window.kenshuSearch.query(${JSON.stringify(word)}) found nothing`);
  const options = popup.locator('[role="option"][data-href]:not(.site-search__option--all)');
  const shown = () => options.evaluateAll((list) => list.map((o) => o.getAttribute('data-href')));
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(await shown()) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(await shown(), expected, `header search for ${word}: the popup does not list the query's first results`);
  return options.evaluateAll((list) =>
    list.map((o) => ({ href: new URL(o.getAttribute('data-href'), window.location.href).href, text: o.textContent.trim() })),
  );
}
