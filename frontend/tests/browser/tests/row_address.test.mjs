// The expanded row's own address in a real browser, at both screen sizes: opening a row
// puts /database/{db}/table/{t}/{view}/row/{id} in the address bar, closing and Back
// return to the view, Forward reopens the row; loading such an address renders the table
// with the row open (an unknown row: the table and a message); the dialog is titled by
// the row's primary value and steps through the view's rows in its order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIZES = ['desktop', 'mobile'];

/** A table with rows Ada, Bob, Cy (by Name) and, when asked, a view of `type`. */
async function fixture(type) {
  const user = await signUp({ name: 'Rhea' });
  const ids = await createTable(user, { table: 'People' });
  const token = user.token;
  const old = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/`, { token });
  if (old.results.length) {
    await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch-delete/`, { token, body: { items: old.results.map((r) => r.id) } });
  }
  const fields = Object.fromEntries(
    (await apiOk('GET', `/api/database/fields/table/${ids.tableId}/`, { token })).map((f) => [f.name, f]),
  );
  const { items } = await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/`, {
    token,
    body: { items: ['Ada', 'Bob', 'Cy'].map((n) => ({ [`field_${fields.Name.id}`]: n })) },
  });
  const rows = Object.fromEntries(items.map((r) => [r[`field_${fields.Name.id}`], r]));
  const [grid] = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token });
  const view = type ? await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body: { name: `My ${type}`, type } }) : grid;
  const viewPath = `/database/${ids.databaseId}/table/${ids.tableId}/${view.id}`;
  return { user, token, ids, fields, rows, view, viewPath, rowPath: (id) => `${viewPath}/row/${id}` };
}

async function open(f, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, f.user);
  const response = await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"], body[data-view-ready="true"]');
  return { context, page, response };
}

const pathOf = (page) => new URL(page.url()).pathname;
const title = (page) => page.locator('#row-dialog > header h2').textContent();

/** Opens a grid row's dialog through its expand button. */
async function expandGridRow(page, rowId) {
  const tr = page.locator(`#grid tbody tr[data-row-id="${rowId}"]`);
  await tr.hover();
  await tr.locator('.row-expand').click();
  await page.locator(`#row-dialog[data-row-id="${rowId}"]`).waitFor();
}

for (const size of SIZES) {
  test(`a grid row opened gets its address; closing and Back return to the view, Forward reopens it (${size})`, async () => {
    const f = await fixture();
    const { context, page } = await open(f, f.viewPath, size);
    const { Bob } = f.rows;
    await expandGridRow(page, Bob.id);
    assert.equal(await title(page), 'Bob');
    assert.equal(pathOf(page), f.rowPath(Bob.id));
    await screenshot(page, 'row-address-open');

    // × goes back to the view's address (the entry the row added is gone again).
    await page.click('#row-dialog .dialog-close');
    await page.waitForURL((url) => url.pathname === f.viewPath);
    assert.equal(await page.locator('#row-dialog').count(), 0);
    // Forward opens the row again; Back closes it.
    await page.goForward();
    await page.locator(`#row-dialog[data-row-id="${Bob.id}"]`).waitFor();
    assert.equal(pathOf(page), f.rowPath(Bob.id));
    await page.goBack();
    await page.locator('#row-dialog').waitFor({ state: 'detached' });
    assert.equal(pathOf(page), f.viewPath);
    // Escape closes too, and the address follows.
    await expandGridRow(page, Bob.id);
    await page.keyboard.press('Escape');
    await page.waitForURL((url) => url.pathname === f.viewPath);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`previous / next and Alt+arrow keys step through the grid's rows in the view's order (${size})`, async () => {
    const f = await fixture();
    // The view sorts by name, last first: Cy, Bob, Ada.
    await apiOk('POST', `/api/database/views/${f.view.id}/sortings/`, { token: f.token, body: { field: f.fields.Name.id, order: 'DESC' } });
    const { Ada, Bob, Cy } = f.rows;
    const { context, page } = await open(f, f.viewPath, size);
    await expandGridRow(page, Cy.id);
    assert.ok(await page.locator('#row-previous').isDisabled(), 'the first row has no previous one');
    await page.click('#row-next');
    await page.locator(`#row-dialog[data-row-id="${Bob.id}"]`).waitFor();
    assert.equal(await title(page), 'Bob');
    assert.equal(pathOf(page), f.rowPath(Bob.id));
    await screenshot(page, 'row-address-step');
    await page.keyboard.press('Alt+ArrowDown');
    await page.locator(`#row-dialog[data-row-id="${Ada.id}"]`).waitFor();
    assert.ok(await page.locator('#row-next').isDisabled(), 'the last row has no next one');
    assert.equal(pathOf(page), f.rowPath(Ada.id));
    await page.keyboard.press('Alt+ArrowUp');
    await page.locator(`#row-dialog[data-row-id="${Bob.id}"]`).waitFor();
    // The grid's cursor follows the row shown.
    assert.equal(await page.locator(`#grid tr[data-row-id="${Bob.id}"] td.active`).count(), 1);

    // Editing the primary value retitles the dialog.
    await page.locator(`#row-dialog dd[data-field-id="${f.fields.Name.id}"]`).click();
    await page.locator('#row-dialog .cell-editor').fill('Bobby');
    await page.keyboard.press('Enter');
    await page.locator('#row-dialog > header h2', { hasText: 'Bobby' }).waitFor();
    // Alt+arrows inside an editor stay with the editor.
    await page.locator(`#row-dialog dd[data-field-id="${f.fields.Notes.id}"]`).click();
    await page.keyboard.press('Alt+ArrowDown');
    assert.equal(await page.getAttribute('#row-dialog', 'data-row-id'), String(Bob.id));

    // Stepping replaced the address: one close goes back to the view.
    await page.click('#row-dialog .dialog-close');
    await page.waitForURL((url) => url.pathname === f.viewPath);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`loading a row's address renders the table with the row open; an unknown row gives the table and a message (${size})`, async () => {
    const f = await fixture();
    const { Bob } = f.rows;
    const { context, page, response } = await open(f, f.rowPath(Bob.id), size);
    assert.equal(response.status(), 200);
    // The server's page holds the table's rows and the row to open.
    const html = await (await context.request.get(f.rowPath(Bob.id))).text();
    assert.match(html, /<td class="cell cell-text">Ada<\/td>/);
    assert.match(html, new RegExp(`"row":\\{[^]*"id":${Bob.id}`));
    await page.locator(`#row-dialog[data-row-id="${Bob.id}"]`).waitFor();
    assert.equal(await title(page), 'Bob');
    await screenshot(page, 'row-address-direct');
    // Closing shows the view at its own address.
    await page.click('#row-dialog .dialog-close');
    await page.waitForURL((url) => url.pathname === f.viewPath);
    assert.equal(await page.locator('#grid tbody tr[data-row-id]').count(), 3);

    for (const missing of ['999999', 'abc', '-1']) {
      const res = await page.goto(f.rowPath(missing));
      assert.equal(res.status(), 404, missing);
      await page.waitForSelector('body[data-grid-ready="true"]');
      assert.match(await page.locator('#grid-error').textContent(), /This row does not exist in this table/);
      assert.ok(await page.locator('#grid-error').isVisible());
      assert.equal(await page.locator('#grid tbody tr[data-row-id]').count(), 3);
      assert.equal(await page.locator('#row-dialog').count(), 0);
    }
    await screenshot(page, 'row-address-missing');
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`gallery cards: a card opened gets its address, steps through the cards, and its address opens it (${size})`, async () => {
    const f = await fixture('gallery');
    const { Ada, Bob } = f.rows;
    const { context, page } = await open(f, f.viewPath, size);
    await page.locator(`.gallery-card[data-row-id="${Ada.id}"]`).click();
    await page.locator(`#row-dialog[data-row-id="${Ada.id}"]`).waitFor();
    assert.equal(await title(page), 'Ada');
    assert.equal(pathOf(page), f.rowPath(Ada.id));
    assert.ok(await page.locator('#row-previous').isDisabled());
    await page.click('#row-next');
    await page.locator(`#row-dialog[data-row-id="${Bob.id}"]`).waitFor();
    assert.equal(pathOf(page), f.rowPath(Bob.id));
    await screenshot(page, 'row-address-gallery');
    await page.click('#row-dialog .dialog-close');
    await page.waitForURL((url) => url.pathname === f.viewPath);

    await page.goto(f.rowPath(Bob.id));
    await page.locator(`#row-dialog[data-row-id="${Bob.id}"]`).waitFor();
    assert.equal(await title(page), 'Bob');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
