// Filling the grid by keyboard, alone and together: Tab and Shift+Tab save and move
// (wrapping rows), Enter on the last row adds one, "+ Row" and the "+" line add one and go
// to it; frozen row numbers and primary column; number, rating and duration cells refusing
// letters as they are typed and a value the server refuses explained beside its cell;
// deleting a selection of rows with a confirmation and an undo; an empty search said so.
// Every value is checked where it lands: in the rows the API returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl, uniqueEmail,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIZES = ['desktop', 'mobile'];

/**
 * A table whose primary field is "Name", then the given fields, and rows of `{Name: …}`
 * values; returns {tableId, fields (by name), rows, path, workspaceId}.
 */
async function makeTable(user, fieldBodies, names = []) {
  const { tableId, workspaceId } = await createTable(user, { table: 'Orders' });
  const token = user.token;
  const existing = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (existing.length) {
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: existing } });
  }
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (!f.primary) await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  for (const body of fieldBodies) {
    await apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body });
  }
  const list = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token });
  const fields = Object.fromEntries(list.map((f) => [f.name, f]));
  let rows = [];
  if (names.length) {
    const items = names.map((n) => ({ [`field_${fields.Name.id}`]: n }));
    rows = (await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, { token, body: { items } })).items;
  }
  const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token });
  return { tableId, workspaceId, fields, rows, path: `/database/${table.database_id}/table/${tableId}` };
}

async function openGrid(user, path, size = 'desktop') {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** The table's rows as the API lists them, each as {Name: …, Qty: …} by field name. */
async function storedRows(user, tableId) {
  const { results } = await apiOk('GET', `/api/database/rows/table/${tableId}/?user_field_names=true`, { token: user.token });
  return results;
}

/** Waits (up to 10 s) until `check(rows)` holds for the stored rows; fails with the last rows. */
async function waitStored(user, tableId, check) {
  const deadline = Date.now() + 10000;
  let rows;
  for (;;) {
    rows = await storedRows(user, tableId);
    if (check(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`stored rows never matched: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the stored rows hold `expected` ([Name, Qty, Price, Note] each): saves sent
 * one after the other may land in any order.
 */
function waitValues(user, tableId, expected) {
  const values = (rs) => JSON.stringify(rs.map((r) => [r.Name, r.Qty, r.Price, r.Note]));
  return waitStored(user, tableId, (rs) => values(rs) === JSON.stringify(expected));
}

/** Waits until the active cell is at [row index, column]; fails saying where it is. */
async function waitActive(page, expected) {
  try {
    await page.waitForFunction(
      ([r, c]) => {
        const td = document.querySelector('#grid tbody td.active');
        return td && Number(td.parentElement.dataset.index) === r && Number(td.dataset.col) === c;
      },
      expected,
      { timeout: 15000 },
    );
  } catch (error) {
    const state = await page.evaluate(() => {
      const td = document.querySelector('#grid tbody td.active');
      return {
        active: td ? [Number(td.parentElement.dataset.index), Number(td.dataset.col)] : null,
        rows: document.querySelectorAll('#grid tbody tr[data-row-id]').length,
        count: document.querySelector('#grid')?.getAttribute('aria-rowcount'),
        messages: [...document.querySelectorAll('.toast, [role=alert]')].map((t) => t.textContent),
      };
    });
    throw new Error(`the active cell is not ${JSON.stringify(expected)}: ${JSON.stringify(state)} (${error.message})`);
  }
}

function dataRows(page) {
  return page.locator('#grid tbody tr[data-row-id]');
}

const ORDER_FIELDS = [
  { name: 'Qty', type: 'number', number_decimal_places: 0 },
  { name: 'Price', type: 'number', number_decimal_places: 2, number_negative: true },
  { name: 'Note', type: 'text' },
];

for (const size of SIZES) {
  test(`keyboard only (${size}): Tab and Shift+Tab save and move, wrapping rows; Enter on the last row adds a row`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const t = await makeTable(ann, ORDER_FIELDS, ['Apple']);
    const { context, page } = await openGrid(ann, t.path, size);

    // The first cell, then everything by keyboard.
    await dataRows(page).first().locator('td').nth(1).click();
    await page.keyboard.press('Tab');
    await waitActive(page, [0, 1]);
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    await page.keyboard.type('-1,5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ripe');
    // Shift+Tab saves "ripe" and goes back to Price; Tab there leaves it as it is.
    await page.keyboard.press('Shift+Tab');
    await waitActive(page, [0, 2]);
    await page.keyboard.press('Tab');
    await waitActive(page, [0, 3]);
    // Typing on a cell replaces its value. Tab on the last cell of the last row saves and
    // stays; Enter then adds a row, with the cursor in its first cell.
    await page.keyboard.type('sweet');
    await page.keyboard.press('Tab');
    await waitActive(page, [0, 3]);
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && /\/rows\/table\/\d+\/$/.test(new URL(r.url()).pathname));
    await page.keyboard.press('Enter');
    await created;
    await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 2);
    await waitActive(page, [1, 0]);
    // Typed straight away: it goes into the new row's first cell.
    await page.keyboard.type('Pear');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12');
    // Enter saves and stays (a second Enter would add a row).
    await page.keyboard.press('Enter');
    await waitActive(page, [1, 1]);
    // Shift+Tab on a row's first cell wraps to the previous row's last cell.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await waitActive(page, [0, 3]);
    // Tab on a row's last cell wraps to the next row's first cell.
    await page.keyboard.press('Tab');
    await waitActive(page, [1, 0]);

    await waitValues(ann, t.tableId, [['Apple', '3', '-1.50', 'sweet'], ['Pear', '12', null, null]]);
    await screenshot(page, 'grid-keyboard-tab');

    // Enter on an existing cell still opens its editor (and Escape leaves it).
    await page.keyboard.press('Enter');
    await page.locator('#grid tbody .cell-editor').waitFor();
    await page.keyboard.press('Escape');
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`adding rows with the mouse (${size}): "+ Row" and the "+" line under the last row add a row, scroll to it and focus its first cell`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const names = Array.from({ length: 40 }, (_, i) => `Row ${i + 1}`);
    const t = await makeTable(ann, ORDER_FIELDS, names);
    const { context, page } = await openGrid(ann, t.path, size);

    // The "+" line is under the last row: scroll down to it and click.
    await page.locator('#grid-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const line = page.locator('#grid tbody tr.add-row-line button');
    await line.waitFor();
    assert.equal(await line.getAttribute('aria-label'), 'Add a row');
    await line.click();
    await waitActive(page, [40, 0]);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'grid-scroll', 'the grid has the focus');
    await page.keyboard.type('From the line');
    await page.keyboard.press('Tab');

    // "+ Row" from the top of the grid: the new row is scrolled into view.
    await page.locator('#grid-scroll').evaluate((el) => { el.scrollTop = 0; });
    await page.click('#add-row');
    await waitActive(page, [41, 0]);
    const visible = await page.evaluate(() => {
      const td = document.querySelector('#grid tbody td.active');
      const box = document.querySelector('#grid-scroll').getBoundingClientRect();
      const r = td.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom + 1;
    });
    assert.ok(visible, 'the new row is in view');
    await page.keyboard.type('From the button');
    await page.keyboard.press('Enter');
    await waitStored(ann, t.tableId, (rs) => rs.length >= 42 && rs[40].Name === 'From the line' && rs[41].Name === 'From the button');
    await screenshot(page, 'grid-keyboard-add');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('two users: one fills rows by keyboard only (Tab between cells, Enter for the next row), the other sees every value', async () => {
  const ann = await signUp({ name: 'Ann' });
  const bob = await signUp({ name: 'Bob', email: uniqueEmail('bob') });
  const t = await makeTable(ann, ORDER_FIELDS);
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${t.workspaceId}/`, {
    token: ann.token,
    body: { email: bob.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: bob.token, body: {} });
  const a = await openGrid(ann, t.path);
  const b = await openGrid(bob, t.path, 'mobile');

  // Ann never touches the mouse: the grid has the focus (as after Tab from the toolbar),
  // Enter on the empty grid starts its first row, Tab goes from cell to cell (and saves)
  // and Enter after the last cell starts the next row. The keys go without a pause: nothing typed while a row
  // is being created may be lost.
  await a.page.locator('#grid-scroll').focus();
  const typed = [
    ['Kiwi', '12', '2,25', 'green'],
    ['Lime', '7', '0.5', 'sour'],
    ['Mango', '1', '-3', 'ripe'],
  ];
  await a.page.keyboard.press('Enter');
  for (const [i, values] of typed.entries()) {
    for (const value of values) {
      await a.page.keyboard.type(value);
      await a.page.keyboard.press('Tab');
    }
    if (i < typed.length - 1) await a.page.keyboard.press('Enter');
  }

  const expected = [['Kiwi', '12', '2.25', 'green'], ['Lime', '7', '0.50', 'sour'], ['Mango', '1', '-3.00', 'ripe']];
  await waitValues(ann, t.tableId, expected);

  // Bob's grid shows every value without reloading.
  await b.page.waitForFunction(
    (want) => {
      const trs = [...document.querySelectorAll('#grid tbody tr[data-row-id]')];
      const got = trs.map((tr) => [...tr.querySelectorAll('td[data-col]')].map((td) => td.textContent));
      return JSON.stringify(got) === JSON.stringify(want);
    },
    expected,
    { timeout: 5000 },
  );
  await screenshot(b.page, 'grid-keyboard-live');
  assert.deepEqual(a.page.errors, []);
  assert.deepEqual(b.page.errors, []);
  await a.context.close();
  await b.context.close();
});

for (const size of SIZES) {
  test(`frozen columns (${size}): the row number and the primary column stay while scrolling right; handle and checkboxes in place`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const extra = Array.from({ length: 10 }, (_, i) => ({ name: `Column ${i + 1}`, type: 'text' }));
    const t = await makeTable(ann, [{ name: 'Done', type: 'boolean' }, ...extra], ['Alpha', 'Beta', 'Gamma']);
    await apiOk('PATCH', `/api/database/rows/table/${t.tableId}/${t.rows[0].id}/`, {
      token: ann.token, body: { [`field_${t.fields.Done.id}`]: true, [`field_${t.fields['Column 9'].id}`]: 'far right' },
    });
    const { context, page } = await openGrid(ann, t.path, size);
    const row = dataRows(page).first();
    const lefts = () => page.evaluate(() => {
      const scroller = document.querySelector('#grid-scroll').getBoundingClientRect().left;
      const tr = document.querySelector('#grid tbody tr[data-row-id]');
      const head = document.querySelector('#grid thead tr');
      return [tr.cells[0], tr.cells[1], head.cells[0], head.cells[1]].map((c) => Math.round(c.getBoundingClientRect().left - scroller));
    });
    const start = await lefts();
    await page.locator('#grid-scroll').evaluate((el) => { el.scrollLeft = 1200; });
    await page.waitForFunction(() => document.querySelector('#grid-scroll').scrollLeft > 0);
    assert.deepEqual(await lefts(), start, 'row numbers and the primary column stay in place');
    assert.deepEqual(start, [0, 72, 0, 72]);
    // Its edge shows: a shadow on the primary column.
    const shadow = await row.locator('td').nth(1).evaluate((td) => getComputedStyle(td).boxShadow);
    assert.notEqual(shadow, 'none');
    // Other columns pass under it: the frozen cell is drawn on top.
    const onTop = await page.evaluate(() => {
      const td = document.querySelector('#grid tbody tr[data-row-id] td:nth-child(2)');
      const r = td.getBoundingClientRect();
      return document.elementFromPoint(r.left + 20, r.top + 10)?.closest('td') === td;
    });
    assert.ok(onTop);
    await screenshot(page, 'grid-frozen');

    // The drag handle sits beside the row number, not over it.
    await page.locator('#grid-scroll').evaluate((el) => { el.scrollLeft = 0; });
    await row.hover();
    const [handle, number] = await Promise.all([
      row.locator('.row-drag').boundingBox(),
      row.locator('.row-count').boundingBox(),
    ]);
    assert.ok(handle.x + handle.width <= number.x, `handle ${JSON.stringify(handle)} clear of number ${JSON.stringify(number)}`);

    // Checkboxes are centred in their column, as is its header.
    const centres = await page.evaluate(() => {
      const mid = (el) => { const r = el.getBoundingClientRect(); return r.left + r.width / 2; };
      const th = document.querySelector('#grid thead th[data-type="boolean"]');
      const checks = [...document.querySelectorAll('#grid tbody td.cell-boolean')].map((td) => [mid(td), td.querySelector('.check') ? mid(td.querySelector('.check')) : null]);
      return { column: mid(th), label: mid(th.querySelector('.field-name')), text: th.querySelector('.field-name').textContent, checks };
    });
    for (const [cellMid, checkMid] of centres.checks) {
      assert.ok(Math.abs(cellMid - centres.column) < 1);
      if (checkMid !== null) assert.ok(Math.abs(checkMid - cellMid) < 1.5, 'a checkbox in the middle of its cell');
    }
    const labelWidth = await page.evaluate(() => {
      const b = document.querySelector('#grid thead th[data-type="boolean"] .field-name');
      const range = document.createRange();
      range.selectNodeContents(b);
      const r = range.getBoundingClientRect();
      return r.left + r.width / 2;
    });
    assert.ok(Math.abs(labelWidth - centres.column) < 2, 'the header text is centred too');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

for (const size of SIZES) {
  test(`refused input (${size}): letters never reach number, rating and duration cells; a value the server refuses is explained beside the cell and kept for correction`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const t = await makeTable(ann, [
      { name: 'Qty', type: 'number', number_decimal_places: 0 },
      { name: 'Stars', type: 'rating', max_value: 5 },
      { name: 'Took', type: 'duration', duration_format: 'h:mm' },
    ], ['Apple']);
    const { context, page } = await openGrid(ann, t.path, size);
    const row = dataRows(page).first();
    const qty = row.locator('td').nth(2);

    // A letter typed on the selected number cell opens no editor; the hint says why.
    await qty.click();
    await page.keyboard.type('x');
    assert.equal(await page.locator('#grid tbody .cell-editor').count(), 0);
    const hint = page.locator('.cell-notice');
    await hint.waitFor();
    assert.match(await hint.textContent(), /“Qty” takes numbers: digits only\./);
    // In the editor, letters, "-" (no negatives) and "." (no decimals) are refused.
    await page.keyboard.type('4x-2.a');
    assert.equal(await qty.locator('input').inputValue(), '42');
    await page.keyboard.press('Tab');
    // A rating takes digits only: a letter changes nothing, a digit sets the stars.
    await page.keyboard.type('b');
    assert.equal(await page.locator('#grid tbody .cell-editor').count(), 0);
    await page.keyboard.type('4');
    await page.keyboard.press('Tab');
    // A duration takes ':' (and its units), not other letters.
    await page.keyboard.type('1:3x0');
    assert.equal(await row.locator('td').nth(4).locator('input').inputValue(), '1:30');
    await page.keyboard.press('Enter');
    await waitStored(ann, t.tableId, (rs) => rs[0]?.Qty === '42' && rs[0]?.Stars === 4 && rs[0]?.Took === 5400);

    // A number too long for the field: refused by the server, explained in words beside
    // the cell, the typed value kept in the editor.
    await qty.click();
    const long = '9'.repeat(60);
    await page.keyboard.type(long);
    await page.keyboard.press('Tab');
    const notice = page.locator('.cell-notice[role="alert"]');
    await notice.waitFor();
    const message = await notice.textContent();
    assert.match(message, /no more than 50 digits/);
    assert.doesNotMatch(message, /ERROR_/);
    const editor = qty.locator('input.cell-editor');
    await editor.waitFor();
    assert.equal(await editor.inputValue(), long);
    assert.equal(await editor.getAttribute('aria-describedby'), await notice.getAttribute('id'));
    await screenshot(page, 'grid-refused');
    // Corrected, it saves and the message goes.
    await editor.fill('43');
    await editor.press('Enter');
    await notice.waitFor({ state: 'detached' });
    await waitStored(ann, t.tableId, (rs) => rs[0]?.Qty === '43');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('deleting rows: only a selection, asked first when several, undone from the toast (also for another viewer)', async () => {
  const ann = await signUp({ name: 'Ann' });
  const bob = await signUp({ name: 'Bob', email: uniqueEmail('bob') });
  const t = await makeTable(ann, [], ['One', 'Two', 'Three', 'Four']);
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${t.workspaceId}/`, {
    token: ann.token,
    body: { email: bob.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: bob.token, body: {} });
  const a = await openGrid(ann, t.path);
  const b = await openGrid(bob, t.path, 'mobile');
  const page = a.page;
  const names = (p) => p.locator('#grid tbody tr[data-row-id] td[data-col="0"]').allTextContents();
  const button = page.locator('#delete-rows');

  // Nothing selected: the button cannot be used.
  assert.equal(await button.isDisabled(), true);
  // One row: deleted at once, undone from the toast.
  await dataRows(page).nth(0).locator('td').nth(1).click();
  assert.equal(await button.textContent(), 'Delete row');
  await button.click();
  const toast = page.locator('#toast');
  await toast.waitFor();
  assert.equal(await toast.locator('.toast-text').textContent(), 'Deleted 1 row.');
  await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 3);
  assert.equal(await button.isDisabled(), true, 'the selection went with the row');
  await b.page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 3);
  await toast.locator('button', { hasText: 'Undo' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 4);
  assert.deepEqual(await names(page), ['One', 'Two', 'Three', 'Four']);
  await b.page.waitForFunction(() => [...document.querySelectorAll('#grid tbody tr[data-row-id] td[data-col="0"]')].map((td) => td.textContent).join() === 'One,Two,Three,Four');

  // Three rows (a Shift+click range): asked first; Cancel keeps them.
  await dataRows(page).nth(1).locator('td').nth(1).click();
  await dataRows(page).nth(3).locator('td').nth(1).click({ modifiers: ['Shift'] });
  assert.equal(await button.textContent(), 'Delete 3 rows');
  await button.click();
  const dialog = page.locator('#delete-rows-dialog');
  await dialog.waitFor();
  assert.equal(await dialog.locator('h2').textContent(), 'Delete 3 rows?');
  await screenshot(page, 'grid-keyboard-delete-confirm');
  await dialog.locator('button', { hasText: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await dataRows(page).count(), 4);
  // Confirmed: gone here and for Bob; Undo brings them back for both.
  await button.click();
  await page.locator('#confirm-delete-rows').click();
  await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 1);
  await b.page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 1);
  assert.equal(await toast.locator('.toast-text').textContent(), 'Deleted 3 rows.');
  await screenshot(page, 'grid-keyboard-undo');
  await toast.locator('button', { hasText: 'Undo' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('#grid tbody tr[data-row-id] td[data-col="0"]')].map((td) => td.textContent).join() === 'One,Two,Three,Four');
  await b.page.waitForFunction(() => [...document.querySelectorAll('#grid tbody tr[data-row-id] td[data-col="0"]')].map((td) => td.textContent).join() === 'One,Two,Three,Four');
  const stored = await storedRows(ann, t.tableId);
  assert.deepEqual(stored.map((r) => r.Name), ['One', 'Two', 'Three', 'Four']);
  assert.deepEqual(a.page.errors, []);
  assert.deepEqual(b.page.errors, []);
  await a.context.close();
  await b.context.close();
});

for (const size of SIZES) {
  test(`an empty search result says so in the grid (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const t = await makeTable(ann, [], ['Fern', 'Moss']);
    const { context, page } = await openGrid(ann, t.path, size);
    await page.fill('#grid-search', 'cactus');
    const empty = page.locator('#grid tbody tr.grid-empty');
    await empty.waitFor();
    assert.equal(await empty.textContent(), 'No rows match “cactus”.');
    assert.equal(await dataRows(page).count(), 0);
    await screenshot(page, 'grid-keyboard-no-match');
    await page.fill('#grid-search', 'moss');
    await empty.waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('#grid tbody tr[data-row-id] td[data-col="0"]').allTextContents(), ['Moss']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

for (const size of SIZES) {
  test(`a cell changed elsewhere while it is edited (${size}): the editor says so; Escape keeps their value, Enter saves yours`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const t = await makeTable(ann, [], ['Alpha']);
    const { context, page } = await openGrid(ann, t.path, size);
    const name = `field_${t.fields.Name.id}`;
    const rowPath = `/api/database/rows/table/${t.tableId}/${t.rows[0].id}/`;
    const nameCell = dataRows(page).first().locator('td').nth(1);
    const notice = page.locator('.cell-notice', { hasText: 'Someone else just changed this cell' });

    // Ann starts typing; the same cell changes elsewhere (no editor there): she is told.
    await nameCell.click();
    await page.keyboard.type('Mine');
    await apiOk('PATCH', rowPath, { token: ann.token, body: { [name]: 'Theirs' } });
    await notice.waitFor();
    assert.equal(await page.locator('.cell-editor').count(), 1, 'the editor stays open with what she typed');
    await screenshot(page, 'grid-changed-elsewhere');
    // Escape keeps their value; the notice goes with the editor.
    await page.keyboard.press('Escape');
    await notice.waitFor({ state: 'detached' });
    await page.waitForFunction((text) => document.querySelector('#grid tbody tr[data-row-id] td:nth-child(2)')?.textContent.trim() === text, 'Theirs');
    assert.equal((await storedRows(ann, t.tableId))[0].Name, 'Theirs');

    // Again, and Enter saves hers over theirs.
    await nameCell.click();
    await page.keyboard.type('Final');
    await apiOk('PATCH', rowPath, { token: ann.token, body: { [name]: 'Again' } });
    await notice.waitFor();
    await page.keyboard.press('Enter');
    await notice.waitFor({ state: 'detached' });
    for (let i = 0; i < 50 && (await storedRows(ann, t.tableId))[0].Name !== 'Final'; i += 1) {
      await page.waitForTimeout(100);
    }
    assert.equal((await storedRows(ann, t.tableId))[0].Name, 'Final');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
