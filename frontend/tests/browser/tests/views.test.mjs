// The gallery, kanban, calendar and form views of the table page in a real browser:
// cards that open and edit rows, a board whose cards move by drag and drop or by menu,
// a month calendar that adds rows on a day and moves entries between days, the form editor with its share link and
// preview, changes made elsewhere showing up live, at both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, assertFitsWidth, baseUrl,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A table with rows named `names` (the default rows removed), its fields by name, a view of `type`. */
async function fixture(type, names = ['Ada', 'Bob'], extraFields = []) {
  const user = await signUp({ name: 'Vera' });
  const ids = await createTable(user, { table: 'Tasks' });
  const token = user.token;
  for (const body of extraFields) {
    await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body });
  }
  const old = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/`, { token });
  if (old.results.length) {
    await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch-delete/`, { token, body: { items: old.results.map((r) => r.id) } });
  }
  const fields = Object.fromEntries(
    (await apiOk('GET', `/api/database/fields/table/${ids.tableId}/`, { token })).map((f) => [f.name, f]),
  );
  const rows = names.length
    ? (await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/`, {
      token,
      body: { items: names.map((n) => ({ [`field_${fields.Name.id}`]: n })) },
    })).items
    : [];
  const view = await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body: { name: `My ${type}`, type } });
  const path = `/database/${ids.databaseId}/table/${ids.tableId}/${view.id}`;
  return { user, token, ids, fields, rows, view, path };
}

/** Opens a view page and waits until its script has taken over and is live. */
async function openView(user, path, size = 'desktop') {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-view-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

function getRow(f, rowId) {
  return apiOk('GET', `/api/database/rows/table/${f.ids.tableId}/${rowId}/`, { token: f.token });
}

test('gallery: cards open the expanded row to edit, + Row adds a card, changes elsewhere show live', async () => {
  const f = await fixture('gallery');
  const [ada, bob] = f.rows;
  const { context, page } = await openView(f.user, f.path);
  // The server's cards are there in the first response, and the script keeps them.
  const html = await (await context.request.get(f.path)).text();
  assert.match(html, new RegExp(`data-row-id="${ada.id}"`));
  const cards = page.locator('#view-root .gallery-card');
  assert.deepEqual(await cards.locator('.card-title').allTextContents(), ['Ada', 'Bob']);

  // Card fields: Notes shown on the cards (saved in the view's field options).
  await page.click('#card-fields');
  await page.locator('#card-fields-dialog label', { hasText: 'Notes' }).locator('input').check();
  await page.waitForFunction((id) => window.tessera.state.fieldOptions[id]?.hidden === false, f.fields.Notes.id);
  await page.click('#card-fields-dialog .dialog-close');
  const options = await apiOk('GET', `/api/database/views/${f.view.id}/field-options/`, { token: f.token });
  assert.equal(options.field_options[f.fields.Notes.id].hidden, false);

  // Open Ada's card and edit Notes in place.
  await page.locator(`.gallery-card[data-row-id="${ada.id}"]`).click();
  const dialog = page.locator('#row-dialog');
  await dialog.waitFor();
  assert.equal(await dialog.locator('h2').textContent(), 'Ada');
  await dialog.locator(`dd[data-field-id="${f.fields.Notes.id}"]`).click();
  await dialog.locator('.cell-editor').fill('Writes the first program');
  await dialog.locator('.cell-editor').press('Enter');
  await page.waitForFunction(() => document.querySelector('#view-root')?.textContent.includes('Writes the first program'));
  assert.equal((await getRow(f, ada.id))[`field_${f.fields.Notes.id}`], 'Writes the first program');
  await screenshot(page, 'view-gallery-row');
  await dialog.locator('.dialog-close').click();
  // Closed, the dialog gives the focus back to Ada's card: only then is Bob's focused.
  await page.locator('#row-dialog').waitFor({ state: 'detached' });

  // Keyboard: Enter on a focused card opens it too (and a live redraw keeps the focus).
  await page.locator(`.gallery-card[data-row-id="${bob.id}"]`).focus();
  await page.keyboard.press('Enter');
  await page.locator('#row-dialog h2', { hasText: 'Bob' }).waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#row-dialog').waitFor({ state: 'detached' });

  // + Row adds a card and opens it.
  await page.click('#add-row');
  await page.locator('#row-dialog').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#view-root .gallery-card').length === 3);
  assert.equal(await page.locator('#row-count').textContent(), '3 rows');
  // Delete row in its dialog: the dialog closes and the card goes again.
  const added = Number(await page.locator('#row-dialog').getAttribute('data-row-id'));
  await page.locator('#row-delete').click();
  await page.locator('#row-dialog').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelectorAll('#view-root .gallery-card').length === 2);
  assert.equal(await page.locator(`.gallery-card[data-row-id="${added}"]`).count(), 0);
  const stored = await apiOk('GET', `/api/database/rows/table/${f.ids.tableId}/`, { token: f.token });
  assert.equal(stored.results.some((r) => r.id === added), false);

  // Live: a row created, one renamed and one deleted elsewhere.
  await apiOk('POST', `/api/database/rows/table/${f.ids.tableId}/`, { token: f.token, body: { [`field_${f.fields.Name.id}`]: 'Cy' } });
  await apiOk('PATCH', `/api/database/rows/table/${f.ids.tableId}/${bob.id}/`, { token: f.token, body: { [`field_${f.fields.Name.id}`]: 'Bobby' } });
  await apiOk('DELETE', `/api/database/rows/table/${f.ids.tableId}/${ada.id}/`, { token: f.token });
  await page.waitForFunction(() => {
    const titles = [...document.querySelectorAll('#view-root .card-title')].map((t) => t.textContent);
    return titles.includes('Cy') && titles.includes('Bobby') && !titles.includes('Ada');
  });
  await screenshot(page, 'view-gallery');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('kanban: pick the select field, drag a card to another column, move one by menu, live cards', async () => {
  const f = await fixture('kanban', ['Ada', 'Bob'], [
    { name: 'Status', type: 'single_select', select_options: [{ value: 'Todo', color: 'blue' }, { value: 'Done', color: 'green' }] },
  ]);
  const status = f.fields.Status;
  const [todo, done] = status.select_options;
  const [ada, bob] = f.rows;
  await apiOk('PATCH', `/api/database/rows/table/${f.ids.tableId}/${ada.id}/`, { token: f.token, body: { [`field_${status.id}`]: todo.id } });
  const { context, page } = await openView(f.user, f.path);

  // No single select field chosen yet: the empty state asks for one.
  await page.locator('#kanban-setup').waitFor();
  assert.equal(await page.locator('#add-row').isDisabled(), true, 'no row is added before the board has its field');
  await screenshot(page, 'view-kanban-setup');
  await page.selectOption('#kanban-field', String(status.id));
  await page.click('#kanban-setup button[type=submit]');
  await page.locator('#kanban-board').waitFor();
  assert.equal((await apiOk('GET', `/api/database/views/${f.view.id}/`, { token: f.token })).single_select_field, status.id);
  const headers = await page.locator('.kanban-column-header .chip').allTextContents();
  assert.deepEqual(headers, ['Uncategorised', 'Todo', 'Done']);
  assert.equal(await page.locator('#add-row').isDisabled(), false);
  const column = (key) => page.locator(`.kanban-column[data-option="${key}"]`);
  assert.deepEqual(await column(todo.id).locator('.card-title').allTextContents(), ['Ada']);
  assert.deepEqual(await column('null').locator('.card-title').allTextContents(), ['Bob']);

  // Drag Ada from Todo to Done.
  await page.dragAndDrop(`.kanban-card[data-row-id="${ada.id}"] .card-title`, `.kanban-column[data-option="${done.id}"]`);
  await page.waitForFunction(
    ([key, id]) => !!document.querySelector(`.kanban-column[data-option="${key}"] .kanban-card[data-row-id="${id}"]`),
    [String(done.id), ada.id],
  );
  await page.waitForFunction(() => document.querySelector('#view-root').dataset.state === 'ready');
  assert.equal((await getRow(f, ada.id))[`field_${status.id}`]?.id, done.id);

  // Without a mouse: Bob's "Move to" menu.
  await page.locator(`.kanban-card[data-row-id="${bob.id}"] .kanban-move`).selectOption(String(todo.id));
  await page.waitForFunction(
    ([key, id]) => !!document.querySelector(`.kanban-column[data-option="${key}"] .kanban-card[data-row-id="${id}"]`),
    [String(todo.id), bob.id],
  );
  await page.waitForFunction(() => document.querySelector('#view-root').dataset.state === 'ready');
  assert.equal((await getRow(f, bob.id))[`field_${status.id}`]?.id, todo.id);
  assert.equal(await column(todo.id).locator('.kanban-count').textContent(), '1');

  // A card clicked opens the row.
  await page.locator(`.kanban-card[data-row-id="${ada.id}"] .card-title`).click();
  await page.locator('#row-dialog h2', { hasText: 'Ada' }).waitFor();
  await page.locator('#row-dialog .dialog-close').click();

  // "+ Card" in a column adds a row with that option.
  await column(done.id).locator('.kanban-add').click();
  await page.locator('#row-dialog').waitFor();
  await page.locator('#row-dialog .dialog-close').click();
  await page.waitForFunction((key) => document.querySelectorAll(`.kanban-column[data-option="${key}"] .kanban-card`).length === 2, String(done.id));

  // Live: a row created elsewhere in Done.
  await apiOk('POST', `/api/database/rows/table/${f.ids.tableId}/`, {
    token: f.token,
    body: { [`field_${f.fields.Name.id}`]: 'Cy', [`field_${status.id}`]: done.id },
  });
  await page.waitForFunction((key) => [...document.querySelectorAll(`.kanban-column[data-option="${key}"] .card-title`)].some((t) => t.textContent === 'Cy'), String(done.id));
  await screenshot(page, 'view-kanban');

  // On a phone the columns scroll sideways inside the board; the page itself fits.
  await page.setViewportSize({ width: 390, height: 844 });
  const board = await page.locator('#kanban-board').evaluate((b) => ({ scroll: b.scrollWidth, client: b.clientWidth, overflow: getComputedStyle(b).overflowX }));
  assert.ok(board.scroll > board.client, 'the board is wider than the phone');
  assert.equal(board.overflow, 'auto');
  await assertFitsWidth(page);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('kanban: a long column loads more cards on demand', async () => {
  const names = Array.from({ length: 45 }, (_, i) => `Task ${String(i + 1).padStart(2, '0')}`);
  const f = await fixture('kanban', names, [
    { name: 'Status', type: 'single_select', select_options: [{ value: 'Todo', color: 'blue' }] },
  ]);
  await apiOk('PATCH', `/api/database/views/${f.view.id}/`, { token: f.token, body: { single_select_field: f.fields.Status.id } });
  const { context, page } = await openView(f.user, f.path);
  const column = page.locator('.kanban-column[data-option="null"]');
  await column.locator('.kanban-card').first().waitFor();
  assert.equal(await column.locator('.kanban-card').count(), 40);
  assert.equal(await column.locator('.kanban-count').textContent(), '45');
  await column.locator('.kanban-more', { hasText: 'Show more (5)' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.kanban-column[data-option="null"] .kanban-card').length === 45);
  assert.equal(await column.locator('.kanban-more').count(), 0);
  const titles = await column.locator('.card-title').allTextContents();
  assert.deepEqual(titles, names);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('calendar: pick the date field, rows on their days, months back and forth, a day click adds a row', async () => {
  const f = await fixture('calendar', ['Ada', 'Bob'], [{ name: 'Due', type: 'date' }]);
  const due = f.fields.Due;
  const [ada] = f.rows;
  const now = new Date();
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  await apiOk('PATCH', `/api/database/rows/table/${f.ids.tableId}/${ada.id}/`, { token: f.token, body: { [`field_${due.id}`]: `${month}-10` } });
  const { context, page } = await openView(f.user, f.path);

  await page.locator('#calendar-setup').waitFor();
  await page.selectOption('#calendar-field', String(due.id));
  await page.click('#calendar-setup button[type=submit]');
  await page.locator('.calendar-grid').waitFor();
  assert.equal((await apiOk('GET', `/api/database/views/${f.view.id}/`, { token: f.token })).date_field, due.id);
  const day = (date) => page.locator(`.calendar-day[data-date="${date}"]`);
  assert.deepEqual(await day(`${month}-10`).locator('.calendar-entry').allTextContents(), ['Ada']);
  assert.equal(await page.locator('.calendar-entry').count(), 1, 'Bob has no date and is on no day');

  // Next month and back.
  const title = await page.locator('#calendar-title').textContent();
  await page.click('#calendar-next');
  await page.waitForFunction((t) => document.querySelector('#calendar-title')?.textContent !== t, title);
  assert.equal(await page.locator(`.calendar-day[data-date="${month}-10"]:not(.other-month)`).count(), 0);
  await page.click('#calendar-prev');
  await page.waitForFunction((t) => document.querySelector('#calendar-title')?.textContent === t, title);
  await day(`${month}-10`).locator('.calendar-entry', { hasText: 'Ada' }).waitFor();

  // A click on the 15th adds a row dated the 15th and opens it to be named.
  await day(`${month}-15`).click({ position: { x: 30, y: 40 } });
  const dialog = page.locator('#row-dialog');
  await dialog.waitFor();
  const newId = Number(await dialog.getAttribute('data-row-id'));
  assert.equal((await getRow(f, newId))[`field_${due.id}`], `${month}-15`);
  await dialog.locator(`dd[data-field-id="${f.fields.Name.id}"]`).click();
  await dialog.locator('.cell-editor').fill('Launch');
  await dialog.locator('.cell-editor').press('Enter');
  await day(`${month}-15`).locator('.calendar-entry', { hasText: 'Launch' }).waitFor();
  await dialog.locator('.dialog-close').click();

  // An entry opens its row.
  await day(`${month}-10`).locator('.calendar-entry').click();
  await page.locator('#row-dialog h2', { hasText: 'Ada' }).waitFor();
  await page.locator('#row-dialog .dialog-close').click();

  // Live: a row dated elsewhere appears on its day.
  await apiOk('POST', `/api/database/rows/table/${f.ids.tableId}/`, {
    token: f.token,
    body: { [`field_${f.fields.Name.id}`]: 'Review', [`field_${due.id}`]: `${month}-20` },
  });
  await day(`${month}-20`).locator('.calendar-entry', { hasText: 'Review' }).waitFor();
  await screenshot(page, 'view-calendar');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('calendar: entries move to another day by drag and drop or Alt+arrow keys, keeping a time of day; a failed move is undone', async () => {
  const f = await fixture('calendar', ['Ada', 'Bob'], [
    { name: 'Due', type: 'date' },
    { name: 'Starts', type: 'date', date_include_time: true, date_format: 'ISO', date_time_format: '24', date_force_timezone: 'Europe/Berlin' },
  ]);
  const { Due, Starts } = f.fields;
  const [ada, bob] = f.rows;
  const now = new Date();
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  // Bob starts at 14:30 Berlin time on the 10th (no daylight saving change near the 10th).
  const berlin = (value) => new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).format(new Date(value));
  const offset = Number(berlin(`${month}-10T12:00:00Z`).slice(11, 13)) - 12;
  const bobStart = `${month}-10T${String(14 - offset).padStart(2, '0')}:30:15Z`;
  assert.equal(berlin(bobStart), `${month}-10 14:30:15`);
  await apiOk('PATCH', `/api/database/rows/table/${f.ids.tableId}/batch/`, {
    token: f.token,
    body: { items: [{ id: ada.id, [`field_${Due.id}`]: `${month}-10` }, { id: bob.id, [`field_${Starts.id}`]: bobStart }] },
  });
  await apiOk('PATCH', `/api/database/views/${f.view.id}/`, { token: f.token, body: { date_field: Due.id } });
  const { context, page } = await openView(f.user, f.path);
  const day = (date) => page.locator(`.calendar-day[data-date="${date}"]`);
  const entry = (row) => page.locator(`.calendar-entry[data-row-id="${row.id}"]`);
  const ready = () => page.waitForFunction(() => document.querySelector('#view-root').dataset.state === 'ready');
  await day(`${month}-10`).locator('.calendar-entry', { hasText: 'Ada' }).waitFor();

  // Drag Ada from the 10th to the 12th: saved, and still there after a reload.
  await page.dragAndDrop(`.calendar-entry[data-row-id="${ada.id}"]`, `.calendar-day[data-date="${month}-12"]`);
  await day(`${month}-12`).locator('.calendar-entry', { hasText: 'Ada' }).waitFor();
  await ready();
  assert.equal((await getRow(f, ada.id))[`field_${Due.id}`], `${month}-12`);
  await page.reload();
  await page.waitForSelector('body[data-view-ready="true"]');
  await page.waitForSelector('#view-root[data-state="ready"]');
  assert.deepEqual(await day(`${month}-12`).locator('.calendar-entry').allTextContents(), ['Ada']);
  assert.equal(await day(`${month}-10`).locator('.calendar-entry').count(), 0);

  // Keyboard: Alt+→ a day later, Alt+↓ a week later, Alt+↑ a week back; focus stays on it.
  await entry(ada).focus();
  await page.keyboard.press('Alt+ArrowRight');
  await day(`${month}-13`).locator('.calendar-entry', { hasText: 'Ada' }).waitFor();
  await ready();
  assert.equal((await getRow(f, ada.id))[`field_${Due.id}`], `${month}-13`);
  await page.keyboard.press('Alt+ArrowDown');
  await day(`${month}-20`).locator('.calendar-entry', { hasText: 'Ada' }).waitFor();
  await ready();
  assert.equal((await getRow(f, ada.id))[`field_${Due.id}`], `${month}-20`);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.rowId), String(ada.id), 'the moved entry keeps the focus');
  assert.equal(await page.locator('#view-root [role="status"]').textContent(), `Ada moved to ${await day(`${month}-20`).getAttribute('aria-label')}`);
  await page.keyboard.press('Alt+ArrowUp');
  await day(`${month}-13`).locator('.calendar-entry', { hasText: 'Ada' }).waitFor();
  await ready();
  assert.equal((await getRow(f, ada.id))[`field_${Due.id}`], `${month}-13`);

  // By a date and time field: Bob moves from the 10th to the 11th at the same time of day.
  await apiOk('PATCH', `/api/database/views/${f.view.id}/`, { token: f.token, body: { date_field: Starts.id } });
  await page.reload();
  await day(`${month}-10`).locator('.calendar-entry', { hasText: 'Bob' }).waitFor();
  await page.dragAndDrop(`.calendar-entry[data-row-id="${bob.id}"]`, `.calendar-day[data-date="${month}-11"]`);
  await day(`${month}-11`).locator('.calendar-entry', { hasText: 'Bob' }).waitFor();
  await ready();
  assert.equal(berlin((await getRow(f, bob.id))[`field_${Starts.id}`]), `${month}-11 14:30:15`);
  await entry(bob).focus();
  await page.keyboard.press('Alt+ArrowLeft');
  await day(`${month}-10`).locator('.calendar-entry', { hasText: 'Bob' }).waitFor();
  await ready();
  assert.equal(Date.parse((await getRow(f, bob.id))[`field_${Starts.id}`]), Date.parse(bobStart), 'back to the very instant');
  await page.reload();
  await page.waitForSelector('body[data-view-ready="true"]');
  await page.waitForSelector('#view-root[data-state="ready"]');
  assert.deepEqual(await day(`${month}-10`).locator('.calendar-entry').allTextContents(), ['Bob']);
  await screenshot(page, 'view-calendar-moved');
  assert.deepEqual(page.errors, []);

  // Offline, a move fails: the entry goes back to its day and the error says why.
  await context.setOffline(true);
  await page.dragAndDrop(`.calendar-entry[data-row-id="${bob.id}"]`, `.calendar-day[data-date="${month}-15"]`);
  await page.locator('#grid-error').waitFor({ state: 'visible' });
  await ready();
  assert.deepEqual(await day(`${month}-10`).locator('.calendar-entry').allTextContents(), ['Bob']);
  assert.equal(await day(`${month}-15`).locator('.calendar-entry').count(), 0);
  await context.setOffline(false);
  assert.equal(berlin((await getRow(f, bob.id))[`field_${Starts.id}`]), `${month}-10 14:30:15`);
  await context.close();
});

test('form: title, description, fields in or out, required and order saved; shared link and preview', async () => {
  const f = await fixture('form', []);
  const { Name, Notes, Active } = f.fields;
  const { context, page } = await openView(f.user, f.path);
  await page.locator('#form-preview').waitFor();
  assert.match(await page.locator('.form-field-picker').textContent(), /No fields yet/);

  await page.fill('#form-title', 'Join the team');
  await page.fill('#form-description', 'Tell us about yourself.');
  await page.locator('#form-description').blur();
  await page.waitForFunction(() => document.querySelector('.form-preview-description')?.textContent === 'Tell us about yourself.');
  const saved = await apiOk('GET', `/api/database/views/${f.view.id}/`, { token: f.token });
  assert.equal(saved.title, 'Join the team');
  assert.equal(saved.description, 'Tell us about yourself.');
  assert.equal(await page.locator('.form-preview-title').textContent(), 'Join the team');

  // Add Name, Notes and Active; Notes not required; Active moved above Notes.
  for (const field of [Name, Notes, Active]) {
    await page.click(`#form-add-fields button[data-field-id="${field.id}"]`);
    await page.locator(`#form-fields li[data-field-id="${field.id}"]`).waitFor();
  }
  await page.locator(`#form-fields li[data-field-id="${Notes.id}"] .form-required`).uncheck();
  await page.waitForFunction((id) => window.tessera.state.fieldOptions[id].required === false, Notes.id);
  await page.click(`#form-fields li[data-field-id="${Active.id}"] button[aria-label="Move Active up"]`);
  await page.waitForFunction(
    (ids) => [...document.querySelectorAll('#form-fields li')].map((li) => Number(li.dataset.fieldId)).join() === ids.join(),
    [Name.id, Active.id, Notes.id],
  );
  const options = (await apiOk('GET', `/api/database/views/${f.view.id}/field-options/`, { token: f.token })).field_options;
  assert.equal(options[Name.id].enabled, true);
  assert.equal(options[Notes.id].enabled, true);
  assert.equal(options[Notes.id].required, false);
  assert.equal(options[Name.id].required, true);
  assert.ok(options[Active.id].order < options[Notes.id].order, 'Active comes before Notes');
  const previewed = await page.locator('.form-preview-field').evaluateAll((ls) => ls.map((l) => Number(l.dataset.fieldId)));
  assert.deepEqual(previewed, [Name.id, Active.id, Notes.id]);
  assert.equal(await page.locator(`.form-preview-field[data-field-id="${Name.id}"] .required-mark`).count(), 1);
  assert.equal(await page.locator(`.form-preview-field[data-field-id="${Notes.id}"] .required-mark`).count(), 0);

  // A question's own label and help text, and the submit button's text.
  const nameRow = page.locator(`#form-fields li[data-field-id="${Name.id}"]`);
  await nameRow.locator('summary').click();
  await nameRow.locator('.form-field-label').fill('Your full name');
  await nameRow.locator('.form-field-help').fill('As on your passport');
  await page.fill('#form-submit-text', 'Apply');
  await page.locator('#form-submit-text').blur();
  await page.waitForFunction(() => document.querySelector('.form-preview-card .btn')?.textContent === 'Apply');
  const nameLabel = page.locator(`.form-preview-field[data-field-id="${Name.id}"]`);
  assert.match(await nameLabel.textContent(), /Your full name \*As on your passport/);
  const wording = (await apiOk('GET', `/api/database/views/${f.view.id}/field-options/`, { token: f.token })).field_options[Name.id];
  assert.equal(wording.name, 'Your full name');
  assert.equal(wording.description, 'As on your passport');
  assert.equal((await apiOk('GET', `/api/database/views/${f.view.id}/`, { token: f.token })).submit_text, 'Apply');

  // Remove Active from the form again.
  await page.click(`#form-fields li[data-field-id="${Active.id}"] button[aria-label="Remove Active from the form"]`);
  await page.locator(`#form-add-fields button[data-field-id="${Active.id}"]`).waitFor();
  assert.equal((await apiOk('GET', `/api/database/views/${f.view.id}/field-options/`, { token: f.token })).field_options[Active.id].enabled, false);

  // Share it: the public link opens the form for anyone.
  await page.click('#form-share-button');
  const link = page.locator('#form-public-link');
  await link.waitFor();
  const view = await apiOk('GET', `/api/database/views/${f.view.id}/`, { token: f.token });
  assert.equal(view.public, true);
  assert.equal(await link.getAttribute('href'), `/form/${view.slug}`);
  await screenshot(page, 'view-form');
  const visitor = await newPage(browser);
  const res = await visitor.page.goto(`/form/${view.slug}`);
  assert.equal(res.status(), 200);
  const publicText = await visitor.page.textContent('body');
  assert.match(publicText, /Join the team/);
  assert.match(publicText, /Your full name/);
  await visitor.context.close();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('gallery on a phone: the first 80 cards from the page, more on demand, fitting the screen', async () => {
  const names = Array.from({ length: 85 }, (_, i) => `Card ${String(i + 1).padStart(2, '0')}`);
  const f = await fixture('gallery', names);
  const { context, page } = await openView(f.user, f.path, 'mobile');
  const cards = page.locator('#view-root .gallery-card');
  assert.equal(await cards.count(), 80);
  assert.equal(await page.locator('#row-count').textContent(), '85 rows');
  await assertFitsWidth(page);
  await page.click('#gallery-more');
  await page.waitForFunction(() => document.querySelectorAll('#view-root .gallery-card').length === 85);
  assert.equal(await page.locator('#gallery-more').isVisible(), false);
  assert.deepEqual(await cards.locator('.card-title').allTextContents(), names);
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** A `width`×`height` PNG of a diagonal colour gradient. */
function gradientPng(width, height) {
  const { deflateSync, crc32 } = zlib;
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const line = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      line[1 + x * 3] = 60 + Math.round((x / width) * 120);
      line[2 + x * 3] = 90 + Math.round((y / height) * 100);
      line[3 + x * 3] = 210;
    }
    rows.push(line);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('gallery cards show the first image of the chosen file field as their cover', async () => {
  const f = await fixture('gallery', ['Ada', 'Bob'], [{ name: 'Photos', type: 'file' }]);
  const form = new FormData();
  form.append('file', new Blob([gradientPng(320, 180)], { type: 'image/png' }), 'ada.png');
  const res = await fetch(`${baseUrl}/api/user-files/upload-file/`, {
    method: 'POST', headers: { Authorization: `JWT ${f.token}` }, body: form,
  });
  const uploaded = await res.json();
  assert.equal(res.status, 200, JSON.stringify(uploaded));
  const [ada, bob] = f.rows;
  await apiOk('PATCH', `/api/database/rows/table/${f.ids.tableId}/${ada.id}/`, {
    token: f.token, body: { [`field_${f.fields.Photos.id}`]: [{ name: uploaded.name }] },
  });
  const { context, page } = await openView(f.user, f.path);
  assert.equal(await page.locator('.card-cover').count(), 0, 'no cover until one is chosen');

  await page.click('#card-fields');
  await page.selectOption('#card-cover-field', String(f.fields.Photos.id));
  await page.waitForSelector(`.gallery-card[data-row-id="${ada.id}"] .card-cover img`);
  const src = await page.locator(`.gallery-card[data-row-id="${ada.id}"] .card-cover img`).getAttribute('src');
  assert.match(src, /\/media\/thumbnails\/card_cover\//);
  assert.equal(await page.locator(`.gallery-card[data-row-id="${bob.id}"] .card-cover-empty`).count(), 1);
  const loaded = await page.locator(`.gallery-card[data-row-id="${ada.id}"] .card-cover img`)
    .evaluate((img) => img.decode().then(() => img.naturalWidth));
  assert.ok(loaded > 0, 'the cover image loads');
  const view = await apiOk('GET', `/api/database/views/${f.view.id}/`, { token: f.token });
  assert.equal(view.card_cover_image_field, f.fields.Photos.id);
  await page.click('#card-fields-dialog .dialog-close');
  await screenshot(page, 'view-gallery-covers');

  // Choosing no cover takes them away.
  await page.click('#card-fields');
  await page.selectOption('#card-cover-field', '');
  await page.waitForFunction(() => document.querySelectorAll('.card-cover').length === 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});
