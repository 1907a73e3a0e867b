// The expanded row's history in a real browser: the changes made to a row are listed
// under its fields, newest first, with who made them and each field's value before and
// after (option names, not ids); a change made elsewhere appears at the top live. Its
// creation, deletion and restore from the trash (and their undo) are entries too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl } from '../support.mjs';

let browser;

/** A request from a tab with an undo stack (`ClientSessionId`); fails unless it succeeds. */
async function fromTab(method, path, token, session, body) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: {
      Authorization: `JWT ${token}`,
      ClientSessionId: session,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path} answered ${res.status}`);
}

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const size of ['desktop', 'mobile']) {
  test(`an expanded row lists its history and gets new entries live (${size})`, async () => {
    const user = await signUp({ name: 'Hana' });
    const ids = await createTable(user, { table: 'Tasks' });
    const token = user.token;
    const t = ids.tableId;
    const select = await apiOk('POST', `/api/database/fields/table/${t}/`, {
      token,
      body: { name: 'State', type: 'single_select', select_options: [{ value: 'Open', color: 'blue' }, { value: 'Done', color: 'green' }] },
    });
    const fields = Object.fromEntries(
      (await apiOk('GET', `/api/database/fields/table/${t}/`, { token })).map((f) => [f.name, f]),
    );
    const [open, done] = select.select_options;
    const name = `field_${fields.Name.id}`;
    const state = `field_${select.id}`;
    const row = await apiOk('POST', `/api/database/rows/table/${t}/`, { token, body: { [name]: 'Draft' } });
    await apiOk('PATCH', `/api/database/rows/table/${t}/${row.id}/`, { token, body: { [name]: 'Plan', [state]: open.id } });
    await apiOk('PATCH', `/api/database/rows/table/${t}/${row.id}/`, { token, body: { [state]: done.id } });

    const [grid] = await apiOk('GET', `/api/database/views/table/${t}/`, { token });
    const { context, page } = await newPage(browser, size);
    await logIn(context, user);
    await page.goto(`/database/${ids.databaseId}/table/${t}/${grid.id}/row/${row.id}`);
    await page.locator(`#row-dialog[data-row-id="${row.id}"]`).waitFor();
    const entries = page.locator('#row-history .row-history-entry');
    await entries.nth(2).waitFor();
    // Two changes and the row's creation.
    assert.equal(await entries.count(), 3);
    // Everything is shown: no "Show older", no "No changes yet."
    assert.equal(await page.locator('#row-history-more').isVisible(), false);
    assert.equal(await page.locator('#row-history .row-history-empty').isVisible(), false);
    const newest = entries.nth(0);
    assert.match(await newest.locator('.row-history-meta').textContent(), /Hana/);
    assert.equal(await newest.locator('.row-history-change').count(), 1);
    assert.equal(await newest.locator('.row-history-field').textContent(), 'State');
    assert.equal(await newest.locator('del').textContent(), 'Open');
    assert.equal(await newest.locator('ins').textContent(), 'Done');
    assert.equal(await newest.locator('.row-history-action').textContent(), 'changed the row');
    const oldest = entries.nth(1);
    assert.equal(await oldest.locator('.row-history-change').count(), 2);
    assert.equal(await oldest.locator(`[data-field="${name}"] del`).textContent(), 'Draft');
    assert.equal(await oldest.locator(`[data-field="${name}"] ins`).textContent(), 'Plan');
    assert.equal(await oldest.locator(`[data-field="${state}"] del`).textContent(), '(empty)');
    assert.equal(await entries.nth(2).getAttribute('data-action-type'), 'create_row');
    await screenshot(page, `row-history-${size}`);

    // A change from elsewhere (another client) comes in at the top while the row is open.
    await apiOk('PATCH', `/api/database/rows/table/${t}/${row.id}/`, { token, body: { [name]: 'Ship' } });
    await page.waitForFunction(() => document.querySelectorAll('#row-history .row-history-entry').length === 4);
    assert.equal(await entries.nth(0).locator('del').textContent(), 'Plan');
    assert.equal(await entries.nth(0).locator('ins').textContent(), 'Ship');
    await context.close();
  });
}

for (const size of ['desktop', 'mobile']) {
  test(`an expanded row's history says who created, deleted and restored it (${size})`, async () => {
    const user = await signUp({ name: 'Ivo' });
    const ids = await createTable(user, { table: 'Leads' });
    const token = user.token;
    const t = ids.tableId;
    const fields = Object.fromEntries(
      (await apiOk('GET', `/api/database/fields/table/${t}/`, { token })).map((f) => [f.name, f]),
    );
    const name = `field_${fields.Name.id}`;
    const row = await apiOk('POST', `/api/database/rows/table/${t}/`, { token, body: { [name]: 'Acme' } });
    await apiOk('DELETE', `/api/database/rows/table/${t}/${row.id}/`, { token });
    await apiOk('PATCH', '/api/trash/restore/', {
      token,
      body: { trash_item_type: 'row', trash_item_id: row.id, parent_trash_item_id: t },
    });
    // Deleted from a tab and undone there: an undo of the deletion.
    const session = 'tab-history';
    await fromTab('DELETE', `/api/database/rows/table/${t}/${row.id}/`, token, session);
    await fromTab('PATCH', '/api/user/undo/', token, session, { scopes: { root: true, table: t } });

    const [grid] = await apiOk('GET', `/api/database/views/table/${t}/`, { token });
    const { context, page } = await newPage(browser, size);
    await logIn(context, user);
    await page.goto(`/database/${ids.databaseId}/table/${t}/${grid.id}/row/${row.id}`);
    await page.locator(`#row-dialog[data-row-id="${row.id}"]`).waitFor();
    const entries = page.locator('#row-history .row-history-entry');
    await entries.nth(4).waitFor();
    const said = await page.locator('#row-history .row-history-action').allTextContents();
    assert.deepEqual(said, [
      "undid the row's deletion",
      'deleted the row',
      'restored the row',
      'deleted the row',
      'created the row',
    ]);
    assert.match(await entries.nth(4).locator('.row-history-meta').textContent(), /Ivo created the row/);
    // The creation lists what the row was created with, without a "before".
    const created = entries.nth(4);
    assert.equal(await created.locator('.row-history-change').count(), 1);
    assert.equal(await created.locator('.row-history-field').textContent(), 'Name');
    assert.equal(await created.locator('ins').textContent(), 'Acme');
    assert.equal(await created.locator('del').count(), 0);
    // Deletions and restores carry no values.
    for (const i of [0, 1, 2, 3]) {
      assert.equal(await entries.nth(i).locator('.row-history-change').count(), 0);
    }
    await screenshot(page, `row-history-lifecycle-${size}`);
    await context.close();
  });
}
