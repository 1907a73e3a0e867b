// The table page in a real browser: first rows in the HTML before any script, two users
// editing live, a user who was offline catching up, and the everyday flow of building a
// table (add field, add row, filter, sort), at both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl, uniqueEmail,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The fields of a table by name. */
async function fieldsByName(user, tableId) {
  const fields = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token: user.token });
  return Object.fromEntries(fields.map((f) => [f.name, f]));
}

/** Rows `{Name: text}` added to a table; returns the created rows. */
async function addRows(user, tableId, names) {
  const fields = await fieldsByName(user, tableId);
  const items = names.map((n) => ({ [`field_${fields.Name.id}`]: n }));
  const body = await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, { token: user.token, body: { items } });
  return body.items;
}

async function tablePage(user, tableId) {
  const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token: user.token });
  return `/database/${table.database_id}/table/${tableId}`;
}

/** Opens the table page and waits until the grid script has taken over and is live. */
async function openLive(browser, user, path, size = 'desktop', prepare = async () => {}) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await prepare(context);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** The text of the grid cell of a row (by id) in a field (by id). */
function cellText(page, rowId, fieldIndex) {
  return page.locator(`#grid tbody tr[data-row-id="${rowId}"] td`).nth(fieldIndex + 1).textContent();
}

/** Makes `member` a member of `owner`'s workspace through an invitation. */
async function share(owner, workspaceId, member) {
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${workspaceId}/`, {
    token: owner.token,
    body: { email: member.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: member.token, body: {} });
}

test('the first response already holds the first rows as a readable table (scripts off)', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { tableId } = await createTable(ann, { table: 'Plants' });
  await addRows(ann, tableId, ['Fern <b>bold</b>', 'Moss', 'Ivy']);
  const path = await tablePage(ann, tableId);

  // The raw HTML, before any script could run.
  const html = await fetch(baseUrl + path, { headers: { Cookie: `tessera_session=${ann.refresh}` } });
  assert.equal(html.status, 200);
  const text = await html.text();
  assert.match(text, /<table id="grid"/);
  assert.match(text, /Fern &#60;b&#62;bold&#60;\/b&#62;/, 'cell values are escaped text');
  assert.match(text, />Moss</);
  assert.match(html.headers.get('content-security-policy'), /script-src 'self'/);

  // A browser with JavaScript off shows the same rows.
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: baseUrl });
  await logIn(context, ann);
  const page = await context.newPage();
  await page.goto(path);
  const names = await page.locator('#grid tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(names.slice(-3), ['Fern <b>bold</b>', 'Moss', 'Ivy']);
  assert.equal(await page.locator('#grid tbody b').count(), 0, 'no HTML from data');
  await screenshot(page, 'table-no-script');
  await context.close();
});

test('the script takes over without fetching the rows again and without moving them', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { tableId } = await createTable(ann);
  await addRows(ann, tableId, ['a', 'b', 'c']);
  const path = await tablePage(ann, tableId);
  const rowBoxes = (page) => page.locator('#grid tbody tr[data-row-id]').evaluateAll(
    (trs) => trs.map((tr) => { const r = tr.getBoundingClientRect(); return [tr.dataset.rowId, r.x, r.y, r.width, r.height]; }),
  );

  // Where the server's HTML puts the rows (no script at all)…
  const still = await browser.newContext({ javaScriptEnabled: false, baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  await logIn(still, ann);
  const plain = await still.newPage();
  await plain.goto(path);
  const before = await rowBoxes(plain);
  await still.close();
  assert.equal(before.length, 5);

  // …is where they are once the script has taken over.
  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, ann);
  const listings = [];
  page.on('request', (r) => { if (r.url().includes('/api/database/views/grid/')) listings.push(r.url()); });
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  assert.deepEqual(await rowBoxes(page), before, 'rows stay where the server put them');
  await page.waitForTimeout(300);
  assert.deepEqual(listings, [], 'no listing request for rows the HTML had');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('two users on one table: an edit shows up for the other within a second, and who is there is shown', async () => {
  const ann = await signUp({ name: 'Ann', email: uniqueEmail('ann') });
  const bob = await signUp({ name: 'Bob', email: uniqueEmail('bob') });
  const { workspaceId, tableId } = await createTable(ann);
  await share(ann, workspaceId, bob);
  const [row] = await addRows(ann, tableId, ['before']);
  const path = await tablePage(ann, tableId);
  const a = await openLive(browser, ann, path);
  const b = await openLive(browser, bob, path);

  // Each sees the other among the viewers.
  await a.page.waitForSelector(`#viewers li[data-user-id="${bob.user.id}"]`);
  await b.page.waitForSelector(`#viewers li[data-user-id="${ann.user.id}"]`);

  // Ann types into the cell; Bob's grid shows it without reloading.
  const cell = a.page.locator(`#grid tbody tr[data-row-id="${row.id}"] td`).nth(1);
  await cell.click();
  await a.page.keyboard.type('after');
  const saved = a.page.waitForResponse((r) => r.url().includes(`/${row.id}/`) && r.request().method() === 'PATCH');
  await a.page.keyboard.press('Enter');
  const started = Date.now();
  await saved;
  await b.page.waitForFunction(
    (id) => document.querySelector(`#grid tbody tr[data-row-id="${id}"] td:nth-child(2)`)?.textContent === 'after',
    row.id,
    { timeout: 1000 },
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 1000, `seen after ${elapsed} ms`);
  assert.equal(await cellText(a.page, row.id, 0), 'after');
  await screenshot(b.page, 'table-live');

  // Bob leaves: Ann's viewer list drops him.
  await b.context.close();
  await a.page.waitForSelector(`#viewers li[data-user-id="${bob.user.id}"]`, { state: 'detached' });
  assert.deepEqual(a.page.errors, []);
  await a.context.close();
});

test('a user who was offline for 20 seconds sees every change made meanwhile when back', async () => {
  const ann = await signUp({ name: 'Ann', email: uniqueEmail('ann') });
  const bob = await signUp({ name: 'Bob', email: uniqueEmail('bob') });
  const { workspaceId, tableId } = await createTable(ann);
  await share(ann, workspaceId, bob);
  const rows = await addRows(ann, tableId, ['one', 'two', 'three']);
  const fields = await fieldsByName(ann, tableId);
  const name = `field_${fields.Name.id}`;
  const path = await tablePage(ann, tableId);
  // Bob's socket goes through a switch the test controls: "offline", it is cut and every
  // new one is refused at once, as a dead network would.
  let offline = false;
  const sockets = [];
  const b = await openLive(browser, bob, path, 'desktop', (context) =>
    context.routeWebSocket(/\/ws\/core\//, (ws) => {
      if (offline) {
        ws.close({ code: 1011, reason: 'offline' });
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    }));

  // Bob's network goes away, and with it his socket.
  offline = true;
  await b.context.setOffline(true);
  for (const ws of sockets.splice(0)) {
    await ws.close({ code: 1011, reason: 'offline' });
  }
  await b.page.waitForSelector('#live-status[data-state="reconnecting"]');
  await screenshot(b.page, 'table-reconnecting');

  // Meanwhile Ann edits, adds and deletes.
  const token = ann.token;
  await apiOk('PATCH', `/api/database/rows/table/${tableId}/${rows[0].id}/`, { token, body: { [name]: 'one edited' } });
  const added = await apiOk('POST', `/api/database/rows/table/${tableId}/`, { token, body: { [name]: 'four' } });
  await apiOk('DELETE', `/api/database/rows/table/${tableId}/${rows[1].id}/`, { token });
  await b.page.waitForTimeout(20000);
  assert.equal(await cellText(b.page, rows[0].id, 0), 'one', 'nothing arrived while offline');

  offline = false;
  await b.context.setOffline(false);
  await b.page.waitForSelector('#live-status[data-state="live"]', { timeout: 35000 });
  await b.page.waitForFunction(
    ([first, gone, fresh]) => {
      const cell = (id) => document.querySelector(`#grid tbody tr[data-row-id="${id}"] td:nth-child(2)`);
      return cell(first)?.textContent === 'one edited' && !cell(gone) && cell(fresh)?.textContent === 'four';
    },
    [rows[0].id, rows[1].id, added.id],
    { timeout: 5000 },
  );
  // The table's two starting rows, three added, one more, one deleted.
  assert.match(await b.page.locator('#row-count').textContent(), /^5 rows$/);
  await b.context.close();
});

for (const size of ['desktop', 'mobile']) {
  test(`sign up, open a new table from the dashboard, add field, add rows, filter, sort (${size})`, async () => {
    // Everything through the pages: sign up, then a workspace, database and table made on
    // the dashboard, opened from its link.
    const { context, page } = await newPage(browser, size);
    await page.goto('/signup');
    await page.fill('#name', 'Ann');
    await page.fill('#email', uniqueEmail('ann'));
    await page.fill('#password', 'password123');
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    const token = await page.evaluate(() => JSON.parse(document.getElementById('bootstrap').textContent).access_token);
    const ann = { token };
    await page.fill('#new-workspace', 'Library');
    await page.click('text=Create workspace');
    await page.locator('.workspace').first().locator('input[placeholder="New database name"]').fill('Shelves');
    await page.locator('.workspace').first().locator('text=Add database').click();
    await page.waitForSelector('.database h3:text("Shelves")');
    await page.locator('.database').first().locator('input[placeholder="New table name"]').fill('Books');
    await page.locator('.database').first().locator('text=Add table').click();
    await page.click('.table-item a:text("Books")');
    await page.waitForURL('**/database/*/table/*');
    const tableId = Number(new URL(page.url()).pathname.split('/')[4]);
    await page.waitForSelector('body[data-grid-ready="true"]');
    await page.waitForSelector('#live-status[data-state="live"]');
    await screenshot(page, 'table-empty');

    // A new number field.
    await page.click('#add-field');
    await page.fill('#field-name', 'Pages');
    await page.selectOption('#field-type', 'number');
    await page.click('#field-save');
    await page.waitForSelector('#grid thead th:has-text("Pages")');

    // Three rows, typed in.
    const pagesIndex = await page.locator('#grid thead th').evaluateAll(
      (ths) => ths.findIndex((th) => th.textContent.trim() === 'Pages'),
    );
    for (const [title, pages] of [['Dune', '412'], ['Emma', '474'], ['Ubik', '202']]) {
      const count = await page.locator('#grid tbody tr[data-row-id]').count();
      await page.click('#add-row');
      await page.waitForFunction((n) => document.querySelectorAll('#grid tbody tr[data-row-id]').length === n + 1, count);
      const last = page.locator('#grid tbody tr[data-row-id]').last();
      await last.locator('td').nth(1).click();
      await page.keyboard.type(title);
      await page.keyboard.press('Tab');
      await last.locator('td').nth(pagesIndex).click();
      await page.keyboard.type(pages);
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        ([i, p]) => [...document.querySelectorAll('#grid tbody tr[data-row-id]')].at(-1)?.children[i]?.textContent === p,
        [pagesIndex, pages],
      );
    }
    const names = () => page.locator('#grid tbody tr[data-row-id] td:nth-child(2)').allTextContents();
    // The table starts with two empty rows.
    assert.deepEqual((await names()).filter(Boolean), ['Dune', 'Emma', 'Ubik']);

    // Filter: pages higher than 300.
    await page.click('#open-filters');
    await page.click('#filters-dialog .add-filter');
    const filter = page.locator('#filters-dialog .filter').first();
    await filter.locator('select').first().selectOption({ label: 'Pages' });
    // Each change is saved, then the dialog is drawn again: wait for it between steps.
    const settled = () => page.waitForSelector('#filters-dialog:not([data-busy])');
    await settled();
    await page.locator('#filters-dialog .filter').first().locator('select').nth(1).selectOption('higher_than');
    await settled();
    await page.locator('#filters-dialog .filter-value').first().fill('300');
    await page.locator('#filters-dialog .filter-value').first().press('Tab');
    await page.waitForFunction(() => document.querySelectorAll('#grid tbody tr[data-row-id]').length === 2);
    assert.deepEqual(await names(), ['Dune', 'Emma']);
    await screenshot(page, 'table-filter');
    await page.click('#filters-dialog .dialog-close');

    // Sort: pages, descending.
    await page.click('#open-sorts');
    await page.selectOption('#add-sort', { label: 'Pages' });
    await page.waitForSelector('#sorts-dialog:not([data-busy]) .sort');
    await page.locator('#sorts-dialog .sort select').selectOption('DESC');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#grid tbody tr[data-row-id] td:nth-child(2)')].map((td) => td.textContent).join() === 'Emma,Dune');
    await page.click('#sorts-dialog .dialog-close');
    await screenshot(page, 'table-sorted');

    // What the browser did is what the server has.
    const view = (await apiOk('GET', `/api/database/views/table/${tableId}/?include=filters,sortings`, { token: ann.token }))[0];
    assert.equal(view.filters.length, 1);
    assert.equal(view.sortings[0].order, 'DESC');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('a million rows: only the rows on screen are in the page, and any part of the table is a scroll away', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { tableId } = await createTable(ann, { table: 'Big' });
  const fields = await fieldsByName(ann, tableId);
  // Filled in the database directly: a million rows through the API would take minutes.
  const sql = `INSERT INTO database_table_${tableId} ("order", field_${fields.Name.id})
      SELECT g + 10, 'Row ' || g FROM generate_series(1, 1000000) g;
    UPDATE database_tables SET row_count = row_count + 1000000 WHERE id = ${tableId};
    ANALYZE database_table_${tableId};`;
  execFileSync('psql', [process.env.TESSERA_TEST_DATABASE_URL, '-qc', sql]);
  const path = await tablePage(ann, tableId);
  const { context, page } = await openLive(browser, ann, path);
  assert.match(await page.locator('#row-count').textContent(), /^1,000,002 rows$/);
  const rendered = () => page.locator('#grid tbody tr[data-index]').count();
  assert.ok((await rendered()) <= 60, `${await rendered()} rows in the DOM`);

  // Jump to the middle: the rows there are loaded and shown.
  const jump = async (fraction) => {
    const started = Date.now();
    await page.$eval('#grid-scroll', (el, f) => { el.scrollTop = (el.scrollHeight - el.clientHeight) * f; }, fraction);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#grid tbody tr[data-index]')];
      const shown = rows.filter((tr) => {
        const r = tr.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      });
      return shown.length > 5 && shown.every((tr) => tr.dataset.rowId);
    }, null, { timeout: 5000 });
    return Date.now() - started;
  };
  const middle = await jump(0.5);
  const firstShown = Number(await page.locator('#grid tbody tr[data-row-id]').first().getAttribute('data-index'));
  assert.ok(firstShown > 450000 && firstShown < 550000, `middle starts at ${firstShown}`);
  assert.ok((await rendered()) <= 60);
  const end = await jump(1);
  assert.equal(await page.locator('#grid tbody tr[data-row-id]').last().locator('td').nth(1).textContent(), 'Row 1000000');
  await screenshot(page, 'table-million');
  console.log(`# a million rows: middle shown ${middle} ms after the jump, end ${end} ms`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('keyboard: arrows move, Shift extends, copy and paste a range, Delete clears, Alt+arrow moves a row', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { tableId } = await createTable(ann);
  const fields = await fieldsByName(ann, tableId);
  // Start from three named rows only.
  const existing = await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token: ann.token });
  await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token: ann.token, body: { items: existing.results.map((r) => r.id) } });
  const rows = await addRows(ann, tableId, ['a', 'b', 'c']);
  const path = await tablePage(ann, tableId);
  const { context, page } = await openLive(browser, ann, path);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const column = (n) => page.locator(`#grid tbody tr[data-row-id] td:nth-child(${n})`).allTextContents();

  // Name of the first row, then down twice with Shift: a 3×1 range.
  await page.locator(`#grid tbody tr[data-row-id="${rows[0].id}"] td`).nth(1).click();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  assert.equal(await page.locator('#grid td.selected').count(), 3);
  await page.keyboard.press('Control+c');
  // To Notes of the first row, and paste: one batch update.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  const batch = page.waitForResponse((r) => r.url().endsWith('/batch/') && r.request().method() === 'PATCH');
  await page.keyboard.press('Control+v');
  await batch;
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#grid tbody tr[data-row-id] td:nth-child(3)')].map((td) => td.textContent).join() === 'a,b,c');
  const stored = await apiOk('GET', `/api/database/rows/table/${tableId}/${rows[2].id}/`, { token: ann.token });
  assert.equal(stored[`field_${fields.Notes.id}`], 'c');

  // Delete clears the active cell.
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => document.querySelector('#grid tbody tr[data-row-id] td:nth-child(3)').textContent === '');

  // Alt+↓ moves the first row below the second.
  await page.keyboard.press('Alt+ArrowDown');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#grid tbody tr[data-row-id] td:nth-child(2)')].map((td) => td.textContent).join() === 'b,a,c');
  assert.deepEqual(await column(2), ['b', 'a', 'c']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('import pasted rows and export the view, each with its progress', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { tableId } = await createTable(ann);
  const path = await tablePage(ann, tableId);
  const { context, page } = await openLive(browser, ann, path);

  await page.click('#open-import');
  await page.fill('#import-data', 'Name\tNotes\nimported one\tfirst\nimported two\tsecond');
  await page.click('#import-start');
  await page.waitForSelector('#import-status:has-text("Imported 2 rows.")', { timeout: 30000 });
  assert.equal(await page.locator('#import-progress').getAttribute('hidden'), null);
  await page.click('#import-dialog .dialog-close');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#grid tbody tr[data-row-id] td:nth-child(2)')].map((td) => td.textContent).includes('imported two'));
  assert.match(await page.locator('#row-count').textContent(), /^4 rows$/);

  await page.click('#open-export');
  await page.selectOption('#export-format', 'csv');
  await page.click('#export-start');
  const link = page.locator('#export-download');
  await link.waitFor({ timeout: 30000 });
  await screenshot(page, 'table-export');
  const csv = await (await fetch(await link.getAttribute('href'))).text();
  assert.match(csv, /imported one,first/);
  assert.deepEqual(page.errors, []);
  await context.close();
});
