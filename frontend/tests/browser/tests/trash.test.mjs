// The trash page: deleted items listed, restored, and emptied for good.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, createTable, apiOk, screenshot, assertFitsWidth } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a deleted table is restored from the trash; emptying deletes for good', async () => {
  const user = await signUp();
  const ids = await createTable(user, { workspace: 'Trashy', database: 'Stuff', table: 'Old table' });
  const other = await apiOk('POST', `/api/database/tables/database/${ids.databaseId}/`, { token: user.token, body: { name: 'Doomed' } });
  await apiOk('DELETE', `/api/database/tables/${ids.tableId}/`, { token: user.token });
  await apiOk('DELETE', `/api/database/tables/${other.id}/`, { token: user.token });

  const { context, page } = await newPage(browser);
  await logIn(context, user);
  await page.goto('/trash');
  await page.click('.side-nav >> text=Stuff');
  const items = await page.locator('.trash-item strong').allTextContents();
  assert.deepEqual(items.sort(), ['Doomed', 'Old table']);
  await screenshot(page, 'trash');
  await page.locator('.trash-item', { hasText: 'Old table' }).locator('text=Restore').click();
  await page.waitForSelector('text=Restored');
  assert.deepEqual(await page.locator('.trash-item strong').allTextContents(), ['Doomed']);
  const apps = await apiOk('GET', '/api/applications/', { token: user.token });
  assert.deepEqual(apps[0].tables.map((t) => t.name), ['Old table']);

  page.once('dialog', (d) => d.accept());
  await page.click('text=Empty trash');
  await page.waitForSelector('text=The trash was emptied');
  assert.equal(await page.locator('.trash-item').count(), 0);
  assert.match(await page.locator('.card').textContent(), /This trash is empty/);

  const { context: mctx, page: mobile } = await newPage(browser, 'mobile');
  await logIn(mctx, user);
  await mobile.goto('/trash');
  await screenshot(mobile, 'trash');
  await assertFitsWidth(mobile);
  await mctx.close();
  await context.close();
});
