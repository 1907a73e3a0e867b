// Computed fields live in two browsers: a Customers / Orders / Items base with a line-total
// formula, an order-total rollup, a rollup of what each customer spent and a count of their
// orders. One person edits an item's quantity in the Items grid; another, looking at the
// Customers grid, sees the customer's total change without reloading; an order deleted
// and restored changes the count the same way. Computed cells are not editable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Leaves a table with its primary field only and no rows; answers that field. */
async function emptyTable(token, tableId) {
  const rowIds = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (rowIds.length) {
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: rowIds } });
  }
  let primary;
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (f.primary) primary = f;
    else await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  return primary;
}

async function field(token, tableId, body) {
  return apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body });
}

async function row(token, tableId, body) {
  return apiOk('POST', `/api/database/rows/table/${tableId}/?user_field_names=true`, { token, body });
}

/** The base: items pen (1.50 × 4) and ink (3.00 × 1); orders o1 (pen, ink) and o2 (ink); customer Cy (o1, o2). */
async function base(user) {
  const token = user.token;
  const { workspaceId, databaseId, tableId: customers } = await createTable(user, { table: 'Customers' });
  const orders = (await apiOk('POST', `/api/database/tables/database/${databaseId}/`, { token, body: { name: 'Orders' } })).id;
  const items = (await apiOk('POST', `/api/database/tables/database/${databaseId}/`, { token, body: { name: 'Items' } })).id;
  for (const t of [customers, orders, items]) await emptyTable(token, t);
  await field(token, items, { name: 'Price', type: 'number', number_decimal_places: 2 });
  const qty = await field(token, items, { name: 'Qty', type: 'number' });
  await field(token, items, { name: 'Line', type: 'formula', formula: "field('Price') * field('Qty')" });
  await field(token, orders, { name: 'Items', type: 'link_row', link_row_table_id: items, has_related_field: false });
  await field(token, orders, { name: 'Total', type: 'rollup', through_field_name: 'Items', target_field_name: 'Line', rollup_function: 'sum' });
  await field(token, customers, { name: 'Orders', type: 'link_row', link_row_table_id: orders, has_related_field: false });
  const spent = await field(token, customers, { name: 'Spent', type: 'rollup', through_field_name: 'Orders', target_field_name: 'Total', rollup_function: 'sum' });
  const count = await field(token, customers, { name: 'Order count', type: 'count', through_field_name: 'Orders' });
  const pen = await row(token, items, { Name: 'pen', Price: '1.50', Qty: 4 });
  const ink = await row(token, items, { Name: 'ink', Price: '3.00', Qty: 1 });
  const o1 = await row(token, orders, { Name: 'o1', Items: [pen.id, ink.id] });
  const o2 = await row(token, orders, { Name: 'o2', Items: [ink.id] });
  const cy = await row(token, customers, { Name: 'Cy', Orders: [o1.id, o2.id] });
  return {
    workspaceId, customers, orders, items, qty, spent, count, pen, ink, o1, o2, cy,
    path: (t) => `/database/${databaseId}/table/${t}`,
  };
}

async function openGrid(user, path) {
  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

function cell(page, rowId, fieldId) {
  const index = page.locator('#grid thead th').evaluateAll(
    (ths, id) => ths.findIndex((th) => th.dataset.fieldId === String(id)),
    fieldId,
  );
  return index.then((i) => page.locator(`#grid tbody tr[data-row-id="${rowId}"] td`).nth(i));
}

/** Waits (up to 5 s) for a cell's text. */
async function expectText(page, rowId, fieldId, expected) {
  const target = await cell(page, rowId, fieldId);
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = (await target.textContent()).trim();
    if (text === expected) return;
    if (Date.now() > deadline) assert.equal(text, expected);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a rollup and a count in one browser follow edits made in another', async () => {
  const user = await signUp({ name: 'Ida' });
  const b = await base(user);
  const editor = await openGrid(user, b.path(b.items));
  const viewer = await openGrid(user, b.path(b.customers));
  try {
    await expectText(viewer.page, b.cy.id, b.spent.id, '12.00');
    await expectText(viewer.page, b.cy.id, b.count.id, '2');

    // Ink's quantity 1 → 2 in the Items grid: both orders hold ink, Cy spent 18.00.
    const qty = await cell(editor.page, b.ink.id, b.qty.id);
    await qty.dblclick();
    const input = qty.locator('input');
    await input.fill('2');
    await input.press('Enter');
    await expectText(viewer.page, b.cy.id, b.spent.id, '18.00');

    // An order deleted elsewhere leaves the count; restored, it comes back.
    await apiOk('DELETE', `/api/database/rows/table/${b.orders}/${b.o1.id}/`, { token: user.token });
    await expectText(viewer.page, b.cy.id, b.count.id, '1');
    await expectText(viewer.page, b.cy.id, b.spent.id, '6.00');
    await apiOk('PATCH', '/api/trash/restore/', {
      token: user.token,
      body: { trash_item_type: 'row', trash_item_id: b.o1.id, parent_trash_item_id: b.orders, workspace_id: b.workspaceId },
    });
    await expectText(viewer.page, b.cy.id, b.count.id, '2');
    await expectText(viewer.page, b.cy.id, b.spent.id, '18.00');
    await screenshot(viewer.page, 'computed-live-customers');

    // Computed cells do not open an editor.
    const spent = await cell(viewer.page, b.cy.id, b.spent.id);
    await spent.dblclick();
    assert.equal(await spent.locator('input, textarea').count(), 0);
    assert.deepEqual(editor.page.errors, []);
    assert.deepEqual(viewer.page.errors, []);
  } finally {
    await editor.context.close();
    await viewer.context.close();
  }
});
