// Quizzes: feedback for a wrong and a right answer, and passing a module so
// that its role page shows it passed after a reload (themes/default/static/js/quiz.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TEST_TIMEOUT,
  answerAllRightly,
  fill,
  modulesWithQuestions,
  moduleAndRole,
  open,
  textWhen,
  uiStrings,
  useBrowser,
} from './support.mjs';

/** One browser for this file's tests; each test opens its own watched context. */
const openContext = useBrowser();

/** A module with a single-choice question (its page has a quiz summary with a reset button). */
function singleChoiceModule() {
  const module = modulesWithQuestions().find((m) => m.kinds.includes('single'));
  assert.ok(module, 'no module has a single-choice question');
  return module;
}

test('a wrong answer, then a right one, gets the matching feedback', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const module = singleChoiceModule();
  const page = await open(watch.context, module.url);
  const strings = await uiStrings(page);

  // Prefer a question with an explanation, so that its reveal is checked too.
  const singles = page.locator('fieldset.question[data-kind="single"]');
  const withExplanation = singles.filter({ has: page.locator('.question__explanation') });
  const question = (await withExplanation.count()) > 0 ? withExplanation.first() : singles.first();
  const id = await question.getAttribute('id');
  const check = question.locator(`button.question__check[data-question="${id}"]`);
  const result = question.locator('.question__result');
  const explanation = question.locator('.question__explanation');
  const hasExplanation = (await explanation.count()) > 0;

  // The check button is hidden in the HTML and shown by the script.
  await check.waitFor({ state: 'visible' });
  if (hasExplanation) {
    assert.equal(await explanation.isVisible(), false, `${id}: explanation shown before answering`);
  }

  // Nothing chosen: a hint, nothing graded.
  await check.click();
  const hint = await textWhen(result, (text) => text !== '');
  assert.ok(hint.includes(strings.not_answered), `${id}: checking without an answer says ${JSON.stringify(hint)}`);
  assert.equal(await question.getAttribute('data-result'), null, `${id}: graded without an answer`);

  const wrongChoice = question.locator('input[data-correct="false"]').first();
  await wrongChoice.check();
  await check.click();
  const wrong = await textWhen(result, (text) => text.includes(strings.incorrect));
  assert.ok(wrong.includes(strings.incorrect), `${id}: after a wrong answer the result says ${JSON.stringify(wrong)}`);
  assert.equal(await question.getAttribute('data-result'), 'incorrect', `${id}: data-result after a wrong answer`);
  if (hasExplanation) {
    assert.ok(await explanation.isVisible(), `${id}: explanation not shown after a wrong answer`);
  }
  // The first answer counts: the choices are locked until a new attempt.
  assert.ok(await wrongChoice.isDisabled(), `${id}: choices still enabled after grading`);

  await page.locator('section.quiz-summary .quiz-summary__reset').click();
  assert.equal(await textWhen(result, (text) => text === ''), '', `${id}: result not cleared by a new attempt`);
  if (hasExplanation) {
    assert.equal(await explanation.isVisible(), false, `${id}: explanation still shown after a new attempt`);
  }

  await question.locator('input[data-correct="true"]').first().check();
  await check.click();
  const right = await textWhen(result, (text) => text !== '' && !text.includes(strings.incorrect));
  assert.ok(right.includes(strings.correct), `${id}: after the right answer the result says ${JSON.stringify(right)}`);
  assert.ok(!right.includes(strings.incorrect), `${id}: still marked incorrect: ${JSON.stringify(right)}`);
  assert.equal(await question.getAttribute('data-result'), 'correct', `${id}: data-result after the right answer`);
  if (hasExplanation) {
    assert.ok(await explanation.isVisible(), `${id}: explanation not shown after the right answer`);
  }
  watch.assertClean();
  await watch.context.close();
});

test('passing a module marks it passed on its role page after a reload', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const { module, role } = moduleAndRole();
  const page = await open(watch.context, module.url);
  const strings = await uiStrings(page);

  const count = await answerAllRightly(page);
  const score = page.locator('section.quiz-summary .quiz-summary__score');
  const expected = fill(strings.score, { correct: count, total: count, percent: 100 });
  const scoreText = await textWhen(score, (text) => text.includes(expected));
  assert.ok(scoreText.includes(expected), `${module.id}: score says ${JSON.stringify(scoreText)}, expected ${JSON.stringify(expected)}`);
  assert.ok(scoreText.includes(strings.passed), `${module.id}: score does not say passed: ${JSON.stringify(scoreText)}`);

  await page.goto(role.url);
  await page.reload({ waitUntil: 'load' });
  const status = page.locator(`[data-module-status="${module.id}"]`);
  const statusText = await textWhen(status, (text) => text.includes(strings.status_passed));
  assert.ok(
    statusText.includes(strings.status_passed),
    `${role.url}: status of ${module.id} after a reload is ${JSON.stringify(statusText)}, expected ${JSON.stringify(strings.status_passed)}`,
  );

  const progress = page.locator(`[data-role-progress="${role.id}"]`).first();
  const summary = fill(strings.progress_summary, { done: 1, total: role.modules.length });
  const progressText = await textWhen(progress, (text) => text.includes(summary));
  assert.ok(progressText.includes(summary), `${role.url}: progress says ${JSON.stringify(progressText)}, expected ${JSON.stringify(summary)}`);
  const bar = await progress.evaluate((el) => {
    const meter = el.querySelector('progress');
    return meter && { value: meter.value, max: meter.max };
  });
  assert.ok(bar, `${role.url}: [data-role-progress="${role.id}"] has no progress bar`);
  assert.deepEqual(bar, { value: 1, max: role.modules.length }, `${role.url}: progress bar`);
  watch.assertClean();
  await watch.context.close();
});
