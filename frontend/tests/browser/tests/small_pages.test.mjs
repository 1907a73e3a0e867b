// Smaller pages at both sizes: the webhook form's refusal of a private address, the trash
// and dashboard with long names on a phone, and the shared grid's title and cells.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, createTable, apiOk, screenshot, assertFitsWidth, SIZES, baseUrl } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const size of ['desktop', 'mobile']) {
  test(`the webhook form explains a refused private address and names the setting (${size})`, async () => {
    const user = await signUp();
    const ids = await createTable(user, { workspace: 'Hooks', database: 'DB', table: 'Leads' });
    const { context, page } = await newPage(browser, size);
    await logIn(context, user);
    await page.goto(`/settings/webhooks?table=${ids.tableId}`);
    await page.fill('#webhook-name', 'Intranet');
    await page.fill('#webhook-url', 'http://10.0.0.1/hook');
    await page.click('text=Add webhook');
    const error = await page.locator('.field.has-error .field-error').textContent();
    assert.match(error, /10\.0\.0\.1 is a private or local network address/);
    assert.match(error, /TESSERA_ALLOW_PRIVATE_ADDRESSES=1/);
    assert.match(error, /TESSERA_OUTBOUND_ALLOWED_ADDRESSES/);
    assert.equal(await page.locator('#webhook-url').inputValue(), 'http://10.0.0.1/hook');
    const hooks = await apiOk('GET', `/api/database/webhooks/table/${ids.tableId}/`, { token: user.token });
    assert.equal(hooks.length, 0);
    if (size === 'desktop') await screenshot(page, 'webhook-private-address');
    else await assertFitsWidth(page);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

const LONG_WORKSPACE = 'Quarterly_planning_for_the_north_western_regional_sales_organisation';
const LONG_DATABASE = 'Customer relationship database with a needlessly descriptive name';
const LONG_TABLE = 'Supercalifragilisticexpialidocious_table_of_everything_we_ever_sold';

test('long workspace, database and table names fit the trash and the dashboard on a phone', async () => {
  const user = await signUp();
  const ids = await createTable(user, { workspace: LONG_WORKSPACE, database: LONG_DATABASE, table: LONG_TABLE });
  const kept = await apiOk('POST', `/api/database/tables/database/${ids.databaseId}/`, { token: user.token, body: { name: `${LONG_TABLE}_kept` } });
  await apiOk('DELETE', `/api/database/tables/${ids.tableId}/`, { token: user.token });
  const { context, page } = await newPage(browser, 'mobile');
  await logIn(context, user);

  await page.goto(`/trash?workspace=${ids.workspaceId}&application=${ids.databaseId}`);
  assert.equal(await page.locator('.trash-item strong').textContent(), LONG_TABLE);
  assert.equal(await page.locator('.side-nav a[aria-current=page]').textContent(), LONG_DATABASE);
  await assertFitsWidth(page);
  await screenshot(page, 'trash-phone-long-names');
  // Every name stays inside the window: cut with an ellipsis or wrapped, never off screen.
  const overflowing = await page.evaluate(() =>
    [...document.querySelectorAll('.side-nav a, .trash-item strong, .card-header h2')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth)
      .map((el) => el.textContent));
  assert.deepEqual(overflowing, []);

  await page.goto('/dashboard');
  assert.equal(await page.locator(`#t-${kept.id} a`).textContent(), `${LONG_TABLE}_kept`);
  await assertFitsWidth(page);
  await screenshot(page, 'trash-phone-dashboard-long-names');
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** A shared grid of a table named "Product launches" with a select, a multiple select and a rating. */
async function sharedGrid() {
  const user = await signUp();
  const ids = await createTable(user, { table: 'Product launches' });
  const token = user.token;
  const stage = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, {
    token,
    body: { name: 'Stage', type: 'single_select', select_options: [{ value: 'Planned', color: 'blue' }, { value: 'Shipped', color: 'green' }] },
  });
  const tags = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, {
    token,
    body: { name: 'Tags', type: 'multiple_select', select_options: [{ value: 'Urgent', color: 'red' }, { value: 'Web', color: 'purple' }] },
  });
  await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body: { name: 'Score', type: 'rating', max_value: 5, color: 'dark-orange', style: 'star' } });
  const rows = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/`, { token });
  for (const row of rows.results) {
    await apiOk('DELETE', `/api/database/rows/table/${ids.tableId}/${row.id}/`, { token });
  }
  const [planned, shipped] = stage.select_options;
  const [urgent, web] = tags.select_options;
  const items = [];
  for (let n = 1; n <= 12; n += 1) {
    items.push({ Name: `Launch ${n}`, Stage: n % 2 ? planned.id : shipped.id, Tags: n % 3 ? [urgent.id, web.id] : [web.id], Score: n % 6 });
  }
  await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/?user_field_names=true`, { token, body: { items } });
  const views = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token });
  const grid = views.find((v) => v.type === 'grid');
  const shared = await apiOk('PATCH', `/api/database/views/${grid.id}/`, { token, body: { public: true, name: 'Launch board' } });
  return shared.slug;
}

for (const size of ['desktop', 'mobile']) {
  test(`a shared grid is titled by its table and shows options in colour and ratings as marks (${size})`, async () => {
    const slug = await sharedGrid();
    const { context, page } = await newPage(browser, size);
    await page.goto(`/public/grid/${slug}`);
    assert.equal(await page.locator('h1').textContent(), 'Product launches');
    assert.match(await page.locator('.view-name').textContent(), /Launch board/);
    assert.equal(await page.title(), 'Product launches · Tessera');

    const first = page.locator('#public-grid tbody tr').first();
    const chips = await first.locator('.chip').evaluateAll((els) => els.map((el) => [el.textContent, el.className]));
    assert.deepEqual(chips, [
      ['Planned', 'chip chip-blue'],
      ['Urgent', 'chip chip-red'],
      ['Web', 'chip chip-purple'],
    ]);
    // The chip's colour is the option's, not the plain badge's.
    const background = await first.locator('.chip-blue').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(background, 'rgb(219, 232, 255)');
    // Score 1 of 5: five marks, one lit.
    assert.equal(await first.locator('.stars .star').count(), 5);
    assert.equal(await first.locator('.stars .star.lit').count(), 1);
    assert.equal(await first.locator('.stars').getAttribute('aria-label'), '1 of 5');

    // Row numbers stay whole on one line, in a column no wider than they need.
    const numbers = await page.locator('#public-grid tbody td.row-number').evaluateAll((tds) =>
      tds.map((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        return { text: td.textContent.trim(), lines: range.getClientRects().length, width: td.getBoundingClientRect().width };
      }));
    assert.deepEqual(numbers.map((n) => n.text), Array.from({ length: 12 }, (_, i) => String(i + 1)));
    for (const n of numbers) {
      assert.equal(n.lines, 1, `row number ${n.text} is on one line`);
      assert.ok(n.width < 80, `row number column is ${n.width}px wide`);
    }
    if (size === 'desktop') await screenshot(page, 'public-grid-cells');
    else await assertFitsWidth(page);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('the table toolbar keeps to one line at 1280 px with a long name, which is cut and whole on hover', async () => {
  const user = await signUp({ name: 'Ann Lee' });
  const ids = await createTable(user, { workspace: 'W', database: 'D', table: LONG_TABLE });
  const table = await apiOk('GET', `/api/database/tables/${ids.tableId}/`, { token: user.token });
  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, user);
  await page.goto(`/database/${table.database_id}/table/${ids.tableId}`);
  await page.waitForSelector('body[data-grid-ready="true"]');
  const tops = await page.locator('.table-toolbar > .btn').evaluateAll((buttons) =>
    buttons.map((b) => Math.round(b.getBoundingClientRect().top)));
  assert.ok(tops.length >= 8, `toolbar buttons: ${tops.length}`);
  assert.equal(new Set(tops).size, 1, `the buttons sit on one line: ${tops}`);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `the page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  const title = page.locator('#table-name');
  assert.ok((await title.getAttribute('title')).startsWith(LONG_TABLE), 'the whole name on hover');
  assert.ok(await title.evaluate((h) => h.scrollWidth > h.clientWidth), 'the long name is cut');
  await screenshot(page, 'table-toolbar-long-name');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the grid header the server sends is laid out as the script draws it (nothing shifts)', async () => {
  const user = await signUp({ name: 'Ann Lee' });
  const ids = await createTable(user, { workspace: 'W', database: 'D', table: 'Orders' });
  const table = await apiOk('GET', `/api/database/tables/${ids.tableId}/`, { token: user.token });
  const path = `/database/${table.database_id}/table/${ids.tableId}`;
  const names = (page) => page.locator('#grid thead .field-name-text').evaluateAll((spans) =>
    spans.map((s) => ({ text: s.textContent, left: Math.round(s.getBoundingClientRect().left) })));

  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: SIZES.desktop, baseURL: baseUrl });
  await logIn(plain, user);
  const before = await plain.newPage();
  await before.goto(path);
  const served = await names(before);
  await plain.close();

  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  const drawn = await names(page);
  assert.deepEqual(served.map((n) => n.text), ['Name', 'Notes', 'Active']);
  assert.deepEqual(served, drawn);
  await context.close();
});
