// The dashboard: create, rename, reorder and delete workspaces, databases and tables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, screenshot, apiOk, assertFitsWidth } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function submitIn(page, scope, action, fill) {
  const menu = page.locator(scope).locator('details.menu').first();
  await menu.locator('summary').click();
  if (fill !== undefined) {
    await menu.locator('input[name=name]').fill(fill);
  }
  await menu.locator(`form[action$="/${action}"] button`).first().click();
  await page.waitForLoadState('load');
}

test('workspaces, databases and tables are created, renamed, reordered and deleted', async () => {
  const user = await signUp();
  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, user);
  await page.goto('/dashboard');
  await page.fill('#new-workspace', 'Acme');
  await page.click('text=Create workspace');
  await page.waitForSelector('.workspace h2:text("Acme")');
  assert.match(await page.locator('.workspace').textContent(), /No databases in this workspace/);

  const ws = page.locator('.workspace').first();
  await ws.locator('input[placeholder="New database name"]').fill('Sales');
  await ws.locator('text=Add database').click();
  await page.waitForSelector('.database h3:text("Sales")');
  const db = page.locator('.database').first();
  for (const name of ['Customers', 'Orders']) {
    await page.locator('.database').first().locator('input[placeholder="New table name"]').fill(name);
    await page.locator('.database').first().locator('text=Add table').click();
    await page.waitForSelector(`.table-item a:text("${name}")`);
  }
  let names = await db.locator('.table-item a').allTextContents();
  assert.deepEqual(names.map((n) => n.trim()), ['Customers', 'Orders']);
  const link = await db.locator('.table-item a').first().getAttribute('href');
  assert.match(link, /^\/database\/\d+\/table\/\d+$/);

  // Move "Orders" up, then rename it.
  // The first form in the menu with action …/move is "Move up".
  await submitIn(page, '.table-item:nth-child(2)', 'move');
  names = await page.locator('.database').first().locator('.table-item a').allTextContents();
  assert.deepEqual(names.map((n) => n.trim()), ['Orders', 'Customers']);
  await submitIn(page, '.table-item:nth-child(1)', 'rename', 'Purchases');
  names = await page.locator('.database').first().locator('.table-item a').allTextContents();
  assert.deepEqual(names.map((n) => n.trim()), ['Purchases', 'Customers']);

  // Rename the workspace and the database.
  await submitIn(page, '.workspace .card-header', 'rename', 'Acme Inc');
  await page.waitForSelector('.workspace h2:text("Acme Inc")');
  await submitIn(page, '.database-header', 'rename', 'Sales 2026');
  await page.waitForSelector('.database h3:text("Sales 2026")');

  // An empty name is refused with a message, and nothing changes.
  await submitIn(page, '.database-header', 'rename', ' ');
  assert.ok(await page.locator('.alert-error').isVisible());
  await page.waitForSelector('.database h3:text("Sales 2026")');
  await screenshot(page, 'dashboard-error');

  await page.goto('/dashboard');
  await screenshot(page, 'dashboard');
  const { page: mobile, context: mctx } = await newPage(browser, 'mobile');
  await logIn(mctx, user);
  await mobile.goto('/dashboard');
  await screenshot(mobile, 'dashboard');
  await assertFitsWidth(mobile);
  await mctx.close();

  // Delete the table (confirming the dialog); it goes to the trash.
  page.once('dialog', (d) => d.accept());
  await submitIn(page, '.table-item:nth-child(1)', 'delete');
  names = await page.locator('.table-item a').allTextContents();
  assert.deepEqual(names.map((n) => n.trim()), ['Customers']);
  const apps = await apiOk('GET', '/api/applications/', { token: user.token });
  assert.deepEqual(apps[0].tables.map((t) => t.name), ['Customers']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('two workspaces can be reordered', async () => {
  const user = await signUp();
  await apiOk('POST', '/api/workspaces/', { token: user.token, body: { name: 'First' } });
  await apiOk('POST', '/api/workspaces/', { token: user.token, body: { name: 'Second' } });
  const { context, page } = await newPage(browser);
  await logIn(context, user);
  await page.goto('/dashboard');
  assert.deepEqual(await page.locator('.workspace h2').allTextContents(), ['First', 'Second']);
  const second = page.locator('.workspace').nth(1).locator('.card-header details.menu');
  await second.locator('summary').click();
  await second.locator('text=Move up').click();
  await page.waitForLoadState('load');
  assert.deepEqual(await page.locator('.workspace h2').allTextContents(), ['Second', 'First']);
  const order = await apiOk('GET', '/api/workspaces/', { token: user.token });
  assert.deepEqual(order.map((w) => w.name), ['Second', 'First']);
  await context.close();
});
