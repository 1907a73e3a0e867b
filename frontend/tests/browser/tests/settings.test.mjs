// Settings: account name and password, API tokens, webhooks with their call log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, logIn, createTable, apiOk, apiCall, screenshot, assertFitsWidth, baseUrl } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('account: the name is saved and a password change keeps this browser signed in', async () => {
  const user = await signUp({ name: 'Old Name' });
  const { context, page } = await newPage(browser);
  await logIn(context, user);
  await page.goto('/settings');
  await page.waitForURL('**/settings/account');
  await page.fill('#name', 'New Name');
  await page.click('text=Save name');
  assert.match(await page.locator('.alert-success').textContent(), /name was saved/);
  assert.equal(await page.locator('.user-name').textContent(), 'New Name');

  await page.fill('#old_password', 'wrong-password');
  await page.fill('#new_password', 'new-password-456');
  await page.click('text=Change password');
  assert.match(await page.locator('.field-error').first().textContent(), /current password is incorrect/);
  await screenshot(page, 'settings-account-error');

  await page.fill('#old_password', user.password);
  await page.fill('#new_password', 'new-password-456');
  await page.click('text=Change password');
  assert.match(await page.locator('.alert-success').textContent(), /password was changed/);
  // This browser got a new session; the old token (other browsers) no longer works.
  await page.goto('/dashboard');
  assert.match(page.url(), /\/dashboard$/);
  const old = await apiCall('POST', '/api/user/token-refresh/', { body: { refresh_token: user.refresh } });
  assert.equal(old.status, 401);
  await screenshot(page, 'settings-account');
  await context.close();
});

test('API tokens: created with the key shown once, listed, deleted', async () => {
  const user = await signUp();
  const ids = await createTable(user, { workspace: 'Tokens WS' });
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    await logIn(context, user);
    await page.goto('/settings/tokens');
    if (size === 'mobile') {
      await screenshot(page, 'settings-tokens');
      await assertFitsWidth(page);
      await context.close();
      continue;
    }
    assert.match(await page.locator('.card').first().textContent(), /no tokens yet/);
    await page.fill('#token-name', 'Reporting');
    await page.click('text=Create token');
    const key = (await page.locator('#new-token').textContent()).trim();
    assert.ok(key.length > 20);
    const withKey = await fetch(`${baseUrl}/api/database/rows/table/${ids.tableId}/`, { headers: { Authorization: `Token ${key}` } });
    assert.equal(withKey.status, 200);
    await screenshot(page, 'settings-tokens');
    await page.goto('/settings/tokens');
    assert.equal(await page.locator('#new-token').count(), 0, 'the key is shown once only');
    assert.match(await page.locator('tbody').textContent(), /Reporting/);
    page.once('dialog', (d) => d.accept());
    await page.click('tbody >> text=Delete');
    await page.waitForSelector('text=The token was deleted');
    const after = await fetch(`${baseUrl}/api/database/rows/table/${ids.tableId}/`, { headers: { Authorization: `Token ${key}` } });
    assert.equal(after.status, 401);
    await context.close();
  }
});

test('webhooks: added to a table, their calls are listed, deleted', async () => {
  const user = await signUp();
  const ids = await createTable(user, { workspace: 'Hooks', database: 'DB', table: 'Leads' });
  const { context, page } = await newPage(browser);
  await logIn(context, user);
  await page.goto('/settings/webhooks');
  await page.selectOption('#webhook-table', String(ids.tableId));
  await page.click('text=Show webhooks');
  assert.match(await page.locator('.empty-state').textContent(), /No webhooks on this table/);
  await page.fill('#webhook-name', 'Not a URL');
  await page.fill('#webhook-url', 'not a url');
  await page.click('text=Add webhook');
  assert.ok(await page.locator('.alert-error').isVisible());
  await page.fill('#webhook-name', 'CRM');
  await page.fill('#webhook-url', 'http://127.0.0.1:9/hook');
  await page.click('text=Add webhook');
  assert.match(await page.locator('#new-secret').textContent(), /^whsec_/);
  // A change to the table triggers a call, which the log shows (the target refuses it).
  await apiOk('POST', `/api/database/rows/table/${ids.tableId}/`, { token: user.token, body: {} });
  let logged = false;
  for (let i = 0; i < 40 && !logged; i++) {
    await new Promise((r) => setTimeout(r, 500));
    await page.goto(`/settings/webhooks?table=${ids.tableId}`);
    logged = (await page.locator('.webhook tbody tr').count()) > 0;
  }
  if (!logged) {
    const hooks = await apiOk('GET', `/api/database/webhooks/table/${ids.tableId}/`, { token: user.token });
    assert.fail(`the call did not appear in the log: ${JSON.stringify(hooks)}`);
  }
  assert.match(await page.locator('.webhook tbody').textContent(), /rows\.created/);
  await screenshot(page, 'settings-webhooks');
  page.once('dialog', (d) => d.accept());
  await page.click('.webhook >> text=Delete');
  await page.waitForSelector('text=The webhook was deleted');
  const hooks = await apiOk('GET', `/api/database/webhooks/table/${ids.tableId}/`, { token: user.token });
  assert.equal(hooks.length, 0);
  await context.close();
});
