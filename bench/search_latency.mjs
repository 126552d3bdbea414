// Search in a real browser on a built site: for each word, a fresh page
// focuses the header box (which loads the index's meta file), types the word
// (one input event, as an IME commit or a paste gives) and times from the
// input event to the popup's results: the status is set once every result,
// title and snippet, is in the popup. It also sums the bytes of the index
// files the query loaded (resource timing, so serve the site over HTTP).
// Then the same word again in the same page (files already loaded): what the
// learner feels while typing on. See docs/performance.md.
//
//   node bench/search_latency.mjs http://127.0.0.1:PORT/ [WORD…]
//
// Needs the browser tests' packages (npm ci --prefix tests/browser) and
// Debian's chromium.

import { chromium } from '../tests/browser/node_modules/playwright-core/index.mjs';

const [base, ...rest] = process.argv.slice(2);
if (!base) {
  console.error('usage: node bench/search_latency.mjs BASE_URL [WORD…]');
  process.exit(1);
}
const WORDS = rest.length ? rest : ['自治体', '三層分離', 'せきゅりてぃ', 'クラウド', '税', '系', 'エクセル', '生成AI'];
const RUNS = Number(process.env.RUNS || 5);

/**
 * Types `word` into the header box; resolves with {ms, full, status}: ms when
 * the status says the count (the first results are in the popup), full when
 * the popup is complete (its last option, to the search page, is added; at
 * once when nothing is found).
 */
function typeAndWait(page, word) {
  return page.evaluate(
    (text) =>
      new Promise((resolve) => {
        const input = document.getElementById('site-search-input');
        const status = document.getElementById('site-search-status');
        const listbox = document.getElementById('site-search-listbox');
        status.textContent = '';
        listbox.textContent = '';
        const started = performance.now();
        let first = null;
        const check = () => {
          if (first === null && status.textContent) first = performance.now() - started;
          const complete = listbox.querySelector('.site-search__option--all') || (first !== null && !listbox.firstChild);
          if (first !== null && complete) {
            observer.disconnect();
            resolve({ ms: first, full: performance.now() - started, status: status.textContent });
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.querySelector('.site-search'), { childList: true, characterData: true, subtree: true });
        observer.observe(status, { childList: true, characterData: true, subtree: true });
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }),
    word,
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
console.log('| word | first query: ms to first results (median of %d) | to full popup | bytes loaded | again: ms | results |', RUNS);
console.log('|---|---|---|---|---|---|');
for (const word of WORDS) {
  const cold = [];
  const full = [];
  const warm = [];
  let bytes = 0;
  let status = '';
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(new URL('index.html', base).href);
    await page.waitForFunction(() => Boolean(window.kenshuSearch));
    // The learner clicks into the box first: that loads the index's meta file.
    await page.focus('#site-search-input');
    await page.waitForFunction(() => Boolean(window.kenshuSearchData && window.kenshuSearchData.meta));
    const first = await typeAndWait(page, word);
    cold.push(first.ms);
    full.push(first.full);
    status = first.status;
    bytes = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/assets/search/'))
        .reduce((sum, e) => sum + e.encodedBodySize, 0),
    );
    await page.evaluate(() => { document.getElementById('site-search-input').value = ''; });
    warm.push((await typeAndWait(page, word)).ms);
    await context.close();
  }
  console.log(`| ${word} | ${median(cold).toFixed(0)} | ${median(full).toFixed(0)} | ${(bytes / 1000).toFixed(0)} kB | ${median(warm).toFixed(0)} | ${status} |`);
}
await browser.close();
