// The learner's path (themes/default/static/js/path.js, filters.js): the role
// followed is the one chosen (「この人材像で学ぶ」 on a role page, the home page,
// the profile; merely opening a role page chooses nothing), module pages show
// the previous and next module of that role's study order and what to study
// next once passed, the home page continues where the learner is, the modules
// index and the resource catalogue filter, and a completed curriculum gets a
// printable certificate.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PUBLIC_URL, TEST_TIMEOUT, answerAllRightly, modulesWithQuestions, open, readPage, roles, sitePages, textWhen, uiStrings, useBrowser } from './support.mjs';

const openContext = useBrowser();

/** A role whose curriculum has at least two modules, the first with questions. */
function roleWithTwoModules() {
  const withQuiz = new Set(modulesWithQuestions().map((m) => m.id));
  const role = roles().find((r) => r.modules.length >= 2 && withQuiz.has(r.modules[0]));
  assert.ok(role, 'no role has two modules, the first with questions');
  return role;
}

const moduleUrl = (id) => `modules/${id}/index.html`;

/** Opens a role page and chooses its role with 「この人材像で学ぶ」; returns the page. */
async function chooseRole(context, role) {
  const page = await open(context, role.url);
  await page.locator('[data-role-choice] .role-choice__choose').click();
  assert.equal(await page.evaluate(() => window.kenshuStore.followedRole()), role.id, `${role.id} chosen`);
  return page;
}

test('a chosen role is followed: pager, what to study next, and 「続きから」 on home', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const role = roleWithTwoModules();
  const strings = await uiStrings(await open(watch.context, 'index.html'));

  const home = await open(watch.context, 'index.html');
  const chooser = home.locator('[data-continue] select');
  await chooser.waitFor();
  assert.ok((await home.locator('[data-continue]').textContent()).includes(strings.continue_choose), 'no role yet: asked to choose');
  await home.close();

  const rolePage = await chooseRole(watch.context, role);
  assert.equal(await rolePage.evaluate(() => window.kenshuStore.learner().role), role.id, 'the choice is the profile\'s 人材像');
  assert.equal(await rolePage.locator('.role-choice__choose').isVisible(), false, 'the chosen role offers no choice');
  assert.equal((await rolePage.locator('.role-choice__current').textContent()).trim(), strings.role_chosen);
  // The curriculum comes before the steps, skills and targets.
  const order = await rolePage.evaluate(() => [...document.querySelectorAll('main h2')].map((h) => h.id));
  assert.equal(order[0], 'curriculum-heading', `first section of the role page: ${order}`);
  await rolePage.close();

  const first = await open(watch.context, moduleUrl(role.modules[0]));
  const part = first.locator(`.module-pager [data-pager-role="${role.id}"]`);
  assert.equal(await part.isVisible(), true, 'the pager of the followed role is shown');
  assert.equal(await part.locator('a[rel="next"]').getAttribute('data-module-id'), role.modules[1], 'next along the study order');
  assert.equal(await first.locator('.quiz-summary__next').isVisible(), false, 'nothing suggested before passing');
  await answerAllRightly(first);
  const next = first.locator('.quiz-summary__next');
  const said = await textWhen(next, (t) => t.startsWith(strings.next_module.trim()));
  assert.ok(said.startsWith(strings.next_module.trim()), `after passing: ${JSON.stringify(said)}`);
  assert.ok((await next.locator('a').getAttribute('href')).includes(`modules/${role.modules[1]}/`), 'the next module is linked');
  await first.close();

  const again = await open(watch.context, 'index.html');
  const box = again.locator('[data-continue]');
  const link = box.locator('.continue__link');
  await link.waitFor();
  assert.ok((await link.getAttribute('href')).includes(`modules/${role.modules[1]}/`), 'continue offers the next unpassed module');
  assert.equal(await box.locator('[data-role-progress]').getAttribute('data-done'), '1', 'the role progress is shown');
  watch.assertClean();
  await watch.context.close();
});

test('opening another role\'s page keeps the role chosen', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const [a, b] = roles();
  const first = await open(watch.context, a.url);
  assert.equal(await first.evaluate(() => window.kenshuStore.followedRole()), '', 'opening a role page chooses nothing');
  assert.equal(await first.locator('.role-choice__choose').isVisible(), true, 'it offers the choice');
  await first.close();
  await (await chooseRole(watch.context, a)).close();
  const other = await open(watch.context, b.url);
  assert.equal(await other.evaluate(() => window.kenshuStore.followedRole()), a.id, 'browsing another curriculum keeps the chosen role');
  assert.equal(await other.evaluate(() => window.kenshuStore.learner().role), a.id);
  assert.equal(await other.locator('.role-choice__choose').isVisible(), true, 'and offers its own role to choose');
  await other.close();
  const home = await open(watch.context, 'index.html');
  assert.equal(await home.locator('[data-continue]').getAttribute('data-role-id'), a.id, 'home continues the chosen role');
  watch.assertClean();
  await watch.context.close();
});

test('a module in several curricula can switch the role it follows', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const all = roles();
  const shared = all.flatMap((r) => r.modules).find((id) => all.filter((r) => r.modules.includes(id)).length >= 2);
  assert.ok(shared, 'no module belongs to two curricula');
  const [a, b] = all.filter((r) => r.modules.includes(shared));
  await (await chooseRole(watch.context, a)).close();
  const page = await open(watch.context, moduleUrl(shared));
  const select = page.locator('.module-pager__select');
  assert.equal(await select.inputValue(), a.id, 'the chosen role is preselected');
  await select.selectOption(b.id);
  assert.equal(await page.locator(`[data-pager-role="${b.id}"]`).isVisible(), true);
  assert.equal(await page.locator(`[data-pager-role="${a.id}"]`).isVisible(), false);
  assert.equal(await page.evaluate(() => window.kenshuStore.followedRole()), b.id, 'switching is remembered');
  watch.assertClean();
  await watch.context.close();
});

test('the modules index lists every module and filters by role, level and status', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const moduleIds = sitePages().map((p) => /^modules\/([^/]+)\/index\.html$/.exec(p)?.[1]).filter(Boolean);
  assert.match(readPage(moduleUrl(moduleIds[0])), /<a href="\.\.\/\.\.\/modules\/index\.html">/, 'the breadcrumb links to the index');
  const role = roleWithTwoModules();
  const page = await open(watch.context, 'modules/index.html');
  const visible = () => page.locator('[data-filter-items] li[data-module-id]:visible').evaluateAll((l) => l.map((e) => e.getAttribute('data-module-id')));
  assert.deepEqual((await visible()).sort(), [...moduleIds].sort(), 'every module is listed');
  await page.locator('#filter-role').selectOption(role.id);
  assert.deepEqual((await visible()).sort(), [...role.modules].sort(), 'role filter');
  await page.locator('#filter-role').selectOption('');
  await page.locator('#filter-level').selectOption('2');
  const levels = await page.locator('[data-filter-items] li[data-module-id]:visible').evaluateAll((l) => l.map((e) => e.getAttribute('data-level')));
  assert.ok(levels.length > 0 && levels.every((l) => l === '2'), `level filter: ${levels}`);
  await page.locator('#filter-level').selectOption('');
  await page.locator('#filter-category').selectOption({ index: 1 });
  const category = await page.locator('#filter-category').inputValue();
  const cats = await page.locator('[data-filter-items] li[data-module-id]:visible').evaluateAll((l) => l.map((e) => e.getAttribute('data-categories')));
  assert.ok(cats.length > 0 && cats.every((c) => c.split(' ').includes(category)), `category filter ${category}: ${cats}`);
  await page.locator('#filter-category').selectOption('');
  const passed = await open(watch.context, moduleUrl(role.modules[0]));
  await answerAllRightly(passed);
  await passed.close();
  await page.reload();
  await page.locator('#filter-status').selectOption('passed');
  assert.deepEqual(await visible(), [role.modules[0]], 'status filter');
  assert.match(page.url(), /#status=passed$/, 'the filter is kept in the address');
  watch.assertClean();
  await watch.context.close();
});

test('the resource catalogue filters by kind, skill and role and marks outside links', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const page = await open(watch.context, 'resources/index.html');
  assert.match(await page.locator('.resources-network-note').textContent(), /LGWAN/);
  const cards = page.locator('.resource-card');
  const total = await cards.count();
  assert.equal(await page.locator('.resource-card .card__title a .external-mark:visible').count(), total, 'every outside link is marked');
  const kind = await page.locator('#filter-kind option').nth(1).getAttribute('value');
  await page.locator('#filter-kind').selectOption(kind);
  const kinds = await page.locator('.resource-card:visible').evaluateAll((l) => l.map((e) => e.getAttribute('data-kind')));
  assert.ok(kinds.length > 0 && kinds.length < total && kinds.every((k) => k === kind), `kind filter ${kind}: ${kinds}`);
  assert.ok((await page.locator('[data-filter-count]').textContent()).includes(String(kinds.length)));
  await page.locator('#filter-kind').selectOption('');
  const skill = await page.locator('#filter-skill option').nth(1).getAttribute('value');
  await page.locator('#filter-skill').selectOption(skill);
  const skills = await page.locator('.resource-card:visible').evaluateAll((l) => l.map((e) => e.getAttribute('data-skills')));
  assert.ok(skills.length > 0 && skills.every((s) => s.split(' ').includes(skill)), `skill filter: ${skills}`);
  await page.locator('#filter-skill').selectOption('');
  const role = await page.locator('#filter-role option').nth(1).getAttribute('value');
  await page.locator('#filter-role').selectOption(role);
  const rolesShown = await page.locator('.resource-card:visible').evaluateAll((l) => l.map((e) => e.getAttribute('data-roles')));
  assert.ok(rolesShown.length > 0 && rolesShown.every((r) => r.split(' ').includes(role)), `role filter: ${rolesShown}`);
  watch.assertClean();
  await watch.context.close();
});

test('a completed curriculum offers a printable certificate; print shows statuses', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const role = roles().reduce((a, b) => (b.modules.length > 0 && b.modules.length < a.modules.length ? b : a));
  const certificate = role.url.replace(/index\.html$/, 'certificate/index.html');
  const incomplete = await open(watch.context, certificate);
  assert.equal(await incomplete.locator('[data-certificate-incomplete]').isVisible(), true, 'incomplete curriculum: it says so');
  assert.equal(await incomplete.locator('article.certificate').isVisible(), false, 'an unearned certificate is not shown');
  assert.equal(await incomplete.locator('.certificate__print').isVisible(), false);
  await incomplete.emulateMedia({ media: 'print' });
  assert.equal(await incomplete.locator('article.certificate').isVisible(), false, 'nor printed');
  assert.equal(await incomplete.locator('[data-certificate-incomplete]').isVisible(), true, 'the print says why');
  await incomplete.emulateMedia({ media: 'screen' });
  await incomplete.evaluate(({ ids }) => {
    const at = '2026-11-30T09:00:00.000Z';
    const modules = {};
    for (const id of ids) modules[id] = { passed: true, bestScore: 100, lastScore: 100, attempts: 1, passedAt: at, updatedAt: at, firstScore: 100, firstMissed: [] };
    localStorage.setItem(window.KENSHU.progressKey, JSON.stringify({ schema: 2, learner: { name: '修了 花子', staffNumber: 'B-7', department: '職員課', role: '' }, modules }));
  }, { ids: role.modules });
  await incomplete.close();

  const rolePage = await open(watch.context, role.url);
  const offer = rolePage.locator('[data-certificate-for="all"] a');
  assert.equal(await offer.isVisible(), true, 'the role page offers the certificate');
  await rolePage.emulateMedia({ media: 'print' });
  const printed = await rolePage.locator(`[data-module-status="${role.modules[0]}"]`).first().evaluate((e) => [getComputedStyle(e).display, e.textContent]);
  assert.notEqual(printed[0], 'none', 'statuses print');
  assert.ok(printed[1].length > 0, 'a printed status has text');
  await rolePage.emulateMedia({ media: 'screen' });
  await offer.click();
  await rolePage.waitForURL(/certificate\/index\.html$/);
  const sheet = rolePage.locator('article.certificate');
  assert.equal(await sheet.getAttribute('data-complete'), 'true');
  assert.equal(await sheet.isVisible(), true, 'an earned certificate is shown');
  assert.equal(await sheet.locator('[data-certificate-name]').textContent(), '修了 花子');
  const dates = await sheet.locator('[data-certificate-date]').allTextContents();
  assert.equal(dates.length, role.modules.length);
  assert.ok(dates.every((d) => d.includes('2026')), `pass dates: ${dates}`);
  assert.equal(await rolePage.locator('.certificate__print').isVisible(), true);
  assert.equal(await rolePage.locator('[data-certificate-no-name]').isVisible(), false);

  await rolePage.emulateMedia({ media: 'print' });
  assert.equal(await sheet.isVisible(), true, 'it prints');
  assert.equal(await sheet.locator('[data-certificate-name]').isVisible(), true, 'with the name');
  await rolePage.emulateMedia({ media: 'screen' });

  // Without a name the certificate asks for it, and neither shows nor prints a blank one.
  await rolePage.evaluate(() => window.kenshuStore.setLearner({ name: '' }));
  await rolePage.reload();
  const ask = rolePage.locator('[data-certificate-no-name]');
  assert.equal(await ask.isVisible(), true, 'asks for the name');
  assert.equal(await sheet.isVisible(), false, 'no nameless certificate on screen');
  assert.equal(await rolePage.locator('.certificate__print').isVisible(), false, 'no print button');
  assert.ok((await ask.locator('a').getAttribute('href')).endsWith('progress/index.html#learner-name'));
  await rolePage.emulateMedia({ media: 'print' });
  assert.equal(await sheet.isVisible(), false, 'no nameless certificate in print');
  assert.equal(await ask.locator('.note').isVisible(), true, 'the print says the name is missing');
  assert.equal(await ask.locator('input').isVisible(), false, 'without the form field');
  await rolePage.emulateMedia({ media: 'screen' });
  // The name entered here is the learner's, and the certificate appears with it.
  await ask.locator('input[name="name"]').fill('  修了 太郎 ');
  await ask.locator('button[type="submit"]').click();
  assert.equal(await sheet.isVisible(), true, 'named: the certificate is shown');
  assert.equal(await sheet.locator('[data-certificate-name]').textContent(), '修了 太郎');
  assert.equal(await rolePage.evaluate(() => window.kenshuStore.learner().name), '修了 太郎', 'saved as the learner\'s name');
  assert.equal(await rolePage.locator('.certificate__print').isVisible(), true);
  watch.assertClean();
  await watch.context.close();
});

test('from file:// the role is followed, home continues and the index filters', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext({ allowed: PUBLIC_URL });
  const role = roleWithTwoModules();
  await (await chooseRole(watch.context, { ...role, url: `${PUBLIC_URL}${role.url}` })).close();
  const module = await open(watch.context, `${PUBLIC_URL}${moduleUrl(role.modules[0])}`);
  assert.equal(await module.locator(`.module-pager [data-pager-role="${role.id}"]`).isVisible(), true, 'pager from file://');
  await module.close();
  const home = await open(watch.context, `${PUBLIC_URL}index.html`);
  const link = home.locator('[data-continue] .continue__link');
  await link.waitFor();
  assert.ok((await link.getAttribute('href')).includes(`modules/${role.modules[0]}/`), 'continue from file://');
  await home.close();
  const index = await open(watch.context, `${PUBLIC_URL}modules/index.html`);
  await index.locator('#filter-role').selectOption(role.id);
  const shown = await index.locator('[data-filter-items] li[data-module-id]:visible').count();
  assert.equal(shown, role.modules.length, 'index filter from file://');
  watch.assertClean('the learner\'s path from file://');
  await watch.context.close();
});

test('a reached step gets its own certificate; choosing a role on home continues it', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  // A role whose first step (level 1) has fewer modules than the whole curriculum.
  const role = roles().find((r) => {
    const m = /data-certificate-for="step" data-step-modules="([^"]+)"/.exec(readPage(r.url));
    return m && m[1].split(' ').length < r.modules.length;
  });
  assert.ok(role, 'no role has a step smaller than its curriculum');
  const html = readPage(role.url);
  const [, stepIds] = /data-certificate-for="step" data-step-modules="([^"]+)"/.exec(html);
  const [, level] = /certificate\/index\.html#step-(\d+)/.exec(html);
  const ids = stepIds.split(' ');
  const home = await open(watch.context, 'index.html');
  await home.locator('[data-continue] select').selectOption(role.id);
  const link = home.locator('[data-continue] .continue__link');
  await link.waitFor();
  assert.ok((await link.getAttribute('href')).includes(`modules/${role.modules[0]}/`), 'the chosen role is continued');
  assert.equal(await home.evaluate(() => window.kenshuStore.learner().role), role.id, 'the choice is the profile\'s 人材像');
  await home.evaluate(({ ids }) => {
    const at = '2026-10-01T09:00:00.000Z';
    const state = JSON.parse(localStorage.getItem(window.KENSHU.progressKey));
    state.learner.name = '段階 一郎';
    for (const id of ids) state.modules[id] = { passed: true, bestScore: 100, lastScore: 100, attempts: 1, passedAt: at, updatedAt: at, firstScore: 100, firstMissed: [] };
    localStorage.setItem(window.KENSHU.progressKey, JSON.stringify(state));
  }, { ids });
  await home.close();

  const rolePage = await open(watch.context, role.url);
  assert.equal(await rolePage.locator('[data-certificate-for="all"]').isVisible(), false, 'the curriculum is not complete');
  const offer = rolePage.locator('[data-certificate-for="step"]').first();
  assert.equal(await offer.isVisible(), true, 'the reached step offers a certificate');
  await offer.locator('a').click();
  await rolePage.waitForURL(new RegExp(`#step-${level}$`));
  await rolePage.reload();
  const rows = rolePage.locator('[data-certificate-module]:visible');
  assert.deepEqual((await rows.evaluateAll((l) => l.map((r) => r.getAttribute('data-certificate-module')))).sort(), [...ids].sort());
  assert.equal(await rolePage.locator('article.certificate').getAttribute('data-complete'), 'true');
  assert.ok((await rolePage.locator('[data-certificate-step]').textContent()).length > 0, 'the step is named');
  watch.assertClean();
  await watch.context.close();
});

test('the next module suggested skips modules already passed', { timeout: TEST_TIMEOUT }, async () => {
  const watch = await openContext();
  const withQuiz = new Set(modulesWithQuestions().map((m) => m.id));
  const role = roles().find((r) => r.modules.length >= 3 && withQuiz.has(r.modules[0]));
  assert.ok(role, 'no role has three modules');
  const page = await chooseRole(watch.context, role);
  await page.evaluate((id) => {
    const at = '2026-10-01T09:00:00.000Z';
    window.kenshuStore.importText(JSON.stringify({ format: 'kenshu-progress', schema: 2, modules: { [id]: { passed: true, bestScore: 100, attempts: 1, passedAt: at, updatedAt: at } } }));
  }, role.modules[1]);
  await page.goto(moduleUrl(role.modules[0]));
  await answerAllRightly(page);
  const next = page.locator('.quiz-summary__next a');
  // Waits until the suggestion names the third module (or gives up, so the assertion shows what was suggested).
  await page
    .waitForFunction((id) => (document.querySelector('.quiz-summary__next a')?.getAttribute('href') || '').includes(`modules/${id}/`), role.modules[2])
    .catch(() => {});
  const href = (await next.getAttribute('href')) || '';
  assert.ok(href.includes(`modules/${role.modules[2]}/`), `suggested ${href}, not the first unpassed ${role.modules[2]}`);
  watch.assertClean();
  await watch.context.close();
});
