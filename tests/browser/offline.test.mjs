// Self-containment: no page asks for anything outside the site (no CDN, web
// font or analytics), none breaks the Content-Security-Policy or logs an
// error, every asset it loads exists; and the portal also works opened from
// a folder (file://), search included.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_URL, PUBLIC_URL, TEST_TIMEOUT, headerSearch, open, sitePages, useBrowser } from './support.mjs';

/** One browser for this file's tests; each test opens its own watched context. */
const openContext = useBrowser();

test('every page loads only from the site, within its CSP, without errors', { timeout: TEST_TIMEOUT * 2 }, async () => {
  const watch = await openContext();
  const pages = sitePages();
  assert.ok(pages.length >= 10, `only ${pages.length} pages built`);
  const page = await open(watch.context, 'index.html');
  for (const relative of pages) {
    const response = await page.goto(relative, { waitUntil: 'load' });
    assert.ok(response?.ok(), `${relative}: HTTP ${response?.status()}`);
  }
  // The scripts that load on demand: search shards and document files.
  await page.goto('index.html');
  await headerSearch(page, '三層分離');
  await page.goto(`search/index.html?q=${encodeURIComponent('マイナンバー')}`);
  await page.locator('.search-page__results li').first().waitFor();

  assert.ok(
    watch.requests.some((url) => url.includes('/assets/search/')),
    'searching loaded no index file from assets/search/',
  );
  assert.ok(watch.requests.every((url) => url.startsWith(BASE_URL) || url.startsWith('blob:')), 'a request left the site');
  watch.assertClean(`the ${pages.length} pages`);
  await watch.context.close();
});

test('the portal works from file:// and its search finds 三層分離', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext({ allowed: PUBLIC_URL });
  const page = await open(watch.context, `${PUBLIC_URL}index.html`);
  assert.ok(await page.evaluate(() => Boolean(window.KENSHU && window.kenshuSearch)), 'scripts did not run from file://');
  // Rules of a file:// stylesheet cannot be read from the page; its effect can.
  const styled = await page.evaluate(() => {
    const hidden = document.querySelector('.visually-hidden');
    return hidden !== null && window.getComputedStyle(hidden).position === 'absolute';
  });
  assert.ok(styled, 'the stylesheet did not load from file://');

  const options = await headerSearch(page, '三層分離');
  const module = options.find((o) => o.href.includes('/modules/'));
  assert.ok(module, `header search from file:// found no module: ${JSON.stringify(options)}`);
  const href = module.href;
  assert.ok(href.startsWith(PUBLIC_URL), `result ${href} is not inside the site folder`);

  // Following a result and the search page also work from the folder.
  await page.goto(href);
  assert.ok((await page.locator('main').textContent()).includes('三層分離'), `${href} does not contain 三層分離`);
  await page.goto(`${PUBLIC_URL}search/index.html?q=${encodeURIComponent('三層分離')}`);
  await page.locator('.search-page__results li a[href*="modules/"]').first().waitFor();
  watch.assertClean('the site opened from file://');
  await watch.context.close();
});
