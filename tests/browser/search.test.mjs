// Search in Japanese: results as you type in the header box, the search page
// with ?q=, folding and shard hash shared with Rust's src/search/tokens.rs
// (tests/fixtures/search-tokens.json), hiragana and one-kanji queries, a ー
// ending a katakana word (セキュリティー = セキュリティ),
// ranking, snippets with <mark>, links to the section of the match, synonyms
// (themes/default/static/js/search-index.js and search.js).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { PUBLIC_URL, TEST_TIMEOUT, fill, headerSearch, open, readPage, sitePages, textWhen, uiStrings, useBrowser } from './support.mjs';

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
      modules.some((l) => new URL(l.href).pathname.endsWith(module)),
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
    // The status counts every result; the page shows them 20 at a time.
    const total = Number((statusText.match(/\d+/) || ['0'])[0]);
    assert.equal(statusText, fill(strings.search_results, { count: total }), `search page: status for ${word}`);
    assert.equal(count, Math.min(total, 20), `search page: ${count} shown of ${total} for ${word}`);
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

/** The cases src/search/tokens.rs checks too. */
const SHARED = JSON.parse(fs.readFileSync(new URL('../fixtures/search-tokens.json', import.meta.url), 'utf8'));

test('the browser folds, cuts and shards like src/search/tokens.rs', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, 'search/index.html');
  const got = await page.evaluate((cases) => {
    const search = window.kenshuSearch;
    if (!search) return null;
    return {
      tokens: cases.tokens.map((c) => ({
        text: c.text,
        normalized: search.normalize(c.text),
        tokens: search.tokens(c.text),
        query: search.queryTokens(c.text),
      })),
      shards: cases.shards.map((c) => ({ token: c.token, shards: c.shards, shard: search.shardOf(c.token, c.shards) })),
    };
  }, SHARED);
  assert.ok(got, 'window.kenshuSearch is missing');
  assert.deepEqual(got.tokens, SHARED.tokens);
  assert.deepEqual(got.shards, SHARED.shards);
  watch.assertClean();
  await watch.context.close();
});

/** The search page's results for a query: [{href, title, snippet, marks, section}]. */
async function pageResults(context, query) {
  const page = await open(context, `search/index.html?q=${encodeURIComponent(query)}`);
  const strings = await uiStrings(page);
  const status = await textWhen(page.locator('.search-page__status'), (t) => t !== '' && t !== strings.search_loading);
  const results = await page.locator('.search-page__results > li').evaluateAll((items) =>
    items.map((li) => {
      const snippet = li.querySelector('.search-result__snippet');
      return {
        href: li.querySelector('a.search-result__title').href,
        title: li.querySelector('a.search-result__title').textContent,
        snippet: snippet ? snippet.textContent : '',
        marks: snippet ? Array.from(snippet.querySelectorAll('mark'), (m) => m.textContent) : [],
        section: li.querySelector('.search-result__section')?.textContent ?? '',
      };
    }),
  );
  return { page, status, results };
}

/** The text of a module page's main content. */
async function mainText(context, href) {
  const page = await open(context, href);
  const text = await page.locator('main').textContent();
  await page.close();
  return text;
}

test('hiragana finds katakana words, and the snippet marks them', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  for (const [query, word] of [['せきゅりてぃ', 'セキュリティ'], ['まいなんばー', 'マイナンバー']]) {
    const { page, status, results } = await pageResults(watch.context, query);
    assert.ok(results.length > 0, `${query}: no results (${status})`);
    assert.ok(results[0].marks.includes(word), `${query}: the first snippet marks ${JSON.stringify(results[0].marks)}, not ${word}`);
    assert.ok((await mainText(watch.context, results[0].href)).includes(word), `${results[0].href} does not contain ${word}`);
    await page.close();
  }
  watch.assertClean();
  await watch.context.close();
});

test('a ー ending a katakana word does not matter: セキュリティー finds セキュリティ', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const probe = await open(watch.context, 'search/index.html');
  const all = (text) => probe.evaluate((q) => window.kenshuSearch.query(q, 1000).then((rs) => rs.map((r) => r.href)), text);
  for (const [long, short] of [['セキュリティー', 'セキュリティ'], ['サーバー', 'サーバ'], ['コンピューター', 'コンピュータ']]) {
    const found = await all(short);
    assert.ok(found.length > 0, `${short} finds something`);
    assert.deepEqual(await all(long), found, `${long} finds what ${short} finds`);
  }
  await probe.close();
  // The content writes セキュリティ: the snippets mark it for セキュリティー.
  const { page, status, results } = await pageResults(watch.context, 'セキュリティー');
  assert.ok(results.length === 20, `セキュリティー: a full page of results (${status})`);
  assert.ok(results[0].marks.includes('セキュリティ'), `the first snippet marks ${JSON.stringify(results[0].marks)}`);
  await page.close();
  // And a match marks the ー the text has: サーバ marks サーバー where it is written so.
  const written = await pageResults(watch.context, 'サーバ');
  assert.ok(written.results.some((r) => r.marks.includes('サーバー')), `no snippet marks サーバー: ${JSON.stringify(written.results.map((r) => r.marks))}`);
  await written.page.close();
  watch.assertClean();
  await watch.context.close();
});

test('one kanji is a query: 税 and 系', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  for (const kanji of ['税', '系']) {
    const { page, status, results } = await pageResults(watch.context, kanji);
    assert.ok(results.length > 0, `${kanji}: no results (${status})`);
    assert.ok(results.every((r) => r.marks.includes(kanji) || r.title.includes(kanji)), `${kanji}: a result marks nothing: ${JSON.stringify(results)}`);
    assert.ok((await mainText(watch.context, results[0].href)).includes(kanji), `${results[0].href} does not contain ${kanji}`);
    await page.close();
  }
  // The header box searches one kanji too.
  const page = await open(watch.context, 'index.html');
  const options = await headerSearch(page, '税');
  assert.ok(options.length > 0, 'header search for 税 shows no result');
  watch.assertClean();
  await watch.context.close();
});

test('the module about a term comes first', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const cases = [
    ['生成AI', 'modules/tool-generative-ai/index.html'],
    ['表計算', 'modules/tool-spreadsheet/index.html'],
    ['BPR', 'modules/business-analysis-bpr/index.html'],
  ];
  for (const [query, module] of cases) {
    const { page, results } = await pageResults(watch.context, query);
    assert.ok(results.length > 1, `${query}: fewer than two results`);
    const first = new URL(results[0].href);
    assert.ok(first.pathname.endsWith(module), `${query}: first result is ${results[0].href}, not ${module}`);
    await page.close();
  }
  watch.assertClean();
  await watch.context.close();
});

test('a result links to the section where the match is', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { page, results } = await pageResults(watch.context, '三層分離');
  const inSection = results.filter((r) => new URL(r.href).hash && r.section);
  assert.ok(inSection.length > 0, `no result links to a section: ${JSON.stringify(results.slice(0, 5))}`);
  for (const result of inSection.slice(0, 3)) {
    const target = await open(watch.context, result.href);
    const section = await target.evaluate(() => {
      const heading = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      if (!heading || !/^H[1-6]$/.test(heading.tagName)) return null;
      let text = heading.textContent;
      for (let e = heading.nextElementSibling; e && !(/^H[1-6]$/.test(e.tagName) && e.tagName <= heading.tagName); e = e.nextElementSibling) {
        text += e.textContent;
      }
      return { heading: heading.textContent, text };
    });
    assert.ok(section, `${result.href}: no heading with that id`);
    assert.equal(section.heading.trim(), result.section.trim(), `${result.href}: the result names another section`);
    assert.ok(section.text.includes('三層分離'), `${result.href}: the section does not contain 三層分離`);
    await target.close();
  }
  await page.close();
  watch.assertClean();
  await watch.context.close();
});

test('a query in a page\'s title links to the page itself, not to a section', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  // Modules and their titles (the <h1>), from the built pages.
  const modules = sitePages()
    .filter((p) => /^modules\/[^/]+\/index\.html$/.test(p))
    .map((url) => ({ url, title: /<h1>([^<&]+)<\/h1>/.exec(readPage(url))?.[1] }))
    .filter((m) => m.title)
    .slice(0, 4);
  assert.ok(modules.length > 0, 'no module with a plain title');
  for (const module of modules) {
    const { page, status, results } = await pageResults(watch.context, module.title);
    const result = results.find((r) => new URL(r.href).pathname.endsWith(module.url));
    assert.ok(result, `${module.title}: its module is not found (${status})`);
    assert.equal(new URL(result.href).hash, '', `${module.title}: the result links to ${result.href}, not to the page`);
    assert.equal(result.section, '', `${module.title}: no section is named`);
    await page.close();
  }
  watch.assertClean();
  await watch.context.close();
});

test('synonyms: エクセル finds the modules that say Excel', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { page, status, results } = await pageResults(watch.context, 'エクセル');
  assert.ok(results.length > 0, `エクセル: no results (${status})`);
  const spreadsheet = results.find((r) => new URL(r.href).pathname.endsWith('modules/tool-spreadsheet/index.html'));
  assert.ok(spreadsheet, `エクセル did not find the spreadsheet module: ${JSON.stringify(results)}`);
  assert.ok(spreadsheet.marks.includes('Excel'), `the snippet marks ${JSON.stringify(spreadsheet.marks)}, not Excel`);
  await page.close();
  watch.assertClean();
  await watch.context.close();
});

test('the header popup shows snippets with <mark>, built without HTML', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, 'index.html');
  await headerSearch(page, 'せきゅりてぃ');
  const marks = await page.locator('#site-search-listbox .site-search__snippet mark').allTextContents();
  assert.ok(marks.includes('セキュリティ'), `popup marks ${JSON.stringify(marks)}`);
  watch.assertClean();
  await watch.context.close();
});

test('from file://: hiragana, a kanji, snippets and section links work', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext({ allowed: PUBLIC_URL });
  const page = await open(watch.context, `${PUBLIC_URL}search/index.html?q=${encodeURIComponent('せきゅりてぃ')}`);
  const first = page.locator('.search-page__results > li').first();
  await first.waitFor();
  assert.ok((await first.locator('.search-result__snippet mark').allTextContents()).includes('セキュリティ'), 'no marked セキュリティ from file://');
  const linked = await page.locator('.search-page__results a.search-result__title').evaluateAll((links) => links.map((a) => a.href));
  assert.ok(linked.every((href) => href.startsWith(PUBLIC_URL)), `results leave the folder: ${linked}`);
  const sectionLink = linked.find((href) => new URL(href).hash);
  assert.ok(sectionLink, `no result links to a section from file://: ${linked}`);
  await page.goto(sectionLink);
  const hash = decodeURIComponent(new URL(sectionLink).hash.slice(1));
  assert.ok(await page.evaluate((id) => Boolean(document.getElementById(id)), hash), `${sectionLink}: no element with that id`);
  const options = await headerSearch(page, '税');
  assert.ok(options.length > 0 && options.every((o) => o.href.startsWith(PUBLIC_URL)), `header search for 税 from file://: ${JSON.stringify(options)}`);
  watch.assertClean('search from file://');
  await watch.context.close();
});

test('the search page shows 20 results at a time, and more on request', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { page, status, results } = await pageResults(watch.context, 'せきゅりてぃ');
  const strings = await uiStrings(page);
  const total = Number((status.match(/\d+/) || ['0'])[0]);
  assert.ok(total > 20, `せきゅりてぃ: expected over 20 results, status ${JSON.stringify(status)}`);
  assert.equal(results.length, 20, 'the first page of results');
  const more = page.locator('.search-page__more');
  assert.equal((await more.textContent()).trim(), fill(strings.search_more, { count: Math.min(20, total - 20) }));
  await more.click();
  const items = page.locator('.search-page__results > li');
  await items.nth(Math.min(40, total) - 1).waitFor();
  assert.equal(await items.count(), Math.min(40, total), 'after one click');
  watch.assertClean();
  await watch.context.close();
});

test('the header box searches on the first input at once, and on the last of a burst', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, 'index.html');
  const input = page.locator('#site-search-input');
  const shownTitles = () =>
    page.locator('#site-search-listbox [role="option"]:not(.site-search__option--all) .site-search__title')
      .evaluateAll((list) => list.map((t) => t.textContent));
  /** Waits until the popup lists the query's first results for `word`; returns what it lists. */
  async function popupFor(word) {
    const expected = await page.evaluate((text) => window.kenshuSearch.query(text).then((rs) => rs.map((r) => r.title)), word);
    assert.ok(expected.length > 0, `${word} finds something`);
    const deadline = Date.now() + 10_000;
    while (JSON.stringify(await shownTitles()) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { shown: await shownTitles(), expected };
  }
  const type = (texts) =>
    page.evaluate((list) => {
      const box = document.getElementById('site-search-input');
      for (const text of list) {
        box.value = text;
        box.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }, texts);

  // Timers held back: only a search that does not wait for one can show
  // results, so the first input of a quiet box must search at once.
  await input.focus();
  await page.evaluate(() => {
    window.__held = [];
    window.__setTimeout = window.setTimeout;
    window.setTimeout = (fn) => window.__held.push(fn);
  });
  await type(['三層分離']);
  const first = await popupFor('三層分離');
  assert.deepEqual(first.shown, first.expected, 'the first input, with timers held back: its results');
  await page.evaluate(() => {
    window.setTimeout = window.__setTimeout;
    window.__held.splice(0).forEach((fn) => fn());
  });

  // A burst faster than the 40 ms interval: the first input runs at once, the
  // others wait, and the last text is searched when the interval is over.
  await type(['']);
  await page.waitForTimeout(100);
  await type(['マ', 'マイ', 'マイナ', 'マイナンバー']);
  const last = await popupFor('マイナンバー');
  assert.deepEqual(last.shown, last.expected, 'after a burst the popup shows the last text\'s results');
  watch.assertClean();
  await watch.context.close();
});

test('the header popup shows the best results before the last doc file arrives', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const word = '三層分離';
  // The results and their doc files, from a page of its own.
  const probe = await open(watch.context, 'index.html');
  const expected = await probe.evaluate((text) => window.kenshuSearch.query(text).then((rs) => rs.map((r) => ({ title: r.title, doc: r.doc }))), word);
  await probe.close();
  assert.ok(expected.length >= 2, `${word} finds at least two results`);
  const last = expected[expected.length - 1];

  // The last result's doc file is held back until the test lets it go
  // (routing also turns off the HTTP cache, so the page must fetch it).
  const page = await open(watch.context, 'index.html');
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(`**/assets/search/doc-${last.doc}.js`, async (route) => {
    await held;
    await route.continue();
  });
  const strings = await uiStrings(page);
  const input = page.locator('#site-search-input');
  const titles = page.locator('#site-search-listbox [role="option"]:not(.site-search__option--all) .site-search__title');
  const all = page.locator('#site-search-listbox .site-search__option--all');
  await input.focus();
  await input.fill(word);
  await titles.first().waitFor();
  const early = await titles.allTextContents();
  assert.ok(early.length >= 1 && early.length < expected.length, `some results before the held-back one: ${JSON.stringify(early)}`);
  assert.deepEqual(early, expected.slice(0, early.length).map((r) => r.title), 'the first results, in rank order');
  assert.equal(await all.count(), 0, 'no link to the search page while a result is missing');
  const status = (await page.locator('#site-search-status').textContent()).trim();
  assert.match(status, new RegExp(strings.search_results.replace('{count}', '\\d+').replace('。', '')), 'the count is said at once');

  release();
  await all.waitFor();
  assert.deepEqual(await titles.allTextContents(), expected.map((r) => r.title), 'the held-back result follows');
  assert.equal((await page.locator('#site-search-status').textContent()).trim(), status, 'the count is said once');
  watch.assertClean();
  await watch.context.close();
});
