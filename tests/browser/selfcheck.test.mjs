// Self-checks that measure (themes/default/static/js/quiz.js): choices
// shuffled per learner and attempt but stable across reloads, pinned orders,
// question pools (`draw:`), the 「n / N 問回答」 summary, text answers with
// ignored characters, and the review (復習) of missed questions.
// The pool, pinned and text-variant cases run on a small site built here
// from the basic fixture and opened from file://.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TEST_TIMEOUT, answerAllRightly, fill, modulesWithQuestions, open, readPage, textWhen, uiStrings, useBrowser } from './support.mjs';

const openContext = useBrowser();

/** Each question's choice values in page order. */
function choiceOrders(page) {
  return page.locator('fieldset.question').evaluateAll((qs) =>
    qs.map((q) => [...q.querySelectorAll('ul.choices input')].map((i) => i.value).join(',')),
  );
}

/** A module with single-choice questions of three or more choices. */
function moduleWithManyChoices() {
  const module = modulesWithQuestions().find((m) => {
    const html = readPage(m.url);
    return (html.match(/type="radio" id="q\d+-c3"/g) || []).length >= 2;
  });
  assert.ok(module, 'no module has two questions with three choices');
  return module;
}

/** Answers the first visible single-choice question wrongly (or rightly). */
async function answerFirstSingle(page, correct) {
  const question = page.locator('fieldset.question[data-kind="single"]:visible').first();
  await question.locator(`input[data-correct="${correct}"]`).first().check();
  await question.locator('button.question__check').click();
  return question;
}

test('choices are shuffled per attempt and learner, and stay put on reload', { timeout: TEST_TIMEOUT }, async () => {
  const module = moduleWithManyChoices();
  const watch = await openContext();
  const page = await open(watch.context, module.url);
  const strings = await uiStrings(page);
  const first = await choiceOrders(page);
  await page.reload();
  assert.deepEqual(await choiceOrders(page), first, 'a reload keeps the attempt\'s order');

  // 「n / N 問回答」 while under way.
  const total = await page.locator('fieldset.question').count();
  const score = page.locator('.quiz-summary__score');
  assert.equal((await score.textContent()).trim(), fill(strings.answered_count, { answered: 0, total }));
  await answerFirstSingle(page, 'true');
  assert.equal(await textWhen(score, (t) => t.startsWith('1 ')), fill(strings.answered_count, { answered: 1, total }));
  assert.equal(await page.locator('section.quiz-summary').getAttribute('data-state'), 'incomplete');

  // New attempts get new orders (eight tries: the chance that all match is negligible).
  let changed = false;
  for (let i = 0; i < 8 && !changed; i += 1) {
    await page.locator('.quiz-summary__reset').click();
    changed = JSON.stringify(await choiceOrders(page)) !== JSON.stringify(first);
    await answerFirstSingle(page, 'true');
  }
  assert.ok(changed, 'no new attempt changed the order');
  // Another learner (browser profile) gets another order.
  let differs = false;
  for (let i = 0; i < 6 && !differs; i += 1) {
    const other = await openContext();
    const otherPage = await open(other.context, module.url);
    differs = JSON.stringify(await choiceOrders(otherPage)) !== JSON.stringify(first);
    other.assertClean();
    await other.context.close();
  }
  assert.ok(differs, 'other learners all saw the same order');
  watch.assertClean();
  await watch.context.close();
});

/** The questions asked (visible), each as "id:choice values in page order". */
function askedQuestions(page) {
  return page.locator('fieldset.question:not([hidden])').evaluateAll((qs) =>
    qs.map((q) => `${q.getAttribute('data-question-id')}:${[...q.querySelectorAll('ul.choices input')].map((i) => i.value).join(',')}`),
  );
}

/**
 * What a reload must keep of a finished attempt (its review): the questions,
 * their order, the answers given, the grades and marks, the verdict and the
 * summary's line on when the attempt was finished.
 */
async function finishedView(page) {
  const asked = page.locator('fieldset.question:not([hidden])');
  return {
    asked: await askedQuestions(page),
    answers: await page.evaluate(() => window.kenshuQuiz.answers()),
    graded: await asked.evaluateAll((qs) => qs.map((q) => q.getAttribute('data-result'))),
    marks: await asked.evaluateAll((qs) => qs.map((q) => [...q.querySelectorAll('.choice__mark')].map((m) => m.textContent).join('|'))),
    state: await page.locator('section.quiz-summary').getAttribute('data-state'),
    finished: await page.locator('.quiz-summary__finished').textContent(),
  };
}

/** The date and attempt number a 「… に終えた n 回目の挑戦」 line gives, or null. */
function finishedLine(strings, text) {
  const pattern = strings.attempt_finished.replace(/[.*+?^$()[\]\\|]/g, '\\$&').replace('{date}', '(.+)').replace('{count}', '(\\d+)');
  const match = new RegExp(`^${pattern}$`).exec(text.trim());
  return match && { date: match[1], count: Number(match[2]) };
}

test('a finished attempt keeps its choice order on reload until もう一度解く', { timeout: TEST_TIMEOUT }, async () => {
  const module = moduleWithManyChoices();
  const watch = await openContext();
  await watch.context.clock.setFixedTime(new Date('2026-12-01T10:00:00+09:00'));
  const page = await open(watch.context, module.url);
  const strings = await uiStrings(page);
  await answerAllRightly(page);
  const finished = await finishedView(page);
  assert.equal(finished.state, 'passed');
  const line = finishedLine(strings, finished.finished);
  assert.ok(line && line.count === 1 && line.date.includes('2026'), `the summary says which attempt ended when: ${finished.finished}`);
  for (let i = 0; i < 3; i += 1) {
    await page.reload();
    assert.deepEqual(await finishedView(page), finished, `reload ${i + 1}: the finished attempt is shown as it was answered`);
  }
  const record = await page.evaluate((id) => window.kenshuStore.module(id), module.id);
  assert.equal(record.attempts, 1, 'reloading records nothing');
  await page.locator('.quiz-summary__reset').click();
  assert.equal(await page.locator('fieldset.question[data-result]').count(), 0, 'もう一度解く starts a new attempt');
  watch.assertClean();
  await watch.context.close();
});

/** Builds the basic fixture with a module that draws 2 of 3 questions, and one that draws 3 of 8. */
function poolSite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kenshu-selfcheck-'));
  fs.cpSync(process.env.KENSHU_FIXTURE, dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'content/modules/security/pool.md'),
    [
      '---', 'title: 出題プール', 'skills: [security-literacy]', 'draw: 2', '---', '', '## 問題', '',
      '```quiz',
      '- question: 固定の順序',
      '  shuffle: false',
      '  choices:',
      '    - text: 一番目',
      '      correct: true',
      '    - text: 二番目',
      '    - text: 三番目',
      '    - text: すべて正しい',
      '- question: 表記の揺れ',
      '  ignore: "・ー"',
      '  answer: [データ・ベース]',
      '- question: 正誤',
      '  answer: true',
      '```', '',
    ].join('\n'),
  );
  // A larger pool: 3 of 8 questions of 5 choices, so a draw and an order
  // that come back by chance are out of the question.
  const big = ['---', 'title: 大きな出題プール', 'skills: [security-literacy]', 'draw: 3', '---', '', '## 問題', '', '```quiz'];
  for (let n = 0; n < 8; n += 1) {
    big.push(`- question: 番号${n}を選べ。`, '  choices:');
    for (let c = 0; c < 5; c += 1) big.push(`    - text: 番号${n}-${c}`, `      correct: ${c === 0}`);
  }
  fs.writeFileSync(path.join(dir, 'content/modules/security/pool-big.md'), [...big, '```', ''].join('\n'));
  execFileSync(process.env.KENSHU_BIN, ['build', '--root', dir, '--out', path.join(dir, 'public')], { stdio: 'pipe' });
  return pathToFileURL(path.join(dir, 'public') + path.sep).href;
}

test('a pool draws N questions, pinned orders stay, text variants are accepted (file://)', { timeout: TEST_TIMEOUT }, async () => {
  const site = poolSite();
  const watch = await openContext({ allowed: site });
  const page = await open(watch.context, `${site}modules/pool/index.html`);
  const drawn = new Set();
  // Ten attempts: the chance that one question is never drawn is 3 × (1/3)^10.
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const visible = page.locator('fieldset.question:visible');
    assert.equal(await visible.count(), 2, 'two of three questions are asked');
    assert.deepEqual(await visible.locator('.question__number').allTextContents(), ['問1', '問2'], 'numbered 1..N');
    (await visible.evaluateAll((qs) => qs.map((q) => q.getAttribute('data-question-id')))).forEach((id) => drawn.add(id));
    const pinned = page.locator('fieldset.question[data-shuffle="false"] ul.choices input');
    assert.deepEqual(await pinned.evaluateAll((l) => l.map((i) => i.value)), ['0', '1', '2', '3'], 'shuffle: false keeps the order');
    const text = page.locator('fieldset.question[data-kind="text"]');
    if (await text.isVisible()) {
      await text.locator('input[type="text"]').fill('データベース');
      await text.locator('button.question__check').click();
      assert.equal(await text.getAttribute('data-result'), 'correct', 'ignore: ・ and ー');
    }
    assert.equal((await page.locator('.quiz-summary__score').textContent()).includes(' / 2 '), true, 'the summary counts the drawn questions');
    // Answer one to be able to start a new attempt.
    const unanswered = page.locator('fieldset.question:visible:not([data-result])').first();
    if (await unanswered.count()) {
      const input = unanswered.locator('input').first();
      if ((await input.getAttribute('type')) === 'text') await input.fill('x');
      else await input.check();
      await unanswered.locator('button.question__check').click();
    }
    await page.locator('.quiz-summary__reset').click();
  }
  assert.ok(drawn.size === 3, `the draws covered ${drawn.size} of 3 questions`);
  watch.assertClean();
  await watch.context.close();
});

test('a drawn set stays through reloads, finished or not, until a new attempt (file://)', { timeout: TEST_TIMEOUT }, async () => {
  const site = poolSite();
  const watch = await openContext({ allowed: site });
  const page = await open(watch.context, `${site}modules/pool-big/index.html`);
  const drawn = await askedQuestions(page);
  assert.equal(drawn.length, 3, 'three of eight questions are asked');
  await page.reload();
  assert.deepEqual(await askedQuestions(page), drawn, 'a reload before answering asks the same draw');
  // A wrong guess on each: the attempt fails, and a reload must not draw again.
  for (const question of await page.locator('fieldset.question:not([hidden])').all()) {
    await question.locator('input[data-correct="false"]').first().check();
    await question.locator('button.question__check').click();
  }
  const finished = await finishedView(page);
  assert.deepEqual(finished.graded, ['incorrect', 'incorrect', 'incorrect']);
  assert.equal(finished.state, 'failed');
  for (let i = 0; i < 3; i += 1) {
    await page.reload();
    assert.deepEqual(await finishedView(page), finished, `reload ${i + 1}: the same draw, graded, failed`);
  }
  await page.locator('.quiz-summary__reset').click();
  assert.equal(await page.locator('fieldset.question:not([hidden])').count(), 3, 'a new attempt draws three again');
  assert.equal(await page.locator('fieldset.question[data-result]').count(), 0, 'unanswered');
  const record = await page.evaluate(() => window.kenshuStore.module('pool-big'));
  assert.equal(record.attempts, 1, 'one attempt recorded, however often the page was reloaded');
  watch.assertClean();
  await watch.context.close();
});

test('a question missed first is listed for review and leaves after right answers on two days', { timeout: TEST_TIMEOUT }, async () => {
  const module = modulesWithQuestions().find((m) => m.kinds.includes('single'));
  const watch = await openContext();
  // The learner's clock: the review spaces its questions by day.
  await watch.context.clock.setFixedTime(new Date('2026-12-01T10:00:00+09:00'));
  const page = await open(watch.context, module.url);
  const strings = await uiStrings(page);
  const missed = await answerFirstSingle(page, 'false');
  const questionId = await missed.getAttribute('data-question-id');
  // Finish the attempt rightly.
  const rest = page.locator('fieldset.question:not([data-result])');
  while ((await rest.count()) > 0) {
    const q = rest.first();
    const kind = await q.getAttribute('data-kind');
    if (kind === 'text') await q.locator('input').fill(JSON.parse(await q.getAttribute('data-accepted'))[0]);
    else if (kind === 'true-false') await q.locator(`input[value="${await q.getAttribute('data-truth')}"]`).check();
    else if (kind === 'single') await q.locator('input[data-correct="true"]').check();
    else for (const i of await q.locator('input[data-correct="true"]').all()) await i.check();
    await q.locator('button.question__check').click();
  }
  const record = await page.evaluate((id) => window.kenshuStore.module(id), module.id);
  assert.deepEqual(record.firstMissed, [questionId], 'the first attempt\'s miss is recorded');
  await page.close();

  const progress = await open(watch.context, 'progress/index.html');
  const link = progress.locator(`[data-review-list] a[data-review-question="${questionId}"]`);
  assert.equal(await link.count(), 1, 'the missed question is listed on the progress page');
  assert.ok((await link.getAttribute('href')).endsWith(`#review-${questionId}`));
  await link.click();
  await progress.waitForURL(/#review-/);
  await progress.reload();
  const visible = progress.locator('fieldset.question:visible');
  const score = progress.locator('.quiz-summary__score');
  /** Answers the one question the review asks rightly; returns what it says. */
  async function reviewRightly() {
    assert.equal(await visible.count(), 1, 'the review asks only the missed question');
    assert.equal(await visible.getAttribute('data-question-id'), questionId);
    assert.equal((await score.textContent()).trim(), fill(strings.review_answered, { answered: 0, total: 1 }), 'the summary counts the review');
    assert.equal(await progress.locator('.quiz-summary__pass').isVisible(), false, 'the module\'s pass mark is not the review\'s');
    await visible.locator('input[data-correct="true"]').check();
    await visible.locator('button.question__check').click();
    assert.equal((await score.textContent()).trim(), fill(strings.review_result, { correct: 1, total: 1 }));
    assert.equal(await progress.locator('.quiz-summary__reset').isVisible(), false, 'no もう一度解く in the review');
    return visible.locator('.question__result').textContent();
  }
  assert.ok((await reviewRightly()).includes(strings.review_again), 'right once: asked again another day');

  // The same day it is not asked again: not by a reload, not from the list.
  await progress.reload();
  assert.equal(await visible.count(), 0, 'a question answered right is not asked again the same day');
  const dueAt = await progress.evaluate(([m, q]) => window.kenshuStore.review()[m][q].dueAt, [module.id, questionId]);
  const dueOn = await progress.evaluate((iso) => window.kenshuUI.formatDate(iso), dueAt);
  assert.equal((await progress.locator('.review-banner p').first().textContent()).trim(), fill(strings.review_none_due, { date: dueOn }));
  await progress.goto(new URL('../../progress/index.html', progress.url()).href);
  const entry = progress.locator(`[data-review-list] a[data-review-question="${questionId}"]`).locator('xpath=..');
  assert.ok((await entry.textContent()).endsWith(fill(strings.review_due_on, { date: dueOn })), 'the list says from when');

  // The next day it is asked again, and a right answer takes it out.
  await watch.context.clock.setFixedTime(new Date('2026-12-02T10:00:00+09:00'));
  await progress.locator(`[data-review-list] a[data-review-question="${questionId}"]`).click();
  await progress.waitForURL(/#review-/);
  await progress.reload();
  assert.ok((await reviewRightly()).includes(strings.review_done), 'right again the next day: out of the review');
  await progress.goto(new URL('../../progress/index.html', progress.url()).href);
  assert.equal(await progress.locator('[data-review-empty]').isVisible(), true, 'reviewed on two days: the list is empty');
  watch.assertClean();
  await watch.context.close();
});

test('a wrong answer survives a reload, and an attempt left half-way is recorded', { timeout: TEST_TIMEOUT }, async () => {
  const module = modulesWithQuestions().find((m) => m.kinds.includes('single') && m.kinds.length >= 3 &&
    !/data-draw="\d/.test(readPage(m.url)));
  assert.ok(module, 'no module with three questions, one single-choice');
  const watch = await openContext();
  const page = await open(watch.context, module.url);
  const strings = await uiStrings(page);
  const wrong = await answerFirstSingle(page, 'false');
  const questionId = await wrong.getAttribute('data-question-id');
  await page.reload();
  const again = page.locator(`fieldset.question[data-question-id="${questionId}"]`);
  assert.equal(await again.getAttribute('data-result'), 'incorrect', 'the wrong answer is graded again after a reload');
  assert.equal(await again.locator('input:checked').count(), 1, 'the answer chosen is shown');
  assert.ok(await again.locator('input').first().isDisabled(), 'and it cannot be changed');
  const total = await page.locator('fieldset.question').count();
  assert.equal((await page.locator('.quiz-summary__score').textContent()).trim(), fill(strings.answered_count, { answered: 1, total }));

  await page.locator('.quiz-summary__reset').click();
  const left = await page.evaluate((id) => window.kenshuStore.module(id), module.id);
  assert.equal(left.attempts, 1, 'leaving the attempt counts it');
  assert.equal(left.passed, false);
  assert.equal(left.firstScore, 0, 'nothing was answered rightly');
  assert.deepEqual(left.firstMissed, [questionId], 'its miss goes to the review');
  assert.equal(await again.getAttribute('data-result'), null, 'the new attempt starts unanswered');

  await answerAllRightly(page);
  await page.reload();
  const record = await page.evaluate((id) => window.kenshuStore.module(id), module.id);
  assert.equal(record.attempts, 2, 'the reload did not record the finished attempt twice');
  assert.equal(record.bestScore, 100);
  assert.equal(record.firstScore, 0, 'the first attempt stays the one left half-way');
  assert.equal(await page.locator('fieldset.question[data-result]').count(), total, 'the finished attempt is shown graded');
  watch.assertClean();
  await watch.context.close();
});
