// Who else is viewing a table, in a real browser: two users on the same table each see the
// other as an avatar with their initials, their full name on hover, and a colour of their
// own that stays the same after reloading. At both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, shareWorkspace } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openLive(user, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** The avatars a page shows: name (title), initials and background colour. */
function avatars(page) {
  return page.locator('#viewers .viewer').evaluateAll((items) =>
    items.map((li) => ({ title: li.title, text: li.textContent, colour: getComputedStyle(li).backgroundColor })));
}

for (const size of ['desktop', 'mobile']) {
  test(`viewers show as initials in colours of their own with their names (${size})`, async () => {
    const ann = await signUp({ name: 'Ann Lee' });
    const bob = await signUp({ name: 'Bob van Stone' });
    const { workspaceId, tableId } = await createTable(ann);
    await shareWorkspace(ann, workspaceId, bob);
    const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token: ann.token });
    const path = `/database/${table.database_id}/table/${tableId}`;

    const a = await openLive(ann, path, size);
    const b = await openLive(bob, path, size);
    await a.page.waitForSelector('#viewers .viewer[title="Bob van Stone"]');
    await b.page.waitForSelector('#viewers .viewer[title="Ann Lee"]');
    const [bobSeen] = await avatars(a.page);
    const [annSeen] = await avatars(b.page);
    assert.deepEqual({ title: bobSeen.title, text: bobSeen.text }, { title: 'Bob van Stone', text: 'BS' });
    assert.deepEqual({ title: annSeen.title, text: annSeen.text }, { title: 'Ann Lee', text: 'AL' });
    assert.notEqual(bobSeen.colour, annSeen.colour);
    // Only the others are listed.
    assert.equal(await a.page.locator('#viewers .viewer').count(), 1);
    if (size === 'desktop') {
      await screenshot(a.page, 'presence-viewers');
    }

    // Bob keeps his colour when Ann comes back to the page.
    await a.page.reload();
    await a.page.waitForSelector('#viewers .viewer[title="Bob van Stone"]');
    assert.equal((await avatars(a.page))[0].colour, bobSeen.colour);

    // Bob leaves: his avatar goes.
    await b.context.close();
    await a.page.waitForFunction(() => !document.querySelector('#viewers .viewer'), null, { timeout: 30000 });
    assert.deepEqual(a.page.errors, []);
    await a.context.close();
  });
}

for (const size of ['desktop', 'mobile']) {
  test(`the cell another user is editing is ringed in their colour with their name (${size})`, async () => {
    const ann = await signUp({ name: 'Ann Lee' });
    const bob = await signUp({ name: 'Bob van Stone' });
    const { workspaceId, tableId } = await createTable(ann);
    await shareWorkspace(ann, workspaceId, bob);
    const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token: ann.token });
    const row = await apiOk('POST', `/api/database/rows/table/${tableId}/?user_field_names=true`, {
      token: ann.token,
      body: { Name: 'Pears' },
    });
    const path = `/database/${table.database_id}/table/${tableId}`;
    const a = await openLive(ann, path, size);
    const b = await openLive(bob, path, size);
    await a.page.waitForSelector('#viewers .viewer[title="Bob van Stone"]');
    const cell = `#grid tbody tr[data-row-id="${row.id}"] td[data-col="0"]`;

    // Bob opens the editor of the Name cell: Ann sees it ringed, with his name on it, in
    // his avatar's colour; Bob's own cell is not marked.
    await b.page.dblclick(cell);
    await b.page.waitForSelector(`${cell} input, ${cell} textarea`);
    const tag = a.page.locator(`${cell}.edited-elsewhere .cell-editor-tag`);
    await tag.waitFor();
    assert.equal(await tag.textContent(), 'Bob van Stone');
    const [bobAvatar] = await avatars(a.page);
    const ring = await tag.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(ring, bobAvatar.colour);
    assert.equal(await b.page.locator('.edited-elsewhere').count(), 0);
    if (size === 'desktop') {
      await screenshot(a.page, 'presence-cell-editing');
    }

    // The mark survives Ann's grid being drawn again (her own edit elsewhere), and goes
    // when Bob leaves the cell.
    await a.page.fill('#grid-search', 'Pea');
    await a.page.waitForSelector(`${cell}.edited-elsewhere`);
    await b.page.keyboard.press('Escape');
    await a.page.waitForSelector(`${cell}:not(.edited-elsewhere)`);
    assert.equal(await a.page.locator('.cell-editor-tag').count(), 0);

    // Bob edits again and closes his tab: the mark goes with him.
    await b.page.dblclick(cell);
    await a.page.waitForSelector(`${cell}.edited-elsewhere`);
    await b.context.close();
    await a.page.waitForSelector(`${cell}:not(.edited-elsewhere)`, { timeout: 30000 });
    assert.deepEqual(a.page.errors, []);
    await a.context.close();
  });
}
