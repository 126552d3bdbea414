// Accessibility: axe-core finds no WCAG 2.0/2.1 A or AA violation on each
// kind of page, including pages after the scripts have changed them (quiz
// feedback, search results, progress).
//
// How axe is injected: the page is served with
// `Content-Security-Policy: default-src 'self'`, which blocks an inline
// <script> (page.addScriptTag({content})). Instead axe.min.js is evaluated
// with page.evaluate(source): Playwright runs it through the DevTools
// protocol, which the page's CSP does not govern. So the page keeps its CSP
// during the check (no bypassCSP), and axe sees exactly what a learner gets.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { before, test } from 'node:test';
import { TEST_TIMEOUT, headerSearch, modulesWithQuestions, open, roles, sitePages, useBrowser } from './support.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const axeSource = (() => {
  try {
    return fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  } catch (err) {
    throw new Error(`axe-core is not installed: run \`npm ci --prefix tests/browser\` (${err.message})`);
  }
})();

/** One browser and one watched context for every page checked here. */
const openContext = useBrowser();
let watch;
before(async () => {
  watch = await openContext();
});

/** Runs axe on the page and returns its violations. */
async function violations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return result.violations;
}

/** Violations as text a person can act on: rule, impact, help, and each element with its failure. */
function describe(found) {
  return found
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    at ${n.target.join(' ')}\n      ${n.html}\n      ${(n.failureSummary || '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Opens a page, lets `prepare` change it, and asserts axe finds nothing. */
async function assertAccessible(relative, prepare = async () => {}) {
  const page = await open(watch.context, relative);
  await prepare(page);
  const found = await violations(page);
  await page.close();
  assert.equal(found.length, 0, `axe found ${found.length} violation(s) on ${relative}:\n${describe(found)}`);
}

const firstOf = (pattern) => sitePages().find((p) => pattern.test(p));
const moduleWithQuiz = () => modulesWithQuestions().find((m) => m.kinds.includes('single'));

const PAGES = [
  ['home', () => 'index.html'],
  ['role', () => roles()[0].url],
  ['module', () => moduleWithQuiz().url],
  ['skill matrix', () => 'skills/index.html'],
  ['skill', () => firstOf(/^skills\/[^/]+\/index\.html$/)],
  ['resources', () => 'resources/index.html'],
  ['search', () => 'search/index.html'],
  ['search with results', () => `search/index.html?q=${encodeURIComponent('三層分離')}`],
  // Snippets with <mark>, section names and the button for more results.
  ['search with many results', () => `search/index.html?q=${encodeURIComponent('せきゅりてぃ')}`],
  ['progress', () => 'progress/index.html'],
  ['404', () => '404.html'],
  ['modules index', () => 'modules/index.html'],
  ['certificate', () => roles()[0].url.replace(/index\.html$/, 'certificate/index.html')],
];

for (const [kind, url] of PAGES) {
  test(`axe: ${kind} page`, { timeout: TEST_TIMEOUT }, async () => {
    const relative = url();
    assert.ok(relative, `the built site has no ${kind} page`);
    await assertAccessible(relative, async (page) => {
      if (kind === 'search with results') {
        await page.locator('.search-page__results li').first().waitFor();
      }
      if (kind === 'search with many results') {
        await page.locator('.search-page__results li .search-result__snippet mark').first().waitFor();
        await page.locator('.search-page__more').waitFor();
      }
    });
  });
}

test('axe: module page with quiz feedback shown', { timeout: TEST_TIMEOUT }, async () => {
  await assertAccessible(moduleWithQuiz().url, async (page) => {
    const questions = page.locator('fieldset.question[data-kind="single"]');
    // One wrong and one right answer, so both kinds of feedback are checked.
    for (const [index, correct] of [[0, 'false'], [1, 'true']]) {
      if ((await questions.count()) <= index) break;
      const question = questions.nth(index);
      await question.locator(`input[data-correct="${correct}"]`).first().check();
      await question.locator('button.question__check').click();
    }
  });
});

test('axe: progress page with a profile, self-assessment and review, and home with 「続きから」', { timeout: TEST_TIMEOUT }, async () => {
  const role = roles()[0];
  const module = moduleWithQuiz();
  await assertAccessible(role.url, async (page) => {
    await page.locator('section[data-assessment] input[value="2"]').first().check();
  });
  await assertAccessible(module.url, async (page) => {
    // The test before answered here: its attempt is shown again, so start a new one.
    const reset = page.locator('.quiz-summary__reset');
    if (await reset.isVisible()) await reset.click();
    const question = page.locator('fieldset.question[data-kind="single"]').first();
    await question.locator('input[data-correct="false"]').first().check();
    await question.locator('button.question__check').click();
    await page.evaluate((id) => window.kenshuStore.recordAttempt(id, 50, false, [document.querySelector('fieldset.question').getAttribute('data-question-id')]), module.id);
  });
  await assertAccessible('progress/index.html', async (page) => {
    await page.locator('#learner-role').selectOption(role.id);
    await page.locator('[data-review-list] a').first().waitFor();
    await page.locator('tr[data-assessment-row]:visible').first().waitFor();
  });
  await assertAccessible('index.html', async (page) => {
    await page.locator('[data-continue] .continue__role').waitFor();
  });
  await assertAccessible(`${module.url}#review`, async (page) => {
    await page.locator('.review-banner').waitFor();
  });
});

test('axe: an earned certificate asking for the name, then issued', { timeout: TEST_TIMEOUT }, async () => {
  const role = roles().find((r) => r.modules.length > 0);
  const certificate = role.url.replace(/index\.html$/, 'certificate/index.html');
  await assertAccessible(certificate, async (page) => {
    await page.evaluate((ids) => {
      const state = JSON.parse(localStorage.getItem(window.KENSHU.progressKey) || '{"schema":2,"modules":{}}');
      const at = '2026-11-30T09:00:00.000Z';
      for (const id of ids) state.modules[id] = { passed: true, bestScore: 100, lastScore: 100, attempts: 1, passedAt: at, updatedAt: at, firstScore: 100, firstMissed: [] };
      state.learner = { ...(state.learner || {}), name: '' };
      localStorage.setItem(window.KENSHU.progressKey, JSON.stringify(state));
    }, role.modules);
    await page.reload();
    await page.locator('[data-certificate-no-name] input').waitFor();
  });
  await assertAccessible(certificate, async (page) => {
    await page.locator('[data-certificate-no-name] input').fill('検査 花子');
    await page.locator('[data-certificate-no-name] button').click();
    await page.locator('article.certificate').waitFor();
  });
});

test('axe: header search results open', { timeout: TEST_TIMEOUT }, async () => {
  await assertAccessible('index.html', async (page) => {
    await headerSearch(page, '三層分離');
  });
});

test('no page checked by axe broke the CSP or logged an error', () => {
  watch.assertClean('the pages checked by axe');
});
