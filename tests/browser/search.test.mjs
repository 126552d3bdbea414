// Search in Japanese: results as you type in the header box, the search page
// with ?q=, and the shard hash shared with Rust's search::shard_of
// (themes/default/static/js/search.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT, fill, headerSearch, open, textWhen, uiStrings, useBrowser } from './support.mjs';

/** One browser for this file's tests; each test opens its own watched context. */
const openContext = useBrowser();

/** Words that the shipped modules teach, with a module that must be found. */
const WORDS = [
  { word: '三層分離', module: null },
  { word: 'マイナンバー', module: null },
  { word: 'BPR', module: 'modules/business-analysis-bpr/index.html' },
];

/** The links of a result list, resolved against the page. */
function resultLinks(list) {
  return list.locator('a[href]').evaluateAll((links) => links.map((a) => ({ href: a.href, text: a.textContent.trim() })));
}

/** Checks that some result is a module page, and that the first module found contains the word. */
async function assertFindsModules(context, word, links, module, where) {
  const modules = links.filter((l) => new URL(l.href).pathname.includes('/modules/'));
  assert.ok(modules.length > 0, `${where}: ${word} found no module; results: ${JSON.stringify(links)}`);
  if (module !== null) {
    assert.ok(
      modules.some((l) => l.href.endsWith(module)),
      `${where}: ${word} did not find ${module}; results: ${JSON.stringify(links)}`,
    );
  }
  const found = await open(context, modules[0].href);
  const text = await found.locator('main').textContent();
  assert.ok(text.toLowerCase().includes(word.toLowerCase()), `${where}: ${modules[0].href} does not contain ${word}`);
  await found.close();
}

test('the header search box finds modules as you type', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, 'index.html');
  const input = page.locator('#site-search-input');
  const popup = page.locator('#site-search-results');
  for (const { word, module } of WORDS) {
    const options = await headerSearch(page, word);
    await assertFindsModules(watch.context, word, options, module, 'header search');
  }
  assert.equal(await input.getAttribute('aria-expanded'), 'true', 'header search box: aria-expanded with results shown');

  // Escape closes the popup; the keyboard opens a result.
  await input.press('Escape');
  await popup.waitFor({ state: 'hidden' });
  assert.equal(await input.getAttribute('aria-expanded'), 'false', 'header search box: aria-expanded after Escape');
  const [first] = await headerSearch(page, '三層分離');
  await input.press('ArrowDown');
  const active = await input.getAttribute('aria-activedescendant');
  assert.ok(active, 'ArrowDown selected no option');
  assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true', 'the active option is not aria-selected');
  await Promise.all([page.waitForURL(first.href), input.press('Enter')]);
  assert.ok((await page.locator('main').textContent()).includes('三層分離'), `${first.href} does not contain 三層分離`);
  watch.assertClean();
  await watch.context.close();
});

test('the search page shows results for ?q=', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  for (const { word, module } of WORDS) {
    const page = await open(watch.context, `search/index.html?q=${encodeURIComponent(word)}`);
    const strings = await uiStrings(page);
    assert.equal(await page.locator('#search-page-input').inputValue(), word, 'the search box shows the query');
    const list = page.locator('.search-page__results');
    const status = page.locator('.search-page__status');
    const statusText = await textWhen(status, (t) => t !== '' && t !== strings.search_loading);
    const count = await list.locator(':scope > li').count();
    assert.ok(count > 0, `search page: no results for ${word} (status ${JSON.stringify(statusText)})`);
    assert.equal(statusText, fill(strings.search_results, { count }), `search page: status for ${word}`);
    await assertFindsModules(watch.context, word, await resultLinks(list), module, 'search page');
    await page.close();
  }
  watch.assertClean();
  await watch.context.close();
});

test('the search page says when nothing is found', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, `search/index.html?q=${encodeURIComponent('ぬゑゐゟ')}`);
  const strings = await uiStrings(page);
  const status = await textWhen(page.locator('.search-page__status'), (t) => t === strings.search_no_results);
  assert.equal(status, strings.search_no_results);
  assert.equal(await page.locator('.search-page__results > li').count(), 0);
  watch.assertClean();
  await watch.context.close();
});

test('the browser hashes tokens to shards like search::shard_of', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, 'search/index.html');
  const shards = await page.evaluate(() => {
    const search = window.kenshuSearch;
    return search && [search.shardOf('分離', 4294967295), search.shardOf('bp', 1024)];
  });
  assert.ok(shards, 'window.kenshuSearch is missing');
  // The same values as the unit test in src/search.rs.
  assert.deepEqual(shards, [1680999809, 1294713231 % 1024]);
  // And tokenises like search::tokens (the same cases as its unit tests).
  const tokens = await page.evaluate(() => [
    window.kenshuSearch.tokens('三層分離'),
    window.kenshuSearch.tokens('ＢＰＲ'),
    window.kenshuSearch.tokens('ｶﾞﾊﾞﾒﾝﾄ'),
  ]);
  assert.deepEqual(tokens, [['三層', '層分', '分離'], ['bp', 'pr'], ['ガバ', 'バメ', 'メン', 'ント']]);
  const results = await page.evaluate(async () => {
    const found = await window.kenshuSearch.query('三層分離');
    return Array.isArray(found) ? found.map((r) => r.url) : found;
  });
  assert.ok(Array.isArray(results) && results.some((url) => url.startsWith('modules/')), `query('三層分離') gave ${JSON.stringify(results)}`);
  watch.assertClean();
  await watch.context.close();
});
