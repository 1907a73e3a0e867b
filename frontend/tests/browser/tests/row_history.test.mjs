// The expanded row's history in a real browser: the changes made to a row are listed
// under its fields, newest first, with who made them and each field's value before and
// after (option names, not ids); a change made elsewhere appears at the top live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk } from '../support.mjs';

let browser;
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
    await entries.nth(1).waitFor();
    assert.equal(await entries.count(), 2);
    // Everything is shown: no "Show older", no "No changes yet."
    assert.equal(await page.locator('#row-history-more').isVisible(), false);
    assert.equal(await page.locator('#row-history .row-history-empty').isVisible(), false);
    const newest = entries.nth(0);
    assert.match(await newest.locator('.row-history-meta').textContent(), /Hana/);
    assert.equal(await newest.locator('.row-history-change').count(), 1);
    assert.equal(await newest.locator('.row-history-field').textContent(), 'State');
    assert.equal(await newest.locator('del').textContent(), 'Open');
    assert.equal(await newest.locator('ins').textContent(), 'Done');
    const oldest = entries.nth(1);
    assert.equal(await oldest.locator('.row-history-change').count(), 2);
    assert.equal(await oldest.locator(`[data-field="${name}"] del`).textContent(), 'Draft');
    assert.equal(await oldest.locator(`[data-field="${name}"] ins`).textContent(), 'Plan');
    assert.equal(await oldest.locator(`[data-field="${state}"] del`).textContent(), '(empty)');
    await screenshot(page, `row-history-${size}`);

    // A change from elsewhere (another client) comes in at the top while the row is open.
    await apiOk('PATCH', `/api/database/rows/table/${t}/${row.id}/`, { token, body: { [name]: 'Ship' } });
    await page.waitForFunction(() => document.querySelectorAll('#row-history .row-history-entry').length === 3);
    assert.equal(await entries.nth(0).locator('del').textContent(), 'Plan');
    assert.equal(await entries.nth(0).locator('ins').textContent(), 'Ship');
    await context.close();
  });
}
