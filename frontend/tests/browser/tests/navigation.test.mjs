// The navigation sidebar of the dashboard and table pages: the tree in the first response
// (scripts off), creating, renaming, duplicating, reordering and deleting databases and
// tables in place, folding remembered, another member's changes arriving live, the phone
// drawer and breadcrumb (with reordering by touch), and renaming a table from its title —
// at both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIZES = ['desktop', 'mobile'];

/** Opens `path` signed in as `user` and waits for the sidebar's script. */
async function open(user, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await ready(page);
  return { context, page };
}

/** Waits for the sidebar's script (on phones the sidebar is in a closed drawer). */
function ready(page) {
  return page.waitForSelector('#sidebar[data-ready="true"]', { state: 'attached' });
}

/** On phones the sidebar is a drawer: opens it (a no-op on desktop). */
async function showSidebar(page) {
  if (await page.locator('#sidebar-open').isVisible()) {
    await page.click('#sidebar-open');
    await page.waitForSelector('#sidebar.open:not(.sliding)');
  }
  await page.locator('#sidebar').waitFor({ state: 'visible' });
}

/**
 * Screenshots at both sizes (support.mjs takes both), from the phone run of a test, whose
 * open drawer shows on the phone picture; the wide picture shows the sidebar beside the page.
 */
async function shoot(page, size, name) {
  if (size === 'mobile') await screenshot(page, name);
}

/** Waits until `read()` (re-run every 100 ms) deep-equals `expected`. */
async function eventually(read, expected, what) {
  const deadline = Date.now() + 15000;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    try {
      assert.deepEqual(last, expected);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.deepEqual(last, expected, what);
}

/** The sidebar's table names in a database, in order. */
function tableNames(page, databaseId) {
  return page.locator(`#sidebar .nav-database[data-database-id="${databaseId}"] .nav-table > .nav-row .nav-label`).allTextContents();
}

/** The sidebar's database names in a workspace, in order. */
function databaseNames(page, workspaceId) {
  return page.locator(`#sidebar .nav-workspace[data-workspace-id="${workspaceId}"] .nav-database > .nav-row .nav-label`).allTextContents();
}

async function apiTableNames(user, databaseId) {
  const tables = await apiOk('GET', `/api/database/tables/database/${databaseId}/`, { token: user.token });
  return tables.map((t) => t.name);
}

/** Chooses `action` in the "⋯" menu of the sidebar item named `name`. */
async function menu(page, name, action) {
  await page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** Drags `source` by the mouse, in steps, onto the upper part of `target`. */
async function drag(page, source, target) {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  await page.mouse.move(from.x + 40, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 44, from.y + from.height / 2 - 4, { steps: 2 });
  await page.mouse.move(to.x + 40, to.y + 4, { steps: 6 });
  await page.mouse.move(to.x + 42, to.y + 3);
  await page.mouse.up();
}

/** Makes `member` a member of `owner`'s workspace. */
async function share(owner, workspaceId, member) {
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${workspaceId}/`, {
    token: owner.token,
    body: { email: member.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: member.token, body: {} });
}

test('the sidebar is in the first response, with the current table and view marked (scripts off)', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { workspaceId, databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
  const other = await apiOk('POST', `/api/database/tables/database/${databaseId}/`, { token: ann.token, body: { name: 'Orders' } });
  const views = await apiOk('GET', `/api/database/views/table/${tableId}/`, { token: ann.token });

  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: baseUrl });
  await logIn(context, ann);
  const page = await context.newPage();
  await page.goto(`/database/${databaseId}/table/${tableId}`);
  const sidebar = page.locator('#sidebar');
  assert.equal(await sidebar.locator(`.nav-workspace[data-workspace-id="${workspaceId}"] > .nav-row`).textContent().then((t) => t.trim()), 'Acme');
  assert.deepEqual(await tableNames(page, databaseId), ['Customers', 'Orders']);
  const current = sidebar.locator('.nav-link[aria-current="true"]');
  assert.equal(await current.count(), 1);
  assert.equal(await current.getAttribute('href'), `/database/${databaseId}/table/${tableId}`);
  const view = sidebar.locator('.nav-view[aria-current="page"]');
  assert.equal((await view.textContent()).trim(), views[0].name);
  assert.equal(await view.getAttribute('href'), `/database/${databaseId}/table/${tableId}/${views[0].id}`);
  // Without scripts the actions stay hidden rather than doing nothing, and links work.
  assert.equal(await sidebar.locator('[data-nav-menu]:visible, [data-nav-add]:visible').count(), 0);
  await sidebar.getByRole('link', { name: 'Orders' }).click();
  await page.waitForURL(`**/database/${databaseId}/table/${other.id}`);
  assert.equal(await page.locator('#table-name').textContent(), 'Orders');
  await page.goto('/dashboard');
  assert.deepEqual(await tableNames(page, databaseId), ['Customers', 'Orders']);
  assert.equal(await page.locator('#sidebar .nav-link[aria-current]').count(), 0, 'no table is current on the dashboard');
  await context.close();

  for (const size of SIZES) {
    const { context: c, page: p } = await open(ann, `/database/${databaseId}/table/${tableId}`, size);
    await showSidebar(p);
    assert.equal(await p.locator('#sidebar .nav-link[aria-current="true"] .nav-label').textContent(), 'Customers');
    await shoot(p, size, 'navigation-table');
    assert.deepEqual(p.errors, []);
    await c.close();
  }
});

for (const size of SIZES) {
  test(`databases and tables are created, renamed, duplicated, reordered and deleted from the sidebar (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const { workspaceId, databaseId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
    const { context, page } = await open(ann, '/dashboard', size);
    await showSidebar(page);
    await shoot(page, size, 'navigation-dashboard');

    // A new database appears in place; an empty name is refused in words.
    await page.locator(`#sidebar .nav-workspace[data-workspace-id="${workspaceId}"] [data-nav-add="database"]`).click();
    const dbName = page.getByRole('textbox', { name: 'New database name' });
    await dbName.fill('   ');
    await dbName.press('Enter');
    await page.getByText('The name may not be blank.').waitFor();
    await dbName.fill('Marketing');
    await dbName.press('Enter');
    await eventually(() => databaseNames(page, workspaceId), ['Sales', 'Marketing'], 'the new database is listed');
    const apps = await apiOk('GET', `/api/applications/workspace/${workspaceId}/`, { token: ann.token });
    assert.deepEqual(apps.map((a) => a.name), ['Sales', 'Marketing']);
    const marketing = apps[1].id;

    // A new table opens once created.
    await page.locator(`#sidebar .nav-database[data-database-id="${databaseId}"] [data-nav-add="table"]`).click();
    const tableName = page.getByRole('textbox', { name: 'New table name' });
    await tableName.fill('Orders');
    await tableName.press('Enter');
    await page.waitForURL(/\/database\/\d+\/table\/\d+$/);
    await ready(page);
    assert.equal(await page.locator('#table-name').textContent(), 'Orders');
    assert.deepEqual(await apiTableNames(ann, databaseId), ['Customers', 'Orders']);
    await showSidebar(page);
    assert.equal(await page.locator('#sidebar .nav-link[aria-current="true"] .nav-label').textContent(), 'Orders');

    // Rename in place: Escape cancels, Enter saves; a refused name says why and changes nothing.
    await menu(page, 'Customers', 'Rename');
    const rename = page.getByRole('textbox', { name: 'New name of Customers' });
    await rename.fill('Nope');
    await rename.press('Escape');
    assert.deepEqual(await tableNames(page, databaseId), ['Customers', 'Orders']);
    await menu(page, 'Customers', 'Rename');
    await rename.fill('');
    await rename.press('Enter');
    await page.getByText('The name may not be blank.').waitFor();
    assert.deepEqual(await apiTableNames(ann, databaseId), ['Customers', 'Orders']);
    await shoot(page, size, 'navigation-rename-error');
    await rename.fill('Clients');
    await rename.press('Enter');
    await eventually(() => tableNames(page, databaseId), ['Clients', 'Orders']);
    assert.deepEqual(await apiTableNames(ann, databaseId), ['Clients', 'Orders']);

    // Duplicate: a job; the copy appears when it is done.
    await menu(page, 'Clients', 'Duplicate');
    await eventually(() => tableNames(page, databaseId), ['Clients', 'Orders', 'Clients 2'], 'the copy is listed');
    // The progress line goes once the job is seen finished (the copy may be announced first).
    await page.locator('#sidebar-error').waitFor({ state: 'hidden' });
    assert.deepEqual(await apiTableNames(ann, databaseId), ['Clients', 'Orders', 'Clients 2']);

    // Reorder: "Move up" from the menu, then by dragging.
    await menu(page, 'Clients 2', 'Move up');
    await eventually(() => apiTableNames(ann, databaseId), ['Clients', 'Clients 2', 'Orders']);
    assert.deepEqual(await tableNames(page, databaseId), ['Clients', 'Clients 2', 'Orders']);
    const row = (name) => page.locator(`#sidebar .nav-table:has(> .nav-row .nav-label:text-is("${name}"))`);
    await drag(page, row('Orders').locator(':scope > .nav-row'), row('Clients').locator(':scope > .nav-row'));
    await eventually(() => apiTableNames(ann, databaseId), ['Orders', 'Clients', 'Clients 2'], 'the dragged order is saved');
    assert.deepEqual(await tableNames(page, databaseId), ['Orders', 'Clients', 'Clients 2']);
    // Databases reorder the same way.
    const dbRow = (id) => page.locator(`#sidebar .nav-database[data-database-id="${id}"]`);
    await drag(page, dbRow(marketing).locator(':scope > .nav-row'), dbRow(databaseId).locator(':scope > .nav-row'));
    await eventually(async () => (await apiOk('GET', `/api/applications/workspace/${workspaceId}/`, { token: ann.token })).map((a) => a.name), ['Marketing', 'Sales']);
    assert.deepEqual(await databaseNames(page, workspaceId), ['Marketing', 'Sales']);

    // Delete asks first; cancelling keeps the table.
    await menu(page, 'Clients 2', 'Delete');
    const dialog = page.locator('#nav-delete-dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Delete “Clients 2”\?/);
    await shoot(page, size, 'navigation-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(await tableNames(page, databaseId), ['Orders', 'Clients', 'Clients 2']);
    await menu(page, 'Clients 2', 'Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => tableNames(page, databaseId), ['Orders', 'Clients']);
    assert.deepEqual(await apiTableNames(ann, databaseId), ['Orders', 'Clients']);
    // A database duplicates the same way: the copy, with its tables, comes last.
    await menu(page, 'Sales', 'Duplicate');
    await eventually(() => databaseNames(page, workspaceId), ['Marketing', 'Sales', 'Sales 2'], 'the copy is listed');
    await page.locator('#sidebar-error').waitFor({ state: 'hidden' });
    const withCopy = await apiOk('GET', `/api/applications/workspace/${workspaceId}/`, { token: ann.token });
    const salesCopy = withCopy.find((a) => a.name === 'Sales 2');
    assert.deepEqual(salesCopy.tables.map((t) => t.name), ['Orders', 'Clients']);
    await eventually(() => tableNames(page, salesCopy.id), ['Orders', 'Clients'], 'with its tables');
    await shoot(page, size, 'navigation-duplicated-database');
    // Deleting the database of the table shown goes back to the dashboard.
    await menu(page, 'Sales', 'Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL('**/dashboard');
    const left = await apiOk('GET', `/api/applications/workspace/${workspaceId}/`, { token: ann.token });
    assert.deepEqual(left.map((a) => a.name), ['Marketing', 'Sales 2']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('folded workspaces and databases stay folded, except around the table shown', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { workspaceId, databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
  for (const size of SIZES) {
    const { context, page } = await open(ann, '/dashboard', size);
    await showSidebar(page);
    const dbFold = page.locator(`#sidebar .nav-database[data-database-id="${databaseId}"] > .nav-row .nav-fold`);
    const wsFold = page.locator(`#sidebar .nav-workspace[data-workspace-id="${workspaceId}"] > .nav-row .nav-fold`);
    await dbFold.click();
    assert.equal(await dbFold.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#sidebar').getByRole('link', { name: 'Customers' }).isVisible(), false);
    await wsFold.click();
    assert.equal(await dbFold.isVisible(), false);
    await page.reload();
    await ready(page);
    await showSidebar(page);
    assert.equal(await wsFold.getAttribute('aria-expanded'), 'false', 'the workspace is still folded');
    await wsFold.click();
    assert.equal(await dbFold.getAttribute('aria-expanded'), 'false', 'the database is still folded');
    await shoot(page, size, 'navigation-folded');
    // The table page opens the folds around its table (without forgetting them).
    await page.goto(`/database/${databaseId}/table/${tableId}`);
    await ready(page);
    await showSidebar(page);
    assert.equal(await dbFold.getAttribute('aria-expanded'), 'true');
    assert.ok(await page.locator('#sidebar .nav-link[aria-current="true"]').isVisible());
    await dbFold.click();
    await dbFold.click();
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

for (const size of SIZES) {
  test(`another member's changes to tables and databases appear live (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const bob = await signUp({ name: 'Bob' });
    const { workspaceId, databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
    await share(ann, workspaceId, bob);
    const annPage = await open(ann, '/dashboard', 'desktop');
    const bobPage = await open(bob, `/database/${databaseId}/table/${tableId}`, size);
    const bobs = bobPage.page;
    await bobs.waitForSelector('#live-status[data-state="live"]');

    // Ann creates a database and a table from her sidebar; Bob's sidebar lists them.
    const ann_ = annPage.page;
    await ann_.locator(`#sidebar .nav-workspace[data-workspace-id="${workspaceId}"] [data-nav-add="database"]`).click();
    await ann_.getByRole('textbox', { name: 'New database name' }).fill('Marketing');
    await ann_.getByRole('textbox', { name: 'New database name' }).press('Enter');
    await eventually(() => databaseNames(bobs, workspaceId), ['Sales', 'Marketing'], 'the new database appears');
    await ann_.locator(`#sidebar .nav-database[data-database-id="${databaseId}"] [data-nav-add="table"]`).click();
    await ann_.getByRole('textbox', { name: 'New table name' }).fill('Orders');
    await ann_.getByRole('textbox', { name: 'New table name' }).press('Enter');
    await ann_.waitForURL(/\/table\/\d+$/);
    await ready(ann_);
    await eventually(() => tableNames(bobs, databaseId), ['Customers', 'Orders'], 'the new table appears');

    // Renames: of Bob's current table (title, sidebar, breadcrumb) and of the database.
    await menu(ann_, 'Customers', 'Rename');
    await ann_.getByRole('textbox', { name: 'New name of Customers' }).fill('Clients');
    await ann_.getByRole('textbox', { name: 'New name of Customers' }).press('Enter');
    await eventually(() => tableNames(bobs, databaseId), ['Clients', 'Orders'], 'the rename appears');
    await eventually(() => bobs.locator('#table-name').textContent(), 'Clients');
    await eventually(() => bobs.locator('.breadcrumb [aria-current="page"]').textContent(), 'Clients');
    await menu(ann_, 'Sales', 'Rename');
    await ann_.getByRole('textbox', { name: 'New name of Sales' }).fill('Revenue');
    await ann_.getByRole('textbox', { name: 'New name of Sales' }).press('Enter');
    await eventually(() => databaseNames(bobs, workspaceId), ['Revenue', 'Marketing'], 'the database rename appears');

    // Reorders of tables and of databases.
    await menu(ann_, 'Orders', 'Move up');
    await eventually(() => tableNames(bobs, databaseId), ['Orders', 'Clients'], 'the table order follows');
    await menu(ann_, 'Marketing', 'Move up');
    await eventually(() => databaseNames(bobs, workspaceId), ['Marketing', 'Revenue'], 'the database order follows');
    await showSidebar(bobs);
    await shoot(bobs, size, 'navigation-live');

    // Deletes of a table and a database.
    await menu(ann_, 'Orders', 'Delete');
    await ann_.locator('#nav-delete-dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(() => tableNames(bobs, databaseId), ['Clients'], 'the deleted table goes');
    await menu(ann_, 'Marketing', 'Delete');
    await ann_.locator('#nav-delete-dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(() => databaseNames(bobs, workspaceId), ['Revenue'], 'the deleted database goes');
    assert.deepEqual(bobs.errors, []);
    assert.deepEqual(ann_.errors, []);
    await annPage.context.close();
    await bobPage.context.close();
  });
}

test('on phones the sidebar is a drawer and the table page shows a breadcrumb', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
  const path = `/database/${databaseId}/table/${tableId}`;

  const { context: dc, page: desktop } = await open(ann, path, 'desktop');
  assert.ok(await desktop.locator('#sidebar').isVisible(), 'the sidebar sits beside the page');
  assert.equal(await desktop.locator('#sidebar-open').isVisible(), false, 'no menu button on wide screens');
  assert.equal(await desktop.locator('.breadcrumb').isVisible(), false, 'the sidebar says where the table is');
  const box = await desktop.locator('#sidebar').boundingBox();
  assert.ok(box.width >= 200 && box.width <= 260, `the sidebar is ${box.width}px wide`);
  await dc.close();

  const { context, page } = await open(ann, path, 'mobile');
  assert.equal(await page.locator('#sidebar').isVisible(), false, 'the drawer starts closed');
  const crumbs = await page.locator('.breadcrumb li').allTextContents();
  assert.deepEqual(crumbs.map((c) => c.trim()), ['Acme', 'Sales', 'Customers']);
  assert.ok(await page.locator('.breadcrumb').isVisible());
  await screenshot(page, 'navigation-breadcrumb');
  const button = page.getByRole('button', { name: 'Open navigation' });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  await button.click();
  await page.locator('#sidebar').waitFor({ state: 'visible' });
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sidebar-close', 'the focus moves into the drawer');
  await page.keyboard.press('Escape');
  await page.locator('#sidebar').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sidebar-open');
  await button.click();
  await page.locator('.sidebar-backdrop').click({ position: { x: 370, y: 400 } });
  await page.locator('#sidebar').waitFor({ state: 'hidden' });
  await button.click();
  await page.getByRole('button', { name: 'Close navigation' }).click();
  await page.locator('#sidebar').waitFor({ state: 'hidden' });
  // Following a link from the drawer goes there.
  await button.click();
  await page.locator('#sidebar .nav-view').first().click();
  await page.waitForURL(/\/table\/\d+\/\d+$/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** A finger's path on a touch screen (CDP touch events: Playwright only taps). */
async function touchPath(cdp, points, holdMs) {
  const at = ([x, y]) => [{ x, y, radiusX: 4, radiusY: 4, force: 1, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(points[0]) });
  await new Promise((r) => setTimeout(r, holdMs));
  for (const point of points.slice(1)) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(point) });
    await new Promise((r) => setTimeout(r, 30));
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('on a touch screen a table held a moment is dragged to its place; a quick swipe only scrolls', async () => {
  const ann = await signUp({ name: 'Ann' });
  const { databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
  for (const name of ['Orders', 'Invoices']) {
    await apiOk('POST', `/api/database/tables/database/${databaseId}/`, { token: ann.token, body: { name } });
  }
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: baseUrl, hasTouch: true, isMobile: true });
  await logIn(context, ann);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`/database/${databaseId}/table/${tableId}`);
  await ready(page);
  await page.getByRole('button', { name: 'Open navigation' }).tap();
  await page.waitForSelector('#sidebar.open:not(.sliding)');
  const cdp = await context.newCDPSession(page);
  const centre = async (name) => {
    const box = await page.locator(`#sidebar .nav-table:has(> .nav-row .nav-label:text-is("${name}")) > .nav-row`).boundingBox();
    return [box.x + box.width / 2, box.y + box.height / 2, box.height];
  };

  // A quick swipe over the list moves nothing and opens nothing.
  const [x, y] = await centre('Invoices');
  await touchPath(cdp, [[x, y], [x, y - 20], [x, y - 40], [x, y - 60]], 20);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await apiTableNames(ann, databaseId), ['Customers', 'Orders', 'Invoices']);
  assert.deepEqual(await tableNames(page, databaseId), ['Customers', 'Orders', 'Invoices']);
  assert.match(page.url(), new RegExp(`/table/${tableId}$`), 'the swipe followed no link');

  // Held for a moment, Invoices is picked up, carried above Customers and saved there.
  const [ix, iy] = await centre('Invoices');
  const [, cy, height] = await centre('Customers');
  const steps = [[ix, iy]];
  for (let i = 1; i <= 8; i += 1) steps.push([ix, iy + ((cy - height / 4) - iy) * (i / 8)]);
  await touchPath(cdp, steps, 600);
  await eventually(() => apiTableNames(ann, databaseId), ['Invoices', 'Customers', 'Orders'], 'the order dragged by touch is saved');
  assert.deepEqual(await tableNames(page, databaseId), ['Invoices', 'Customers', 'Orders']);
  assert.match(page.url(), new RegExp(`/table/${tableId}$`), 'the release followed no link');
  assert.equal(await page.locator('#sidebar .dragging, #sidebar.reordering').count(), 0, 'nothing stays picked up');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const size of SIZES) {
  test(`a table is renamed from its title (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const { databaseId, tableId } = await createTable(ann, { workspace: 'Acme', database: 'Sales', table: 'Customers' });
    const { context, page } = await open(ann, `/database/${databaseId}/table/${tableId}`, size);
    const title = page.locator('#table-name');
    const field = page.getByRole('textbox', { name: 'Table name' });
    const apiName = async () => (await apiOk('GET', `/api/database/tables/${tableId}/`, { token: ann.token })).name;

    await title.click();
    await field.fill('Nope');
    await field.press('Escape');
    assert.equal(await title.textContent(), 'Customers');
    assert.ok(await title.isVisible());
    assert.equal(await apiName(), 'Customers');

    await title.click();
    await field.fill('');
    await field.press('Enter');
    await page.getByText('The name may not be blank.').waitFor();
    await field.fill('Bad\u0000name');
    await field.press('Enter');
    await page.getByText('Null characters are not allowed.').waitFor();
    assert.equal(await apiName(), 'Customers');
    await shoot(page, size, 'navigation-title-error');

    await field.fill('Clients');
    await field.press('Enter');
    await eventually(() => title.textContent(), 'Clients');
    assert.equal(await apiName(), 'Clients');
    assert.equal(await page.title(), 'Clients · Tessera');
    assert.deepEqual(await tableNames(page, databaseId), ['Clients']);
    if (size === 'mobile') {
      assert.equal((await page.locator('.breadcrumb [aria-current="page"]').textContent()).trim(), 'Clients');
    }
    // The keyboard way in: focus the title, Enter.
    await title.focus();
    await page.keyboard.press('Enter');
    await field.waitFor();
    await field.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'table-name');
    await shoot(page, size, 'navigation-title');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

/** The sidebar's workspace names, in order. */
function workspaceNames(page) {
  return page.locator('#sidebar .nav-workspace > .nav-row .nav-label').allTextContents();
}

async function apiWorkspaceNames(user) {
  const workspaces = await apiOk('GET', '/api/workspaces/', { token: user.token });
  return workspaces.map((w) => w.name);
}

for (const size of SIZES) {
  test(`workspaces are created, renamed, opened for members and deleted from the sidebar (${size})`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const { workspaceId } = await createTable(ann, { workspace: 'Acme' });
    const { context, page } = await open(ann, '/dashboard', size);
    await showSidebar(page);

    // A new workspace appears in place, ready for a database.
    await page.click('#sidebar [data-nav-add="workspace"]');
    const name = page.getByRole('textbox', { name: 'New workspace name' });
    await name.fill('  ');
    await name.press('Enter');
    await page.getByText('The name may not be blank.').waitFor();
    await name.fill('Side projects');
    await name.press('Enter');
    await eventually(() => workspaceNames(page), ['Acme', 'Side projects'], 'the new workspace is listed');
    assert.deepEqual(await apiWorkspaceNames(ann), ['Acme', 'Side projects']);
    const created = (await apiOk('GET', '/api/workspaces/', { token: ann.token }))[1].id;
    await page.locator(`#sidebar .nav-workspace[data-workspace-id="${created}"] [data-nav-add="database"]`).click();
    await page.getByRole('textbox', { name: 'New database name' }).fill('Ideas');
    await page.getByRole('textbox', { name: 'New database name' }).press('Enter');
    await eventually(() => databaseNames(page, created), ['Ideas'], 'the database is in the new workspace');

    // Rename from the workspace's menu.
    await menu(page, 'Side projects', 'Rename');
    const rename = page.getByRole('textbox', { name: 'New name of Side projects' });
    await rename.fill('Hobbies');
    await rename.press('Enter');
    await eventually(() => workspaceNames(page), ['Acme', 'Hobbies']);
    assert.deepEqual(await apiWorkspaceNames(ann), ['Acme', 'Hobbies']);
    await shoot(page, size, 'navigation-workspaces');

    // Delete after a confirmation: it goes from the sidebar and the API.
    await menu(page, 'Hobbies', 'Delete');
    await page.getByText('Delete “Hobbies”?').waitFor();
    await page.locator('#nav-delete-dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await eventually(() => workspaceNames(page), ['Acme']);
    assert.deepEqual(await apiWorkspaceNames(ann), ['Acme']);

    // "Members" opens the workspace's members page.
    await menu(page, 'Acme', 'Members');
    await page.waitForURL(new RegExp(`/workspace/${workspaceId}/members$`));
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
