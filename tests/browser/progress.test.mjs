// The progress page: exporting the learner's record as a JSON file, clearing
// it, importing it back, and refusing a malformed file
// (themes/default/static/js/progress.js and store.js).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import {
  TEST_TIMEOUT,
  answerAllRightly,
  fill,
  moduleAndRole,
  open,
  textWhen,
  uiStrings,
  useBrowser,
} from './support.mjs';

/** One browser for this file's tests; each test opens its own watched context. */
const openContext = useBrowser();

const LEARNER = { name: '研修 太郎', staffNumber: 'A-01234', department: 'デジタル推進課' };

/** The stored record (localStorage under window.KENSHU.progressKey), as text. */
function storedRecord(page) {
  return page.evaluate(() => window.localStorage.getItem(window.KENSHU.progressKey));
}

/** Passes a module, fills in the learner and opens the progress page. */
async function pageWithProgress(context, module) {
  const modulePage = await open(context, module.url);
  await answerAllRightly(modulePage);
  await modulePage.close();
  const page = await open(context, 'progress/index.html');
  await page.locator('#learner-name').fill(LEARNER.name);
  await page.locator('#learner-staff-number').fill(LEARNER.staffNumber);
  await page.locator('#learner-department').fill(LEARNER.department);
  // Learner fields are saved on change; leave the last one.
  await page.locator('#learner-department').press('Tab');
  return page;
}

/** Clicks export and returns the downloaded file's name, path and parsed JSON. */
async function exportProgress(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.progress-export').click()]);
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8');
  let data;
  assert.doesNotThrow(() => {
    data = JSON.parse(text);
  }, `the exported file is not JSON:\n${text.slice(0, 500)}`);
  return { name: download.suggestedFilename(), file, data };
}

test('progress can be exported, cleared and imported back', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { module } = moduleAndRole();
  const page = await pageWithProgress(watch.context, module);
  const strings = await uiStrings(page);
  const config = await page.evaluate(() => ({ progressKey: window.KENSHU.progressKey, siteTitle: window.KENSHU.siteTitle }));
  const status = page.locator(`[data-module-status="${module.id}"]`);
  assert.ok((await textWhen(status, (t) => t.includes(strings.status_passed))).includes(strings.status_passed), 'module not passed before export');

  const exported = await exportProgress(page);
  assert.match(exported.name, /\.json$/, 'the exported file name');
  const { data } = exported;
  assert.equal(data.format, 'kenshu-progress', 'format of the exported file');
  assert.equal(data.schema, 2, 'schema of the exported file');
  assert.equal(data.site?.key, config.progressKey, 'site key of the exported file');
  assert.equal(data.site?.title, config.siteTitle, 'site title of the exported file');
  assert.ok(!Number.isNaN(Date.parse(data.exportedAt)), `exportedAt is not a date: ${data.exportedAt}`);
  assert.deepEqual(data.learner, { ...LEARNER, role: '' }, 'learner of the exported file');
  const record = data.modules?.[module.id];
  assert.ok(record, `the exported file has no record of ${module.id}: ${JSON.stringify(data.modules)}`);
  assert.equal(record.passed, true, `${module.id} is not passed in the export: ${JSON.stringify(record)}`);
  assert.equal(record.bestScore, 100, `${module.id}: best score in the export`);
  assert.equal(record.attempts, 1, `${module.id}: attempts in the export`);
  const message = page.locator('.progress-message');
  const exportMessage = await textWhen(message, (t) => t.startsWith(strings.export_done));
  assert.ok(exportMessage.startsWith(strings.export_done), `message after export: ${JSON.stringify(exportMessage)}`);

  await page.locator('button.progress-clear').click();
  assert.equal(await textWhen(message, (t) => t === strings.cleared), strings.cleared, 'message after clearing');
  assert.ok(
    (await textWhen(status, (t) => t.includes(strings.status_none))).includes(strings.status_none),
    `${module.id} still shown as ${await status.first().textContent()} after clearing`,
  );
  assert.equal(await page.locator('#learner-name').inputValue(), '', 'learner name after clearing');

  await page.locator('input.progress-import').setInputFiles(exported.file);
  const imported = fill(strings.import_done, { count: Object.keys(data.modules).length });
  assert.equal(await textWhen(message, (t) => t === imported), imported, 'message after importing');
  assert.ok(
    (await textWhen(status, (t) => t.includes(strings.status_passed))).includes(strings.status_passed),
    `${module.id} not passed again after importing`,
  );
  await page.reload({ waitUntil: 'load' });
  assert.ok(
    (await textWhen(status, (t) => t.includes(strings.status_passed))).includes(strings.status_passed),
    `${module.id} not passed after importing and reloading`,
  );
  assert.equal(await page.locator('#learner-name').inputValue(), LEARNER.name, 'learner name after importing');
  const again = await exportProgress(page);
  assert.deepEqual(again.data.modules, data.modules, 'modules exported after the round trip');
  watch.assertClean();
  await watch.context.close();
});

test('a malformed file is refused with its reason and changes nothing', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { module } = moduleAndRole();
  const page = await pageWithProgress(watch.context, module);
  const strings = await uiStrings(page);
  const message = page.locator('.progress-message');
  const status = page.locator(`[data-module-status="${module.id}"]`);
  const before = await storedRecord(page);
  assert.ok(before, 'nothing stored after passing a module');

  const invalid = (reason) => fill(strings.import_invalid, { reason });
  const files = [
    { name: 'broken.json', text: '{"format": "kenshu-progress", "modules": ', expected: invalid(strings.import_reason_json) },
    { name: 'array.json', text: '[1, 2, 3]', expected: invalid(strings.import_reason_format) },
    { name: 'other.json', text: '{"format": "something-else", "schema": 1}', expected: invalid(strings.import_reason_format) },
    {
      name: 'future.json',
      text: JSON.stringify({ format: 'kenshu-progress', schema: 99, modules: {} }),
      expected: invalid(fill(strings.import_reason_schema, { schema: 99 })),
    },
    {
      name: 'bad-record.json',
      text: JSON.stringify({ format: 'kenshu-progress', schema: 1, modules: { [module.id]: { passed: 'yes', bestScore: 100, attempts: 1 } } }),
      expected: invalid(fill(strings.import_reason_field, { field: `modules.${module.id}.passed` })),
    },
    {
      // Another portal's file is read, with a warning; this one has no records.
      name: 'foreign.json',
      text: JSON.stringify({ format: 'kenshu-progress', schema: 1, site: { key: 'kenshu:00000000', title: '別のポータル' }, modules: {} }),
      expected: fill(strings.import_done, { count: 0 }),
      warning: strings.import_wrong_site.split('{')[0],
    },
  ];
  for (const file of files) {
    await page.locator('.progress-message').evaluate((el) => {
      el.textContent = '';
    });
    await page.locator('input.progress-import').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) });
    const shown = await textWhen(message, (t) => t !== '');
    if (file.warning) {
      // Read, with a warning that names the other portal.
      assert.ok(
        shown.startsWith(file.expected) && shown.includes(file.warning) && shown.includes('別のポータル'),
        `${file.name}: message ${JSON.stringify(shown)}`,
      );
    } else {
      assert.equal(shown, file.expected, `${file.name}: message`);
    }
    assert.equal(await storedRecord(page), before, `${file.name}: the stored record changed`);
    assert.ok((await status.first().textContent()).includes(strings.status_passed), `${file.name}: ${module.id} no longer passed`);
  }
  watch.assertClean();
  await watch.context.close();
});

test('records survive a rebuild that removed, renamed or added modules; corrupt storage does not crash', { timeout: TEST_TIMEOUT }, async () => {
  const watched = await openContext();
  const { module, role } = moduleAndRole();
  // A record written by an earlier build: one module that still exists,
  // one that was removed (or renamed away), and learner details.
  const page = await open(watched.context, 'index.html');
  await page.evaluate(({ id }) => {
    const now = new Date().toISOString();
    const record = (passed, score) => ({ passed, bestScore: score, lastScore: score, attempts: 1, passedAt: passed ? now : null, updatedAt: now });
    window.localStorage.setItem(
      window.KENSHU.progressKey,
      JSON.stringify({
        schema: 1,
        learner: { name: '研修 花子', staffNumber: '', department: '' },
        modules: { [id]: record(true, 100), 'module-removed-since': record(true, 90) },
      }),
    );
  }, { id: module.id });
  await page.close();

  const rolePage = await open(watched.context, role.url);
  const status = rolePage.locator(`[data-module-status="${module.id}"]`).first();
  assert.equal(await status.getAttribute('data-status'), 'passed', 'the surviving module keeps its record');
  const bar = rolePage.locator(`[data-role-progress="${role.id}"]`).first();
  assert.equal(await bar.getAttribute('data-done'), '1', 'a removed module is not counted');
  assert.equal(await bar.getAttribute('data-total'), String(role.modules.length));
  await rolePage.close();

  // The record of the removed module is kept (it may come back under its id).
  const progressPage = await open(watched.context, 'progress/index.html');
  const { data } = await exportProgress(progressPage);
  assert.ok(data.modules['module-removed-since'], 'records of removed modules are not thrown away');
  assert.equal(data.modules[module.id].passed, true);

  // Storage that is not JSON any more: the pages still work, starting empty.
  await progressPage.evaluate(() => window.localStorage.setItem(window.KENSHU.progressKey, '{not json'));
  const again = await open(watched.context, role.url);
  assert.equal(await again.locator(`[data-module-status="${module.id}"]`).first().getAttribute('data-status'), 'none');
  watched.assertClean('pages after a rebuild and with corrupt storage');
  await watched.context.close();
});
