// Row colours (view decorations) in a real browser: from the toolbar's Colour dialog Ann
// colours the left border by a single select and the background by a condition; the grid
// shows both, a colleague's open grid follows live (also when a row starts matching), and
// the gallery's cards take the same colours. At both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, shareWorkspace } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const LIGHT_RED = 'rgb(253, 224, 224)';
const DARK_BLUE = 'rgb(28, 78, 216)';
const LIGHT_GREEN = 'rgb(220, 243, 226)';

/** A table of people with a Team (Red, Blue) and an Age; its grid and a gallery view. */
async function peopleTable(user) {
  const { workspaceId, tableId } = await createTable(user, { table: 'People' });
  const token = user.token;
  const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token });
  const old = await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token });
  await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: old.results.map((r) => r.id) } });
  const team = await apiOk('POST', `/api/database/fields/table/${tableId}/`, {
    token,
    body: { name: 'Team', type: 'single_select', select_options: [{ value: 'Red', color: 'light-red' }, { value: 'Blue', color: 'dark-blue' }] },
  });
  await apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body: { name: 'Age', type: 'number' } });
  const [red, blue] = team.select_options.map((o) => o.id);
  const created = await apiOk('POST', `/api/database/rows/table/${tableId}/batch/?user_field_names=true`, {
    token,
    body: { items: [{ Name: 'Ann', Team: red, Age: 40 }, { Name: 'Bob', Team: blue, Age: 20 }, { Name: 'Cid', Age: 35 }] },
  });
  const rows = Object.fromEntries(created.items.map((r) => [r.Name, r.id]));
  const gallery = await apiOk('POST', `/api/database/views/table/${tableId}/`, { token, body: { name: 'Cards', type: 'gallery' } });
  const [grid] = await apiOk('GET', `/api/database/views/table/${tableId}/`, { token });
  const path = `/database/${table.database_id}/table/${tableId}`;
  return { workspaceId, tableId, rows, grid: grid.id, gallery: gallery.id, path };
}

async function openGrid(user, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** A row's painted colours in the grid: the left border and the background of a cell. */
function gridColours(page, rowId) {
  return page.evaluate((id) => {
    const tr = document.querySelector(`#grid tbody tr[data-row-id="${id}"]`);
    if (!tr) return null;
    return {
      left: tr.classList.contains('deco-left') ? getComputedStyle(tr.querySelector('td.row-id')).boxShadow : '',
      background: tr.classList.contains('deco-background') ? getComputedStyle(tr.querySelector('td[data-col="0"]')).backgroundColor : '',
    };
  }, rowId);
}

/** Waits until a row's colours satisfy `check`. */
async function waitColours(page, rowId, check, what) {
  const deadline = Date.now() + 15000;
  let last = null;
  while (Date.now() < deadline) {
    last = await gridColours(page, rowId);
    if (last && check(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: row ${rowId} shows ${JSON.stringify(last)}`);
}

for (const size of ['desktop', 'mobile']) {
  test(`rows coloured by a single select and by a condition, live and on cards (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const bob = await signUp({ name: 'Bob' });
    const t = await peopleTable(ann);
    await shareWorkspace(ann, t.workspaceId, bob);
    const a = await openGrid(ann, t.path, size);
    const b = await openGrid(bob, t.path, size);
    const page = a.page;
    const settled = () => page.waitForSelector('#decorations-dialog:not([data-busy])');

    // A left border by the Team's option colours: the table's single select is picked.
    assert.equal(await page.locator('#open-decorations').textContent(), 'Colour');
    await page.click('#open-decorations');
    await page.click('#add-decoration');
    await settled();
    const first = page.locator('#decorations-dialog .decoration').first();
    assert.equal(await first.locator('select[aria-label="Where the colour goes"]').inputValue(), 'left_border_color');
    assert.equal(await first.locator('select[aria-label="Colour by"]').inputValue(), 'single_select_color');
    assert.equal(await first.locator('select[aria-label="Single select field"] option:checked').textContent(), 'Team');
    await waitColours(page, t.rows.Ann, (c) => c.left.includes(LIGHT_RED), 'Ann\'s red border');
    await waitColours(page, t.rows.Bob, (c) => c.left.includes(DARK_BLUE), 'Bob\'s blue border');
    assert.equal((await gridColours(page, t.rows.Cid)).left, '', 'Cid has no team, no border');

    // A background by a condition: Age higher than 30, light green.
    await page.click('#add-decoration');
    await settled();
    const second = page.locator('#decorations-dialog .decoration').nth(1);
    await second.locator('select[aria-label="Where the colour goes"]').selectOption('background_color');
    await settled();
    await second.locator('select[aria-label="Colour by"]').selectOption('conditional_color');
    await settled();
    const condition = second.locator('.filter').first();
    await condition.locator('select[aria-label="Field"]').selectOption({ label: 'Age' });
    await settled();
    await condition.locator('select[aria-label="Condition"]').selectOption('higher_than');
    await settled();
    await condition.locator('input').first().fill('30');
    await condition.locator('input').first().press('Tab');
    await settled();
    await second.locator('.swatch[data-colour="light-green"]').click();
    await settled();
    assert.equal(await page.locator('#open-decorations').textContent(), 'Coloured (2)');
    const [view] = await apiOk('GET', `/api/database/views/table/${t.tableId}/?include=decorations`, { token: ann.token });
    const background = view.decorations[1];
    assert.equal(background.type, 'background_color');
    assert.equal(background.value_provider_conf.colors[0].color, 'light-green');
    assert.deepEqual(
      background.value_provider_conf.colors[0].filters.map((f) => [f.type, f.value]),
      [['higher_than', '30']],
    );
    await waitColours(page, t.rows.Ann, (c) => c.background === LIGHT_GREEN, 'Ann (40) in green');
    await waitColours(page, t.rows.Cid, (c) => c.background === LIGHT_GREEN, 'Cid (35) in green');
    assert.equal((await gridColours(page, t.rows.Bob)).background, '', 'Bob (20) has no background');
    if (size === 'desktop') await screenshot(page, 'decorations-dialog');
    await page.click('#decorations-dialog .dialog-close');

    // Bob's grid, open all along, follows live.
    await waitColours(b.page, t.rows.Ann, (c) => c.left.includes(LIGHT_RED) && c.background === LIGHT_GREEN, 'Bob sees Ann\'s colours');
    await waitColours(b.page, t.rows.Bob, (c) => c.left.includes(DARK_BLUE) && c.background === '', 'Bob sees his own row');
    // A row that starts matching takes the colour on both pages.
    await apiOk('PATCH', `/api/database/rows/table/${t.tableId}/${t.rows.Bob}/?user_field_names=true`, { token: bob.token, body: { Age: 50 } });
    await waitColours(page, t.rows.Bob, (c) => c.background === LIGHT_GREEN, 'Bob (50) in green for Ann');
    await waitColours(b.page, t.rows.Bob, (c) => c.background === LIGHT_GREEN, 'Bob (50) in green for Bob');
    if (size === 'desktop') await screenshot(page, 'decorations-grid');

    // Ann removes the border in the dialog: Bob's grid loses it.
    await page.click('#open-decorations');
    await page.locator('#decorations-dialog .decoration').first().locator('button[aria-label="Remove this colouring"]').click();
    await settled();
    await waitColours(b.page, t.rows.Ann, (c) => c.left === '' && c.background === LIGHT_GREEN, 'the border goes for Bob');
    await page.click('#decorations-dialog .dialog-close');
    // Back again, for the gallery's turn.
    await apiOk('POST', `/api/database/views/${t.grid}/decorations/`, {
      token: ann.token,
      body: { type: 'left_border_color', value_provider_type: 'single_select_color', value_provider_conf: { field_id: view.decorations[0].value_provider_conf.field_id } },
    });

    // The gallery's cards take the gallery's own decorations (a view's own, as in Baserow):
    // the same two, through the API, then painted on the cards.
    for (const d of (await apiOk('GET', `/api/database/views/${t.grid}/decorations/`, { token: ann.token }))) {
      await apiOk('POST', `/api/database/views/${t.gallery}/decorations/`, {
        token: ann.token,
        body: { type: d.type, value_provider_type: d.value_provider_type, value_provider_conf: d.value_provider_conf },
      });
    }
    await page.goto(`${t.path}/${t.gallery}`);
    await page.waitForSelector('body[data-view-ready="true"]');
    const card = (id) => page.locator(`.gallery-card[data-row-id="${id}"]`);
    await page.waitForFunction((id) => document.querySelector(`.gallery-card[data-row-id="${id}"]`)?.classList.contains('deco-background'), t.rows.Ann);
    const annCard = await card(t.rows.Ann).evaluate((n) => ({ left: getComputedStyle(n).borderLeftColor, background: getComputedStyle(n).backgroundColor }));
    assert.deepEqual(annCard, { left: LIGHT_RED, background: LIGHT_GREEN });
    const cidCard = await card(t.rows.Cid).evaluate((n) => ({ decorated: n.classList.contains('deco-left'), background: getComputedStyle(n).backgroundColor }));
    assert.deepEqual(cidCard, { decorated: false, background: LIGHT_GREEN });
    assert.equal(await page.locator('#open-decorations').textContent(), 'Coloured (2)');
    if (size === 'desktop') await screenshot(page, 'decorations-gallery');

    assert.deepEqual(page.errors, []);
    assert.deepEqual(b.page.errors, []);
    await a.context.close();
    await b.context.close();
  });
}
