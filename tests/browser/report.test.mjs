// The page `kenshu report` writes (tests/testsuite/browser.rs puts a report of
// generated records in report-sample/): it loads under the portal's CSP with
// nothing but its two stylesheets, axe-core finds no WCAG A/AA violation, and
// every chart is an image with a title followed by a table of its numbers,
// and the files left out of the figures are listed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { BASE_URL, TEST_TIMEOUT, open, useBrowser } from './support.mjs';

const REPORT = 'report-sample/index.html';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const openContext = useBrowser();

test('the report page is accessible, self-contained and charts have tables', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, REPORT);
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }),
  );
  const found = result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `axe found violations on ${REPORT}`);

  const charts = await page.locator('svg.report-chart').evaluateAll((svgs) =>
    svgs.map((svg) => ({
      role: svg.getAttribute('role'),
      title: document.getElementById(svg.getAttribute('aria-labelledby'))?.textContent ?? '',
      table: svg.nextElementSibling?.querySelector('table') !== null,
    })),
  );
  assert.ok(charts.length >= 3, `only ${charts.length} charts`);
  for (const chart of charts) {
    assert.equal(chart.role, 'img');
    assert.ok(chart.title.length > 0, 'a chart without a title');
    assert.ok(chart.table, `chart "${chart.title}" has no table after it`);
  }
  const styled = await page.evaluate(() => window.getComputedStyle(document.querySelector('.report-privacy')).borderTopStyle);
  assert.equal(styled, 'solid', 'report.css did not apply');
  const leftOut = await page.locator('section[aria-labelledby="files-heading"] tbody tr').allTextContents();
  assert.ok(leftOut.some((row) => row.includes('zz-broken.json') && row.includes('除外')), `files left out: ${leftOut}`);
  const text = await page.locator('main').textContent();
  assert.ok(text.includes('個人情報') && text.includes('自己申告'), 'privacy and self-report notices');
  const loaded = watch.requests.filter((url) => url.includes('report-sample/')).map((url) => url.slice(url.lastIndexOf('/') + 1));
  assert.deepEqual([...new Set(loaded)].sort(), ['favicon.svg', 'index.html', 'kenshu.css', 'report.css']);
  assert.ok(watch.requests.every((url) => url.startsWith(BASE_URL)), 'a request left the site');
  watch.assertClean(REPORT);
  await watch.context.close();
});
