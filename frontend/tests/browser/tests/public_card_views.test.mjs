// Shared gallery, kanban and calendar views, opened without an account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, createTable, apiOk, screenshot, assertFitsWidth } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Which month the fixture's dates fall in, and a day of it. */
const now = new Date();
const pad = (n) => String(n).padStart(2, '0');
const MONTH = `${now.getFullYear()}-${pad(now.getMonth() + 1)}`;
const day = (d) => `${MONTH}-${pad(d)}`;

/**
 * A table "Projects" with Name, Stage (To do / Doing / Done), Score (rating), Due (date)
 * and Secret (text no view shows); `extra` more rows in To do.
 */
async function fixture({ extra = 0 } = {}) {
  const user = await signUp();
  const ids = await createTable(user, { table: 'Projects' });
  const token = user.token;
  const t = ids.tableId;
  const fields = await apiOk('GET', `/api/database/fields/table/${t}/`, { token });
  const name = fields.find((f) => f.primary);
  const stage = await apiOk('POST', `/api/database/fields/table/${t}/`, {
    token,
    body: { name: 'Stage', type: 'single_select', select_options: [
      { value: 'To do', color: 'blue' }, { value: 'Doing', color: 'orange' }, { value: 'Done', color: 'green' }] },
  });
  const score = await apiOk('POST', `/api/database/fields/table/${t}/`, { token, body: { name: 'Score', type: 'rating', max_value: 5 } });
  const due = await apiOk('POST', `/api/database/fields/table/${t}/`, { token, body: { name: 'Due', type: 'date' } });
  const secret = await apiOk('POST', `/api/database/fields/table/${t}/`, { token, body: { name: 'Secret', type: 'text' } });
  const rows = await apiOk('GET', `/api/database/rows/table/${t}/`, { token });
  for (const row of rows.results) {
    await apiOk('DELETE', `/api/database/rows/table/${t}/${row.id}/`, { token });
  }
  const [todo, doing, done] = stage.select_options.map((o) => o.id);
  const items = [
    { Name: 'Launch website', Stage: todo, Score: 4, Due: day(3), Secret: 'classified-1' },
    { Name: 'Write the press release with a rather long title that wraps', Stage: doing, Score: 2, Due: day(3), Secret: 'classified-2' },
    { Name: 'Hire a designer', Stage: done, Score: 5, Due: day(12), Secret: 'classified-3' },
    { Name: 'Plan the offsite', Stage: null, Score: 1, Due: day(20), Secret: 'classified-4' },
    { Name: 'Budget review', Stage: todo, Score: 3, Due: day(3), Secret: 'classified-5' },
    { Name: 'Customer interviews', Stage: doing, Score: 0, Due: day(3), Secret: 'classified-6' },
    { Name: 'Quarterly report', Stage: todo, Score: 3, Due: day(3), Secret: 'classified-7' },
  ];
  for (let n = 0; n < extra; n += 1) items.push({ Name: `Task ${n + 1}`, Stage: todo, Score: 1, Secret: 'classified-x' });
  await apiOk('POST', `/api/database/rows/table/${t}/batch/?user_field_names=true`, { token, body: { items } });
  const view = async (body, shown) => {
    const v = await apiOk('POST', `/api/database/views/table/${t}/`, { token, body });
    const options = Object.fromEntries(shown.map((f) => [f.id, { hidden: false }]));
    await apiOk('PATCH', `/api/database/views/${v.id}/field-options/`, { token, body: { field_options: options } });
    return apiOk('PATCH', `/api/database/views/${v.id}/`, { token, body: { public: true } });
  };
  return { user, ids, token, name, stage, score, due, secret, todo, doing, done, view };
}

async function noSecrets(page) {
  assert.doesNotMatch(await page.content(), /classified/);
}

test('a shared gallery shows cards of its visible fields, coloured as in the app', async () => {
  const f = await fixture();
  const gallery = await f.view({ name: 'All projects', type: 'gallery' }, [f.stage, f.score]);
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    const res = await page.goto(`/public/gallery/${gallery.slug}`);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'Projects');
    assert.match(await page.locator('.view-name').textContent(), /All projects/);
    assert.equal(await page.locator('.public-card').count(), 7);
    assert.equal(await page.locator('.public-card .card-title').first().textContent(), 'Launch website');
    // The select option in its colour and the rating as marks, drawn by the page's script.
    await page.locator('.public-card .chip.chip-blue').first().waitFor();
    assert.equal(await page.locator('.public-card .chip.chip-blue').first().textContent(), 'To do');
    assert.equal(await page.locator('.public-card').first().locator('.stars .star.lit').count(), 4);
    assert.match(await page.locator('[role=status]').first().textContent(), /Rows 1–7 of 7/);
    await noSecrets(page);
    await screenshot(page, 'public-gallery');
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test('a shared kanban has a column per option and Uncategorised, with more cards on demand', async () => {
  const f = await fixture({ extra: 40 });
  const board = await f.view({ name: 'Board', type: 'kanban', single_select_field: f.stage.id }, [f.score]);
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    const res = await page.goto(`/public/kanban/${board.slug}`);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'Projects');
    const names = await page.locator('.kanban-column-name').allTextContents();
    assert.deepEqual(names.map((n) => n.trim()), ['Uncategorised', 'To do', 'Doing', 'Done']);
    const column = (id) => page.locator(`.kanban-column[data-option="${id}"]`);
    assert.equal(await column(f.doing).locator('.public-card').count(), 2);
    assert.equal(await column('null').locator('.public-card').count(), 1);
    assert.equal(await column(f.todo).locator('.kanban-count').textContent(), '43');
    assert.equal(await column(f.todo).locator('.public-card').count(), 40);
    await page.locator(`.kanban-column[data-option="${f.doing}"] .chip.chip-orange`).first().waitFor();
    await noSecrets(page);
    if (size === 'desktop') await screenshot(page, 'public-kanban');
    // The page itself never scrolls sideways; the board does, inside itself.
    await assertFitsWidth(page);
    await Promise.all([page.waitForURL(/select_option=/), column(f.todo).locator('.kanban-more').click()]);
    assert.equal(await column(f.todo).locator('.public-card').count(), 43);
    assert.equal(await column(f.todo).locator('.kanban-more').count(), 0);
    if (size === 'mobile') await screenshot(page, 'public-kanban-more');
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test('a shared calendar shows a month of rows by date, steps through months and lists a day', async () => {
  const f = await fixture();
  const calendar = await f.view({ name: 'Deadlines', type: 'calendar', date_field: f.due.id }, [f.stage]);
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    const res = await page.goto(`/public/calendar/${calendar.slug}`);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'Projects');
    const title = await page.locator('#calendar-title').textContent();
    assert.match(title, new RegExp(String(now.getFullYear())));
    const third = page.locator(`.calendar-day[data-date="${day(3)}"]`);
    // Four entries fit a day; the fifth is behind "+1 more".
    assert.equal(await third.locator('.calendar-entry').count(), 4);
    assert.equal((await third.locator('.calendar-more').textContent()).trim(), '+1 more');
    assert.equal(await page.locator(`.calendar-day[data-date="${day(12)}"] .calendar-entry`).textContent(), 'Hire a designer');
    assert.equal(await page.locator('.calendar-day.today').count(), 1);
    await noSecrets(page);
    await screenshot(page, 'public-calendar');
    // A day's own list: every row as a card.
    await third.locator('.calendar-more').click();
    await page.locator('#day').waitFor();
    assert.equal(await page.locator('#day .public-card').count(), 5);
    await page.locator('#day .chip.chip-blue').first().waitFor();
    if (size === 'mobile') await screenshot(page, 'public-calendar-day');
    // Next month and back.
    await page.click('#calendar-next');
    await page.waitForFunction((t) => document.querySelector('#calendar-title')?.textContent !== t, title);
    assert.equal(await page.locator('.calendar-entry').count(), 0);
    await page.click('#calendar-prev');
    await page.waitForFunction((t) => document.querySelector('#calendar-title')?.textContent === t, title);
    assert.equal(await page.locator('#calendar-title').textContent(), title);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
  const other = await newPage(browser);
  assert.equal((await other.page.goto(`/public/gallery/${calendar.slug}`)).status(), 404, 'a calendar is no gallery');
  await other.context.close();
});

test('a shared card view with a password asks for it first', async () => {
  const f = await fixture();
  const board = await f.view({ name: 'Board', type: 'kanban', single_select_field: f.stage.id }, []);
  await apiOk('PATCH', `/api/database/views/${board.id}/`, { token: f.token, body: { public_view_password: 'open sesame' } });
  const { context, page } = await newPage(browser, 'mobile');
  const res = await page.goto(`/public/kanban/${board.slug}`);
  assert.equal(res.status(), 401);
  assert.equal(await page.locator('.public-card').count(), 0);
  await page.fill('#password', 'open sesame');
  await page.click('button[type=submit]');
  await page.locator('.kanban-board').waitFor();
  assert.equal(await page.locator('.public-card').count(), 7);
  assert.deepEqual(page.errors, []);
  await context.close();
});
