// Learning records, schema 2 (docs/progress-format.md, store.js): the
// profile's 人材像 and 所属 suggestions, the self-assessment on role and
// skill pages, the first attempt's score and misses in the export, schema 1
// files still importing, and imports that either say exactly what they merged
// or refuse: Object.prototype names, odd schema values, impossible dates,
// Japanese module ids.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { TEST_TIMEOUT, fill, moduleAndRole, open, readPage, roles, textWhen, uiStrings, useBrowser } from './support.mjs';

const openContext = useBrowser();

async function exportProgress(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.progress-export').click()]);
  return JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
}

/** Imports a file given as an object (or text) and returns the message shown. */
async function importFile(page, content) {
  const message = page.locator('.progress-message');
  await message.evaluate((el) => {
    el.textContent = '';
  });
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  await page.locator('input.progress-import').setInputFiles({ name: 'r.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  return textWhen(message, (t) => t !== '');
}

test('profile role and departments, self-assessment and first attempts go into a schema-2 export', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { module, role } = moduleAndRole();
  const progress = await open(watch.context, 'progress/index.html');
  const options = await progress.locator('#learner-role option').evaluateAll((l) => l.map((o) => o.value).filter(Boolean));
  assert.deepEqual(options.sort(), roles().map((r) => r.id).sort(), 'the profile offers the site\'s roles');
  assert.equal(await progress.locator('#learner-department').getAttribute('list'), 'learner-departments');
  const departments = await progress.locator('#learner-departments option').evaluateAll((l) => l.map((o) => o.value));
  assert.ok(departments.includes('デジタル推進課'), `departments: ${departments}`);
  await progress.locator('#learner-role').selectOption(role.id);
  await progress.close();

  // Self-assessment on the role page, with the keyboard.
  const rolePage = await open(watch.context, role.url);
  const groups = rolePage.locator('section[data-assessment] fieldset[data-assess-skill]');
  assert.ok((await groups.count()) > 0, 'the role page asks for a self-assessment');
  const skill = await groups.first().getAttribute('data-assess-skill');
  const legend = await groups.first().locator('legend').textContent();
  await groups.first().locator('input[value="1"]').focus();
  await rolePage.keyboard.press('ArrowRight');
  await rolePage.keyboard.press('ArrowRight');
  assert.equal(await groups.first().locator('input[value="3"]').isChecked(), true, 'arrow keys choose a level');
  await rolePage.close();

  // The skill page shows the same choice.
  const skillPage = await open(watch.context, `skills/${skill}/index.html`);
  assert.equal(await skillPage.locator(`fieldset[data-assess-skill="${skill}"] input[value="3"]`).isChecked(), true, 'the skill page shows the stored level');
  await skillPage.close();

  // First attempt: one wrong; second attempt: all right.
  const modulePage = await open(watch.context, module.url);
  const wrong = modulePage.locator('fieldset.question[data-kind="single"]').first();
  const wrongId = await wrong.getAttribute('data-question-id');
  await wrong.locator('input[data-correct="false"]').first().check();
  await wrong.locator('button.question__check').click();
  const answer = async () => {
    const rest = modulePage.locator('fieldset.question:visible:not([data-result])');
    while ((await rest.count()) > 0) {
      const q = rest.first();
      const kind = await q.getAttribute('data-kind');
      if (kind === 'text') await q.locator('input').fill(JSON.parse(await q.getAttribute('data-accepted'))[0]);
      else if (kind === 'true-false') await q.locator(`input[value="${await q.getAttribute('data-truth')}"]`).check();
      else for (const i of await q.locator('input[data-correct="true"]').all()) await i.check();
      await q.locator('button.question__check').click();
    }
  };
  await answer();
  await modulePage.locator('.quiz-summary__reset').click();
  await answer();
  await modulePage.close();

  const page = await open(watch.context, 'progress/index.html');
  const row = page.locator(`tr[data-assessment-row="${skill}"]`);
  assert.equal(await row.isVisible(), true, 'the progress page lists the self-assessment');
  assert.ok((await row.textContent()).includes(legend.trim()));
  const strings = await uiStrings(page);
  const data = await exportProgress(page);
  assert.equal(data.schema, 2);
  assert.equal(data.learner.role, role.id, 'the role is exported');
  assert.equal(data.selfAssessment[skill].level, 3);
  assert.ok(!Number.isNaN(Date.parse(data.selfAssessment[skill].assessedAt)));
  const record = data.modules[module.id];
  assert.equal(record.attempts, 2);
  assert.equal(record.bestScore, 100);
  assert.ok(record.firstScore < 100, `first score ${record.firstScore}`);
  assert.deepEqual(record.firstMissed, [wrongId], 'the first attempt\'s misses');

  // Re-importing the same file changes nothing and says what it read.
  const said = await importFile(page, data);
  assert.ok(said.startsWith(fill(strings.import_done, { count: Object.keys(data.modules).length })), said);
  assert.ok(said.includes(fill(strings.import_assessments, { count: 1 })), said);
  assert.deepEqual((await exportProgress(page)).modules, data.modules);
  watch.assertClean();
  await watch.context.close();
});

test('schema 1 files import; unsafe files are refused with a reason; Japanese ids are kept', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { module } = moduleAndRole();
  const page = await open(watch.context, 'progress/index.html');
  const strings = await uiStrings(page);
  const at = '2025-05-01T01:23:45.678Z';
  const record = { passed: true, bestScore: 90, lastScore: 90, attempts: 1, passedAt: at, updatedAt: at };
  const file = (extra) => ({ format: 'kenshu-progress', schema: 1, modules: {}, ...extra });

  assert.equal(await importFile(page, file({ modules: { [module.id]: record } })), fill(strings.import_done, { count: 1 }), 'schema 1');
  const status = page.locator(`[data-module-status="${module.id}"]`);
  assert.equal(await status.getAttribute('data-status'), 'passed');
  const before = await page.evaluate(() => localStorage.getItem(window.KENSHU.progressKey));

  const invalid = (reason) => fill(strings.import_invalid, { reason });
  const refused = [
    ['{"format":"kenshu-progress","schema":2,"modules":{"__proto__":{"passed":true,"bestScore":100,"attempts":1}}}', invalid(fill(strings.import_reason_id, { id: '__proto__' }))],
    [file({ modules: { constructor: record } }), invalid(fill(strings.import_reason_id, { id: 'constructor' }))],
    [file({ modules: { 'a/b': record } }), invalid(fill(strings.import_reason_id, { id: 'a/b' }))],
    [{ format: 'kenshu-progress', schema: { toString: 'x' }, modules: {} }, invalid(fill(strings.import_reason_schema, { schema: '{"toString":"x"}' }))],
    [file({ modules: { [module.id]: { ...record, passedAt: '2024-02-30' } } }), invalid(fill(strings.import_reason_field, { field: `modules.${module.id}.passedAt` }))],
    [file({ schema: 2, selfAssessment: { x: { level: 99 } } }), invalid(fill(strings.import_reason_field, { field: 'selfAssessment.x.level' }))],
    [file({ schema: 2, modules: { [module.id]: { ...record, firstScore: 50, firstMissed: ['not-an-id'] } } }), invalid(fill(strings.import_reason_field, { field: `modules.${module.id}.firstMissed` }))],
  ];
  for (const [content, expected] of refused) {
    assert.equal(await importFile(page, content), expected, JSON.stringify(content).slice(0, 80));
    assert.equal(await page.evaluate(() => localStorage.getItem(window.KENSHU.progressKey)), before, 'a refused file changes nothing');
  }
  assert.equal(await status.getAttribute('data-status'), 'passed', 'the page still works');

  const japanese = '情報セキュリティ基礎';
  assert.equal(await importFile(page, file({ schema: 2, modules: { [japanese]: record } })), fill(strings.import_done, { count: 1 }));
  assert.equal((await exportProgress(page)).modules[japanese].passed, true, 'a Japanese module id is kept');
  watch.assertClean();
  await watch.context.close();
});

test('no shipped module, skill or role id is an Object.prototype name', () => {
  for (const r of roles()) {
    assert.ok(!(r.id in Object.prototype), r.id);
    for (const id of r.modules) assert.ok(!(id in Object.prototype), id);
  }
  assert.match(readPage('progress/index.html'), /<select id="learner-role" name="role">/);
});
