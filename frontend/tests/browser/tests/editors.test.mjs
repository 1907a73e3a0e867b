// The grid's cell editors in a real browser: dates in the field's format with the browser's
// date input, the select popup (single and multiple), ratings as stars, durations in the
// field's format, checkboxes, resizing columns, dragging rows and the expanded row. Every
// change is checked where it lands: in the rows the API returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function tablePath(user, tableId) {
  const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token: user.token });
  return `/database/${table.database_id}/table/${tableId}`;
}

/**
 * A table of two fields, its primary one and one of `fieldBody` (the second column), with
 * rows of those values; returns what it made.
 */
async function tableWith(fieldBody, values) {
  const user = await signUp({ name: 'Eve' });
  const { tableId } = await createTable(user, { table: 'Editors' });
  const token = user.token;
  const rowIds = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (rowIds.length) {
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: rowIds } });
  }
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (!f.primary) await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  const field = await apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body: fieldBody });
  const fields = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token });
  const name = fields.find((f) => f.primary);
  const items = values.map((v, i) => ({ [`field_${name.id}`]: `row ${i + 1}`, [`field_${field.id}`]: v }));
  const { items: rows } = await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, { token: user.token, body: { items } });
  return { user, tableId, field, rows, path: await tablePath(user, tableId) };
}

/** Opens the grid page (optionally in a time zone) once the script has taken over. */
async function openGrid(user, path, { timezoneId, size = 'desktop' } = {}) {
  let context;
  let page;
  if (timezoneId) {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl, timezoneId });
    page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (err) => page.errors.push(err.message));
  } else {
    ({ context, page } = await newPage(browser, size));
  }
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  return { context, page };
}

/** The grid cell of a row in the extra field (the second column after the row number). */
function cell(page, rowId) {
  return page.locator(`#grid tbody tr[data-row-id="${rowId}"] td`).nth(2);
}

async function rowValue(user, tableId, rowId, fieldId) {
  const row = await apiOk('GET', `/api/database/rows/table/${tableId}/${rowId}/`, { token: user.token });
  return row[`field_${fieldId}`];
}

/**
 * Waits (up to 5 s) until the stored value, mapped by `pick`, equals `expected`: the grid
 * shows an edit before the server has answered it.
 */
async function assertStored(user, tableId, rowId, fieldId, expected, pick = (v) => v) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const actual = pick(await rowValue(user, tableId, rowId, fieldId));
    try {
      assert.deepEqual(actual, expected);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the PATCH of a row and returns its JSON body. */
function patchOf(page, rowId) {
  return page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes(`/rows/table/`) && r.url().includes(`/${rowId}/`))
    .then((r) => r.postDataJSON());
}

test('dates: shown in the field format, edited with the browser date input; Enter saves, Escape cancels, emptying clears', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    { name: 'Due', type: 'date', date_format: 'US' },
    ['2024-03-15', null],
  );
  const { context, page } = await openGrid(user, path);
  const key = `field_${field.id}`;
  assert.equal(await cell(page, rows[0].id).textContent(), '03/15/2024', 'US format');

  // Enter opens a native date input holding the value; a new date and Enter save it.
  await cell(page, rows[0].id).click();
  await page.keyboard.press('Enter');
  const input = cell(page, rows[0].id).locator('input[type="date"]');
  assert.equal(await input.inputValue(), '2024-03-15');
  await input.fill('2024-12-01');
  const sent = patchOf(page, rows[0].id);
  await input.press('Enter');
  assert.deepEqual(await sent, { [key]: '2024-12-01' });
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '12/01/2024', rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, '2024-12-01');

  // Escape leaves the value as it was.
  await cell(page, rows[0].id).dblclick();
  await cell(page, rows[0].id).locator('input').fill('2020-01-01');
  await cell(page, rows[0].id).locator('input').press('Escape');
  assert.equal(await cell(page, rows[0].id).textContent(), '12/01/2024');

  // An empty cell gets a date; then emptying the input clears it.
  await cell(page, rows[1].id).dblclick();
  await cell(page, rows[1].id).locator('input[type="date"]').fill('2025-02-28');
  await cell(page, rows[1].id).locator('input').press('Enter');
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '02/28/2025', rows[1].id);
  await screenshot(page, 'editors-date');
  await cell(page, rows[1].id).dblclick();
  await cell(page, rows[1].id).locator('input').fill('');
  const cleared = patchOf(page, rows[1].id);
  await cell(page, rows[1].id).locator('input').press('Enter');
  assert.deepEqual(await cleared, { [key]: null });
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '', rows[1].id);
  await assertStored(user, tableId, rows[1].id, field.id, null);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('dates with a time: shown in the browser time zone on a 12 hour clock, edited as local time, stored in UTC', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    { name: 'Meeting', type: 'date', date_format: 'EU', date_include_time: true, date_time_format: '12' },
    ['2024-03-15T13:30:00Z'],
  );
  const { context, page } = await openGrid(user, path, { timezoneId: 'Europe/Berlin' });
  // 13:30 UTC is 14:30 in Berlin (UTC+1 in March before the switch).
  assert.equal(await cell(page, rows[0].id).textContent(), '15/03/2024 02:30 PM');
  await cell(page, rows[0].id).dblclick();
  const input = cell(page, rows[0].id).locator('input[type="datetime-local"]');
  assert.equal(await input.inputValue(), '2024-03-15T14:30');
  await input.fill('2024-07-01T09:15');
  await input.press('Enter');
  // 09:15 in Berlin in July (UTC+2) is 07:15 UTC.
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '01/07/2024 09:15 AM', rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, '2024-07-01T07:15:00Z');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('multiple select: a popup of coloured options, filtered as you type, toggled by click, Enter and Space, chips removable', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    {
      name: 'Tags',
      type: 'multiple_select',
      select_options: [
        { value: 'Red', color: 'red' },
        { value: 'Green', color: 'green' },
        { value: 'Blue', color: 'blue' },
        { value: 'Dark blue', color: 'blue' },
      ],
    },
    [[]],
  );
  const ids = Object.fromEntries(field.select_options.map((o) => [o.value, o.id]));
  await apiOk('PATCH', `/api/database/rows/table/${tableId}/${rows[0].id}/`, {
    token: user.token, body: { [`field_${field.id}`]: [ids.Red] },
  });
  const { context, page } = await openGrid(user, path);
  const td = cell(page, rows[0].id);
  await td.click();
  await page.keyboard.press('Enter');
  const popup = page.locator('.select-popup');
  await popup.waitFor();
  const options = popup.locator('[role="option"]');
  assert.deepEqual(await options.allTextContents(), ['✓Red', 'Green', 'Blue', 'Dark blue']);
  assert.equal(await options.nth(0).getAttribute('aria-selected'), 'true');
  assert.match(await options.nth(1).locator('.chip').getAttribute('class'), /chip-green/);

  // Click toggles Green on.
  await options.nth(1).click();
  assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
  // Typing filters; Enter toggles the first match.
  await page.keyboard.type('blu');
  assert.deepEqual(await options.allTextContents(), ['Blue', 'Dark blue']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await popup.locator('[role="option"][aria-selected="true"]').textContent(), '✓Dark blue');
  // With the filter empty, Space toggles the highlighted option (Red, now off).
  await page.locator('.select-filter').fill('');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press(' ');
  assert.equal(await options.nth(0).getAttribute('aria-selected'), 'false');
  // A chosen chip's × removes it.
  assert.deepEqual(await popup.locator('.select-chosen .chip').allTextContents(), ['Green×', 'Dark blue×']);
  await popup.getByRole('button', { name: 'Remove Green' }).click();
  assert.equal(await options.nth(1).getAttribute('aria-selected'), 'false');
  await options.nth(2).click();
  await screenshot(page, 'editors-multiple-select');

  const sent = patchOf(page, rows[0].id);
  await popup.getByRole('button', { name: 'Done' }).click();
  assert.deepEqual(await sent, { [`field_${field.id}`]: [ids['Dark blue'], ids.Blue] });
  await popup.waitFor({ state: 'detached' });
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === 'Dark blueBlue', rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, ['Dark blue', 'Blue'], (v) => v.map((o) => o.value));

  // Escape throws away what was toggled.
  await td.dblclick();
  await popup.locator('[role="option"]').nth(0).click();
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'detached' });
  assert.equal(await td.textContent(), 'Dark blueBlue');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('single select: the same popup picks one option with a click or Enter, and Clear empties it', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    { name: 'Status', type: 'single_select', select_options: [{ value: 'Open', color: 'green' }, { value: 'Closed', color: 'red' }] },
    [null],
  );
  const { context, page } = await openGrid(user, path);
  const td = cell(page, rows[0].id);
  // Typing on the cell opens the popup with that text as the filter.
  await td.click();
  await page.keyboard.type('clo');
  const popup = page.locator('.select-popup');
  assert.equal(await popup.locator('.select-filter').inputValue(), 'clo');
  assert.deepEqual(await popup.locator('[role="option"]').allTextContents(), ['Closed']);
  await page.keyboard.press('Enter');
  await popup.waitFor({ state: 'detached' });
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === 'Closed', rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, 'Closed', (v) => v?.value);

  await td.dblclick();
  await popup.locator('[role="option"]', { hasText: 'Open' }).click();
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === 'Open', rows[0].id);
  await td.dblclick();
  await popup.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '', rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, null);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('rating: max_value marks in the field\'s style and colour; a click sets, a click on the same mark clears, digits set it', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    { name: 'Score', type: 'rating', max_value: 7, style: 'heart', color: 'dark-green' }, [2],
  );
  const { context, page } = await openGrid(user, path);
  const td = cell(page, rows[0].id);
  assert.equal(await td.locator('.stars.rating-heart .star').count(), 7);
  assert.equal(await td.locator('.star.lit').count(), 2);
  const fill = (selector) => td.locator(selector).first().evaluate((svg) => getComputedStyle(svg).fill);
  assert.equal(await fill('.star.lit svg'), 'rgb(43, 138, 62)');
  await page.mouse.move(0, 0);
  assert.equal(await fill('.star:not(.lit) svg'), 'rgba(0, 0, 0, 0)', 'unlit marks show only on hover');

  await td.locator('.star[data-rating="5"]').click();
  await page.waitForFunction((id) => document.querySelectorAll(`#grid tr[data-row-id="${id}"] .star.lit`).length === 5, rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, 5);
  await screenshot(page, 'editors-rating');

  await td.locator('.star[data-rating="5"]').click();
  await page.waitForFunction((id) => document.querySelectorAll(`#grid tr[data-row-id="${id}"] .star.lit`).length === 0, rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, 0);

  // Digits on the selected cell, capped at the field's maximum; no editor opens.
  await page.keyboard.press('3');
  await page.waitForFunction((id) => document.querySelectorAll(`#grid tr[data-row-id="${id}"] .star.lit`).length === 3, rows[0].id);
  assert.equal(await td.locator('input').count(), 0);
  await assertStored(user, tableId, rows[0].id, field.id, 3);
  await page.keyboard.press('9');
  await page.waitForFunction((id) => document.querySelectorAll(`#grid tr[data-row-id="${id}"] .star.lit`).length === 7, rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, 7);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('duration: shown in the field format; typed text in that format is sent as seconds, unreadable text is refused', async () => {
  const { user, tableId, field, rows, path } = await tableWith({ name: 'Took', type: 'duration', duration_format: 'd h:mm' }, [93784]);
  const { context, page } = await openGrid(user, path);
  const td = cell(page, rows[0].id);
  assert.equal(await td.textContent(), '1d 2:03');

  const typeAndSave = async (text) => {
    await td.click();
    await page.keyboard.press('Enter');
    await td.locator('input').fill(text);
    const sent = patchOf(page, rows[0].id);
    await td.locator('input').press('Enter');
    return (await sent)[`field_${field.id}`];
  };
  assert.equal(await typeAndSave('1:30'), 5400);
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '0d 1:30', rows[0].id);
  assert.equal(await typeAndSave('2d 3h'), 2 * 86400 + 3 * 3600);
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '2d 3:00', rows[0].id);
  assert.equal(await typeAndSave('1 4:05'), 86400 + 4 * 3600 + 300);
  // A plain number counts in the format's smallest unit (minutes here).
  assert.equal(await typeAndSave('90'), 5400);
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === '0d 1:30', rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, 5400);

  // Text that is no duration keeps the editor open, marked invalid; Escape leaves it.
  await td.click();
  await page.keyboard.press('Enter');
  await td.locator('input').fill('soon');
  await td.locator('input').press('Enter');
  assert.equal(await td.locator('input').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'editors-duration-invalid');
  await td.locator('input').press('Escape');
  assert.equal(await td.textContent(), '0d 1:30');
  await assertStored(user, tableId, rows[0].id, field.id, 5400);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a checkbox toggles with a click or Space without an editor', async () => {
  const { user, tableId, field, rows, path } = await tableWith({ name: 'Done', type: 'boolean' }, [false]);
  const { context, page } = await openGrid(user, path);
  const td = cell(page, rows[0].id);
  await td.locator('.check').click();
  await page.waitForFunction((id) => document.querySelector(`#grid tr[data-row-id="${id}"] .check.checked`), rows[0].id);
  await assertStored(user, tableId, rows[0].id, field.id, true);
  await page.keyboard.press(' ');
  await page.waitForFunction((id) => !document.querySelector(`#grid tr[data-row-id="${id}"] .check.checked`), rows[0].id);
  assert.equal(await td.locator('input').count(), 0);
  await assertStored(user, tableId, rows[0].id, field.id, false);
  await context.close();
});

test('a column resized by dragging its header edge keeps its width in the view, after a reload too', async () => {
  const { user, tableId, field, path } = await tableWith({ name: 'Notes', type: 'text' }, ['x']);
  const { context, page } = await openGrid(user, path);
  const th = page.locator(`#grid thead th[data-field-id="${field.id}"]`);
  const startWidth = (await th.boundingBox()).width;
  assert.equal(Math.round(startWidth), 200);
  const handle = th.locator('.col-resize');
  const box = await handle.boundingBox();
  const saved = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/field-options/'));
  const answered = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/field-options/'));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + 120, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const body = (await saved).postDataJSON();
  const width = body.field_options[field.id].width;
  assert.ok(width >= 310 && width <= 330, `new width ${width}`);
  assert.equal(Math.round((await th.boundingBox()).width), width);
  // The field's settings did not open.
  assert.equal(await page.locator('#field-dialog').count(), 0);

  // Kept in the view: the server renders it, and the script keeps it.
  const views = await apiOk('GET', `/api/database/views/table/${tableId}/`, { token: user.token });
  assert.equal((await answered).status(), 200);
  const options = await apiOk('GET', `/api/database/views/${views[0].id}/field-options/`, { token: user.token });
  assert.equal(options.field_options[field.id].width, width);
  await page.reload();
  await page.waitForSelector('body[data-grid-ready="true"]');
  assert.equal(Math.round((await th.boundingBox()).width), width);

  // The keyboard works too: the handle is focusable, arrows change the width.
  await handle.focus();
  const keyed = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/field-options/'));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await keyed).postDataJSON().field_options[field.id].width, width - 20);
  await screenshot(page, 'editors-resized');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('widths, hidden fields and sorts set elsewhere in the view show at once, without a reload', async () => {
  const { user, tableId, field, rows, path } = await tableWith({ name: 'Notes', type: 'text' }, ['a', 'c', 'b']);
  const { context, page } = await openGrid(user, path);
  const token = user.token;
  const [view] = await apiOk('GET', `/api/database/views/table/${tableId}/`, { token });
  const th = page.locator(`#grid thead th[data-field-id="${field.id}"]`);
  assert.equal(Math.round((await th.boundingBox()).width), 200);

  await apiOk('PATCH', `/api/database/views/${view.id}/field-options/`, { token, body: { field_options: { [field.id]: { width: 333 } } } });
  await page.waitForFunction((id) => Math.round(document.querySelector(`#grid thead th[data-field-id="${id}"]`)?.getBoundingClientRect().width) === 333, field.id);

  const firstRow = () => page.locator('#grid tbody tr[data-row-id]').first().getAttribute('data-row-id');
  assert.equal(Number(await firstRow()), rows[0].id);
  await apiOk('POST', `/api/database/views/${view.id}/sortings/`, { token, body: { field: field.id, order: 'DESC' } });
  const c = rows[1].id;
  await page.waitForFunction((id) => document.querySelector('#grid tbody tr[data-row-id]')?.dataset.rowId === String(id), c);

  await apiOk('PATCH', `/api/database/views/${view.id}/field-options/`, { token, body: { field_options: { [field.id]: { hidden: true } } } });
  await th.waitFor({ state: 'detached' });
  await screenshot(page, 'editors-view-changed-elsewhere');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a row dragged by its handle moves in the table order; no handle while the view is sorted', async () => {
  const { user, tableId, field, rows, path } = await tableWith({ name: 'Notes', type: 'text' }, ['a', 'b', 'c', 'd']);
  const { context, page } = await openGrid(user, path);
  const order = async () => (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token: user.token })).results.map((r) => r.id);
  assert.deepEqual(await order(), rows.map((r) => r.id));

  // Drag the first row onto the lower half of the third: it lands between the third and fourth.
  const first = page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"]`);
  await first.hover();
  const handle = first.locator('.row-drag');
  const from = await handle.boundingBox();
  const target = await page.locator(`#grid tbody tr[data-row-id="${rows[2].id}"]`).boundingBox();
  const moved = page.waitForResponse((r) => r.url().includes(`/${rows[0].id}/move/`));
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 5, target.y + target.height * 0.5, { steps: 4 });
  await page.mouse.move(from.x + 5, target.y + target.height * 0.75, { steps: 4 });
  assert.equal(await page.locator('.row-drop-line').isVisible(), true);
  await page.mouse.up();
  const response = await moved;
  assert.match(response.url(), new RegExp(`before_id=${rows[3].id}`));
  assert.deepEqual(await order(), [rows[1].id, rows[2].id, rows[0].id, rows[3].id]);
  await page.waitForFunction(
    (ids) => [...document.querySelectorAll('#grid tbody tr[data-row-id]')].map((tr) => Number(tr.dataset.rowId)).join() === ids.join(),
    [rows[1].id, rows[2].id, rows[0].id, rows[3].id],
  );
  assert.equal(await page.locator('.row-drop-line').count(), 0);

  // Dragged to below the last row: it goes to the end.
  const second = page.locator(`#grid tbody tr[data-row-id="${rows[1].id}"]`);
  await second.hover();
  const h2 = await second.locator('.row-drag').boundingBox();
  const last = await page.locator(`#grid tbody tr[data-row-id="${rows[3].id}"]`).boundingBox();
  const toEnd = page.waitForResponse((r) => r.url().includes(`/${rows[1].id}/move/`));
  await page.mouse.move(h2.x + 4, h2.y + 4);
  await page.mouse.down();
  await page.mouse.move(h2.x + 4, last.y + last.height * 0.9, { steps: 6 });
  await page.mouse.up();
  assert.doesNotMatch((await toEnd).url(), /before_id/);
  assert.deepEqual(await order(), [rows[2].id, rows[0].id, rows[3].id, rows[1].id]);

  // With a sort the view has its own order: no handles.
  const views = await apiOk('GET', `/api/database/views/table/${tableId}/`, { token: user.token });
  await apiOk('POST', `/api/database/views/${views[0].id}/sortings/`, { token: user.token, body: { field: field.id, order: 'ASC' } });
  await page.reload();
  await page.waitForSelector('body[data-grid-ready="true"]');
  assert.equal(await page.locator('#grid tbody tr[data-row-id]').count(), 4);
  assert.equal(await page.locator('#grid .row-drag').count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the expanded row uses the same editors: the select popup works inside its dialog', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    { name: 'Tags', type: 'multiple_select', select_options: [{ value: 'One', color: 'blue' }, { value: 'Two', color: 'green' }] },
    [[]],
  );
  const { context, page } = await openGrid(user, path);
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"]`).hover();
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"] .row-expand`).click();
  const dialog = page.locator('#row-dialog');
  await dialog.waitFor();
  await dialog.locator('dd').nth(1).click();
  const popup = dialog.locator('.select-popup');
  await popup.locator('[role="option"]', { hasText: 'Two' }).click();
  await screenshot(page, 'editors-expanded-select');
  await popup.getByRole('button', { name: 'Done' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#row-dialog dd')[1]?.textContent === 'Two');
  await assertStored(user, tableId, rows[0].id, field.id, ['Two'], (v) => v.map((o) => o.value));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the expanded row: a click on a star sets a rating, Enter edits the focused value, Delete row deletes the row', async () => {
  const { user, tableId, field, rows, path } = await tableWith({ name: 'Score', type: 'rating', max_value: 5 }, [1, 2]);
  const { context, page } = await openGrid(user, path);
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"]`).hover();
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"] .row-expand`).click();
  const dialog = page.locator('#row-dialog');
  await dialog.waitFor();
  // Titled by the row's primary value.
  assert.equal(await dialog.locator('h2').textContent(), 'row 1');
  assert.equal(await dialog.getAttribute('data-row-id'), String(rows[0].id));

  // The star sets the rating at once (no editor), in the dialog and in the grid behind it.
  const score = dialog.locator(`dd[data-field-id="${field.id}"]`);
  await score.locator('.star[data-rating="4"]').click();
  await assertStored(user, tableId, rows[0].id, field.id, 4);
  await page.waitForFunction((id) => document.querySelectorAll(`#grid tr[data-row-id="${id}"] .star.lit`).length === 4, rows[0].id);
  // The dialog redraws once the save has answered, which may come after the grid.
  await page.waitForFunction((id) => document.querySelectorAll(`#row-dialog dd[data-field-id="${id}"] .star.lit`).length === 4, field.id);
  assert.equal(await score.locator('.star.lit').count(), 4);
  assert.equal(await score.locator('input').count(), 0);

  // Enter on a focused value opens its editor; Enter there saves.
  const fields = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token: user.token });
  const name = fields.find((f) => f.primary);
  await dialog.locator(`dd[data-field-id="${name.id}"]`).focus();
  await page.keyboard.press('Enter');
  await dialog.locator('.cell-editor').fill('Renamed');
  await dialog.locator('.cell-editor').press('Enter');
  await assertStored(user, tableId, rows[0].id, name.id, 'Renamed');
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"]`, { hasText: 'Renamed' }).waitFor();
  await screenshot(page, 'editors-expanded-row');

  // Delete row: the dialog closes, the row leaves the grid and the table.
  await dialog.locator('#row-delete').click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"]`).waitFor({ state: 'detached' });
  const left = await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token: user.token });
  assert.deepEqual(left.results.map((r) => r.id), [rows[1].id]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('collaborators: the select popup over the workspace members, saved as ids, shown as names', async () => {
  const { user, tableId, field, rows, path } = await tableWith(
    { name: 'Owners', type: 'multiple_collaborators' },
    [[]],
  );
  const me = field.available_collaborators[0];
  assert.ok(me, 'the field offers its workspace members');
  const { context, page } = await openGrid(user, path);
  const td = cell(page, rows[0].id);
  await td.click();
  await page.keyboard.press('Enter');
  const popup = page.locator('.select-popup');
  await popup.waitFor();
  assert.deepEqual(await popup.locator('[role="option"]').allTextContents(), [me.name]);
  await popup.locator('[role="option"]').nth(0).click();
  const sent = patchOf(page, rows[0].id);
  await popup.getByRole('button', { name: 'Done' }).click();
  assert.deepEqual(await sent, { [`field_${field.id}`]: [{ id: me.id }] });
  await assertStored(user, tableId, rows[0].id, field.id, [me.name], (v) => v.map((u) => u.name));
  await page.waitForFunction(([id, name]) => document.querySelector(`#grid tr[data-row-id="${id}"] td:nth-child(3)`)?.textContent === name, [rows[0].id, me.name]);
  await screenshot(page, 'editors-collaborators');

  // Clear empties the cell.
  await td.dblclick();
  await popup.getByRole('button', { name: 'Done' }).waitFor();
  await popup.getByRole('button', { name: 'Clear' }).click();
  await popup.getByRole('button', { name: 'Done' }).click();
  await assertStored(user, tableId, rows[0].id, field.id, [], (v) => v.map((u) => u.name));
  assert.deepEqual(page.errors, []);
  await context.close();
});
