// Undo, comments and the bell in a real browser: deleted rows come back with Ctrl+Z, a
// cell edit is undone and redone from the keyboard and the toolbar, and a comment that
// mentions a colleague lights up their bell in the other browser, live. At both sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, shareWorkspace } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openTable(user, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

const names = (page) => page.locator('#grid tbody tr[data-row-id] td[data-col="0"]').allTextContents();

async function eventually(read, expected) {
  const deadline = Date.now() + 15000;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(last, expected);
}

async function tableWith(user, rows) {
  const ids = await createTable(user, { table: 'Tasks' });
  const token = user.token;
  const existing = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/?user_field_names=true`, { token });
  await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch-delete/`, { token, body: { items: existing.results.map((r) => r.id) } });
  await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/?user_field_names=true`, {
    token,
    body: { items: rows.map((Name) => ({ Name })) },
  });
  return { ...ids, path: `/database/${ids.databaseId}/table/${ids.tableId}` };
}

for (const size of ['desktop', 'mobile']) {
  test(`Ctrl+Z brings deleted rows back and undoes a cell edit; redo and the toolbar too (${size})`, async () => {
    const ann = await signUp({ name: 'Ann Lee' });
    const t = await tableWith(ann, ['One', 'Two', 'Three', 'Four']);
    const { context, page } = await openTable(ann, t.path, size);

    // Three rows deleted, then Ctrl+Z: they are back, in their places.
    await page.locator('#grid tbody tr[data-row-id]').nth(1).locator('td').nth(1).click();
    await page.locator('#grid tbody tr[data-row-id]').nth(3).locator('td').nth(1).click({ modifiers: ['Shift'] });
    await page.click('#delete-rows');
    await page.click('#confirm-delete-rows');
    await eventually(() => names(page), ['One']);
    await page.locator('#grid-scroll').focus();
    await page.keyboard.press('Control+z');
    await eventually(() => names(page), ['One', 'Two', 'Three', 'Four']);
    assert.match(await page.locator('#toast .toast-text').textContent(), /^Undone: deleted rows\./);
    const stored = await apiOk('GET', `/api/database/rows/table/${t.tableId}/?user_field_names=true`, { token: ann.token });
    assert.deepEqual(stored.results.map((r) => r.Name), ['One', 'Two', 'Three', 'Four']);

    // A cell edit: Ctrl+Z puts the old value back, Ctrl+Shift+Z the new one, ↶ again.
    await page.locator('#grid tbody tr[data-row-id]').nth(0).locator('td').nth(1).dblclick();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Uno');
    await page.keyboard.press('Enter');
    await eventually(() => names(page), ['Uno', 'Two', 'Three', 'Four']);
    await page.locator('#grid-scroll').focus();
    await page.keyboard.press('Control+z');
    await eventually(() => names(page), ['One', 'Two', 'Three', 'Four']);
    await page.keyboard.press('Control+Shift+z');
    await eventually(() => names(page), ['Uno', 'Two', 'Three', 'Four']);
    await page.click('#undo');
    await eventually(() => names(page), ['One', 'Two', 'Three', 'Four']);
    if (size === 'mobile') await screenshot(page, 'undo-toolbar');
    // Nothing older in this tab: said so, nothing changes.
    await page.click('#undo');
    await page.click('#undo');
    await page.locator('#toast .toast-text', { hasText: 'Nothing to undo here.' }).waitFor();
    assert.deepEqual(await names(page), ['One', 'Two', 'Three', 'Four']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('Ctrl+Z undoes a sort made from the column menu, in the view\'s scope; redo sorts again', async () => {
  const ann = await signUp({ name: 'Ann Lee' });
  const t = await tableWith(ann, ['One', 'Two', 'Three']);
  const { context, page } = await openTable(ann, t.path, 'desktop');
  const th = page.locator('#grid thead th:has(.field-name-text:text-is("Name"))');
  await th.locator('.field-menu-button').click();
  await page.locator('#column-menu [data-action="sort-desc"]').click();
  await eventually(() => names(page), ['Two', 'Three', 'One']);
  await page.locator('#grid-scroll').focus();
  await page.keyboard.press('Control+z');
  await eventually(() => names(page), ['One', 'Two', 'Three']);
  assert.match(await page.locator('#toast .toast-text').textContent(), /^Undone: a filter or sort change\./);
  const views = await apiOk('GET', `/api/database/views/table/${t.tableId}/?include=sortings`, { token: ann.token });
  assert.deepEqual(views[0].sortings, []);
  await page.keyboard.press('Control+Shift+z');
  await eventually(() => names(page), ['Two', 'Three', 'One']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

for (const size of ['desktop', 'mobile']) {
  test(`a comment mentioning a colleague lights up their bell live; comments are edited and deleted (${size})`, async () => {
    const ann = await signUp({ name: 'Ann Lee' });
    const bob = await signUp({ name: 'Bob Stone' });
    const t = await tableWith(ann, ['Launch plan']);
    await shareWorkspace(ann, t.workspaceId, bob);
    const rows = await apiOk('GET', `/api/database/rows/table/${t.tableId}/`, { token: ann.token });
    const rowId = rows.results[0].id;

    const b = await openTable(bob, t.path, size);
    await b.page.locator('#bell:not([hidden])').waitFor();
    assert.equal(await b.page.locator('#bell .bell-count').isVisible(), false);

    const a = await openTable(ann, `${t.path}/row/${rowId}`, size);
    await a.page.locator('#row-dialog #row-comments').waitFor();
    const input = a.page.getByRole('textbox', { name: 'New comment' });
    await input.click();
    await input.type('Please check this @Bo');
    const option = a.page.getByRole('option', { name: /Bob Stone/ });
    await option.waitFor();
    if (size === 'mobile') await screenshot(a.page, 'comments-mention');
    await a.page.keyboard.press('Enter');
    await input.type('before Friday');
    await a.page.keyboard.press('Enter');
    const comment = a.page.locator('#row-comments .comment').first();
    await comment.waitFor();
    assert.equal(await comment.locator('.mention').textContent(), '@Bob Stone');
    assert.match(await comment.locator('.comment-body').textContent(), /Please check this @Bob Stone before Friday/);

    // Bob's bell lights up live; the panel says who mentioned him and opens the row.
    await b.page.locator('#bell .bell-count:not([hidden])').waitFor();
    assert.equal(await b.page.locator('#bell .bell-count').textContent(), '1');
    await b.page.click('#bell');
    const item = b.page.locator('#bell-panel .bell-item.unread');
    await item.waitFor();
    assert.match(await item.textContent(), /Ann Lee mentioned you in a comment on “Launch plan”/);
    // The invitation Bob accepted is listed too, with the workspace's name.
    assert.match(await b.page.locator('#bell-panel').textContent(), /Ann Lee invited you to Workspace/);
    if (size === 'mobile') await screenshot(b.page, 'bell-panel');
    await item.locator('button').click();
    await b.page.waitForURL(new RegExp(`/row/${rowId}$`));
    await b.page.locator('#row-comments .comment').waitFor();
    await b.page.locator('#bell[data-unread="0"]').waitFor({ state: 'attached' });
    // Bob may not edit Ann's comment.
    assert.equal(await b.page.locator('#row-comments .comment .comment-actions').count(), 0);

    // Ann edits her comment, then deletes it; Bob's open row follows.
    await comment.getByRole('button', { name: 'Edit' }).click();
    const edit = a.page.getByRole('textbox', { name: 'Edit the comment' });
    await edit.fill('Checked, thanks');
    await edit.press('Enter');
    await a.page.locator('#row-comments .comment-body', { hasText: 'Checked, thanks' }).waitFor();
    await a.page.locator('#row-comments .comment-edited').waitFor();
    await b.page.locator('#row-comments .comment-body', { hasText: 'Checked, thanks' }).waitFor();
    await a.page.locator('#row-comments .comment').first().getByRole('button', { name: 'Delete' }).click();
    await a.page.locator('#row-comments .activity-empty', { hasText: 'No comments yet.' }).waitFor();
    await b.page.locator('#row-comments .activity-empty', { hasText: 'No comments yet.' }).waitFor();
    assert.deepEqual(a.page.errors, []);
    assert.deepEqual(b.page.errors, []);
    await a.context.close();
    await b.context.close();
  });
}
