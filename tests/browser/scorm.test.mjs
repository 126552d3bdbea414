// A SCORM package in a real SCORM 1.2 runtime: scorm-again's Scorm12API as
// window.API on an LMS host page that iframes the SCO, everything served by
// nginx from one origin under the portal's CSP.
//
// tests/testsuite/browser.rs packages the shipped site (`kenshu package
// scorm`), unzips every package into KENSHU_SCORM_DIR/<role-id>/ and serves
// that folder at KENSHU_SCORM_URL; this file writes the host page beside
// them. The module with the most questions is used, so its suspend_data is
// the largest any module makes. The packages' pages are also checked as
// HTML5 (html-validate), like the portal's.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEST_TIMEOUT, useBrowser } from './support.mjs';

const SCORM_URL = (() => {
  const url = process.env.KENSHU_SCORM_URL;
  assert.ok(url, 'KENSHU_SCORM_URL is not set: run through `cargo test --test testsuite browser`');
  return url.endsWith('/') ? url : `${url}/`;
})();
const SCORM_DIR = process.env.KENSHU_SCORM_DIR;

const openContext = useBrowser();

/** Writes the LMS host page, its script and scorm-again's runtime into the served folder. */
function writeHost(icon) {
  const runtime = fileURLToPath(new URL('./node_modules/scorm-again/dist/scorm12.min.js', import.meta.url));
  fs.copyFileSync(runtime, path.join(SCORM_DIR, 'scorm12.min.js'));
  fs.writeFileSync(
    path.join(SCORM_DIR, 'host.html'),
    '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>LMS</title>\n' +
      `<link rel="icon" href="${icon}" type="image/svg+xml">\n` +
      '<script src="scorm12.min.js"></script><script src="host.js"></script></head>\n' +
      '<body><main><h1>LMS</h1><div id="sco"></div></main></body></html>\n',
  );
  // The host records every value the SCO sets and every commit.
  fs.writeFileSync(
    path.join(SCORM_DIR, 'host.js'),
    `"use strict";
window.startSco = function (src, initial) {
  window.lms = { commits: 0, values: {} };
  window.API = new Scorm12API({ autocommit: false, logLevel: 4 });
  if (initial) window.API.loadFromJSON(initial);
  window.API.on("LMSCommit", function () { window.lms.commits += 1; });
  window.API.on("LMSSetValue.cmi.*", function (element, value) { window.lms.values[element] = String(value); });
  var frame = document.createElement("iframe");
  frame.id = "sco-frame";
  frame.title = "SCO";
  frame.src = src;
  document.getElementById("sco").appendChild(frame);
};
window.endSco = function () {
  var frame = document.getElementById("sco-frame");
  frame.parentNode.removeChild(frame);
};
`,
  );
}

/** The number of questions of a package page (a path relative to SCORM_DIR). */
function questionCount(src) {
  const html = fs.readFileSync(path.join(SCORM_DIR, src), 'utf8');
  return (html.match(/<fieldset class="question"/g) || []).length;
}

/** The page of the shipped site's packages with the most questions: {src (relative to SCORM_URL), count}. */
function largestSco() {
  let best = null;
  const roles = fs.readdirSync(SCORM_DIR, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('stress-'));
  for (const role of roles) {
    const modules = path.join(SCORM_DIR, role.name, 'modules');
    if (!fs.existsSync(modules)) continue;
    for (const id of fs.readdirSync(modules)) {
      const src = `${role.name}/modules/${id}/index.html`;
      const count = questionCount(src);
      if (!best || count > best.count) best = { src, count };
    }
  }
  assert.ok(best && best.count >= 3, `no package page with questions in ${SCORM_DIR}`);
  return best;
}

/** Answers question `index` of the SCO rightly or wrongly and grades it. */
async function answer(frame, index, rightly) {
  const question = frame.locator('fieldset.question').nth(index);
  const id = await question.getAttribute('id');
  const kind = await question.getAttribute('data-kind');
  if (kind === 'single') {
    await question.locator(`input[data-correct="${rightly}"]`).first().check();
  } else if (kind === 'multiple') {
    const inputs = question.locator('input[type="checkbox"]');
    for (let k = 0; k < (await inputs.count()); k += 1) {
      const right = (await inputs.nth(k).getAttribute('data-correct')) === 'true';
      await inputs.nth(k).setChecked(rightly ? right : !right);
    }
  } else if (kind === 'true-false') {
    const truth = await question.getAttribute('data-truth');
    const chosen = rightly ? truth : String(truth !== 'true');
    await question.locator(`#${id}-${chosen}`).check();
  } else {
    const accepted = JSON.parse(await question.getAttribute('data-accepted'));
    // A long wrong answer, so suspend_data has to carry (and cut) it; the
    // characters outside the BMP make a cut by UTF-16 units split a pair.
    await question.locator(`#${id}-input`).fill(rightly ? String(accepted[0]) : 'あ' + '𠮷'.repeat(400));
  }
  await question.locator('button.question__check').click();
  await frame.locator(`#${id}[data-result]`).waitFor();
}

/** Opens the SCO in the host page with a fresh Scorm12API; returns its frame once it initialised. */
async function startSession(page, src, initial) {
  await page.evaluate(([s, i]) => window.startSco(s, i), [src, initial]);
  const frame = await (await page.waitForSelector('#sco-frame')).contentFrame();
  await frame.waitForLoadState('load');
  await page.waitForFunction(() => window.API.isInitialized());
  return frame;
}

/** Removes the SCO's frame (its pagehide ends the session) and waits for LMSFinish. */
async function endSession(page) {
  await page.evaluate(() => window.endSco());
  await page.waitForFunction(() => window.API.isTerminated());
  return page.evaluate(() => ({ ...window.lms, error: window.API.LMSGetLastError() }));
}

/**
 * Two sessions of `sco` in the runtime. Session 1 answers every question but
 * the last, the first one and every text question wrongly (text with a long
 * answer), then leaves; session 2 resumes, finds those answers graded, and
 * answers the last question rightly. Asserts what the LMS received.
 */
async function twoSessions(page, sco) {
  let frame = await startSession(page, sco.src, null);
  assert.equal(await page.evaluate(() => window.lms.values['cmi.core.lesson_status']), 'incomplete');
  const kinds = await frame.locator('fieldset.question').evaluateAll((qs) => qs.map((q) => q.getAttribute('data-kind')));
  const wrong = kinds.map((kind, i) => i === 0 || (kind === 'text' && i < sco.count - 1));
  for (let i = 0; i < sco.count - 1; i += 1) await answer(frame, i, !wrong[i]);
  assert.equal(await frame.locator('section.quiz-summary').getAttribute('data-state'), 'incomplete');
  const first = await endSession(page);
  assert.equal(first.error, '0', 'LMSGetLastError after the first session');
  assert.equal(first.values['cmi.core.lesson_status'], 'incomplete', 'status raised on leaving');
  assert.equal(first.values['cmi.core.exit'], 'suspend');
  assert.match(first.values['cmi.core.session_time'], /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/);
  assert.equal(first.commits, 1, 'the session ends with one commit');
  const suspend = first.values['cmi.suspend_data'];
  assert.ok(suspend.length > 0 && suspend.length < 4096, `suspend_data has ${suspend.length} characters`);
  assert.ok(!/[\r\n]/.test(suspend), 'suspend_data is not one line');

  // Session 2: the LMS resumes it; the earlier answers are back, graded.
  frame = await startSession(page, sco.src, { core: { entry: 'resume', lesson_status: 'incomplete' }, suspend_data: suspend });
  const results = await frame.locator('fieldset.question').evaluateAll((qs) => qs.map((q) => q.getAttribute('data-result')));
  const expected = wrong.map((w, i) => (i === sco.count - 1 ? null : w ? 'incorrect' : 'correct'));
  assert.deepEqual(results, expected, 'the resumed page does not show the earlier answers');
  await answer(frame, sco.count - 1, true);
  const summary = frame.locator('section.quiz-summary');
  const state = await summary.getAttribute('data-state');
  const score = await summary.getAttribute('data-score');
  const correct = wrong.filter((w) => !w).length;
  assert.ok(state === 'passed' || state === 'failed', `the attempt did not complete: ${state}`);
  assert.equal(score, String(Math.floor((correct * 100) / sco.count)));
  // Committed right after the attempt, before any unload.
  const now = await page.evaluate(() => ({ ...window.lms, error: window.API.LMSGetLastError() }));
  assert.equal(now.values['cmi.core.lesson_status'], state);
  assert.equal(now.values['cmi.core.score.raw'], score);
  assert.equal(now.values['cmi.core.score.min'], '0');
  assert.equal(now.values['cmi.core.score.max'], '100');
  assert.equal(now.commits, 1, 'no commit right after the attempt');
  assert.equal(now.error, '0');
  // With an LMS, the LMS is the record: nothing went to localStorage.
  assert.equal(await frame.evaluate(() => window.localStorage.getItem(window.KENSHU.progressKey)), null);
  const second = await endSession(page);
  assert.equal(second.values['cmi.core.lesson_status'], state, 'the status changed on leaving');
  assert.equal(second.values['cmi.core.exit'], state === 'passed' ? '' : 'suspend');
  assert.equal(second.error, '0');
  assert.ok(second.values['cmi.suspend_data'].length < 4096);
}

test('a SCO reports to a SCORM 1.2 runtime and resumes from suspend_data', { timeout: TEST_TIMEOUT }, async () => {
  const sco = largestSco();
  writeHost(`${sco.src.split('/')[0]}/assets/favicon.svg`);
  const watch = await openContext({ allowed: SCORM_URL });
  const page = await watch.context.newPage();
  await page.goto(`${SCORM_URL}host.html`, { waitUntil: 'load' });
  await twoSessions(page, sco);

  // A module of 60 questions with long wrong text answers still fits.
  const stress = 'stress-general-staff/modules/stress/index.html';
  await twoSessions(page, { src: stress, count: questionCount(stress) });

  // Without an LMS the same page keeps its progress in localStorage.
  const alone = await watch.context.newPage();
  await alone.goto(`${SCORM_URL}${sco.src}`, { waitUntil: 'load' });
  for (let i = 0; i < sco.count; i += 1) await answer(alone.mainFrame(), i, true);
  const record = await alone.evaluate(() => JSON.parse(window.localStorage.getItem(window.KENSHU.progressKey)));
  const id = sco.src.split('/')[2];
  assert.equal(record.modules[id].passed, true, 'no localStorage record without an LMS');
  // The package's page, links made plain text or portal links, passes axe too.
  await alone.evaluate(fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const axe = await alone.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }),
  );
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' ')}`), []);
  watch.assertClean('the SCOs in the SCORM runtime');
  await watch.context.close();
});

test('a resumed pool asks the same draw and gets back choices 15 and 29', { timeout: TEST_TIMEOUT }, async () => {
  const src = 'stress-general-staff/modules/pool/index.html';
  writeHost(`${src.split('/')[0]}/assets/favicon.svg`);
  const watch = await openContext({ allowed: SCORM_URL });
  const page = await watch.context.newPage();
  await page.goto(`${SCORM_URL}host.html`, { waitUntil: 'load' });
  const drawn = (frame) => frame.locator('fieldset.question:visible').evaluateAll((qs) => qs.map((q) => q.getAttribute('data-question-id')));
  let frame = await startSession(page, src, null);
  const first = await drawn(frame);
  assert.equal(first.length, 3, 'three of six questions are asked');
  // Rightly: the right choice is number 15 or 29, base-36 "f" or "t".
  for (const id of first.slice(0, 2)) {
    const question = frame.locator(`fieldset.question[data-question-id="${id}"]`);
    await question.locator('input[data-correct="true"]').check();
    await question.locator('button.question__check').click();
  }
  const left = await endSession(page);
  assert.match(left.values['cmi.suspend_data'], /^k2;\d+;/, 'the seed is kept');
  for (let session = 0; session < 2; session += 1) {
    frame = await startSession(page, src, { core: { entry: 'resume', lesson_status: 'incomplete' }, suspend_data: left.values['cmi.suspend_data'] });
    assert.deepEqual(await drawn(frame), first, 'the resumed session asks the same questions');
    const results = await frame.locator('fieldset.question:visible').evaluateAll((qs) => qs.map((q) => q.getAttribute('data-result')));
    assert.deepEqual(results, ['correct', 'correct', null], 'the answers given are back, graded');
    await endSession(page);
  }
  watch.assertClean('the resumed pool');
  await watch.context.close();
});

test('every page of every package is valid HTML5', async () => {
  const { HtmlValidate } = await import('html-validate');
  const validator = new HtmlValidate({ extends: ['html-validate:standard'] });
  const pages = fs
    .readdirSync(SCORM_DIR, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('/index.html'));
  assert.ok(pages.length >= 10, `only ${pages.length} package pages`);
  const problems = [];
  for (const file of pages) {
    const report = await validator.validateFile(path.join(SCORM_DIR, file));
    for (const m of report.results.flatMap((r) => r.messages)) {
      problems.push(`${file}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
    }
  }
  assert.deepEqual(problems, [], `invalid HTML in the packages:\n${problems.join('\n')}`);
});
