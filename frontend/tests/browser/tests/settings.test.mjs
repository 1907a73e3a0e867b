// Settings: account name and password, API tokens, webhooks with their call log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
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

/** A request with a token's key; returns the status and the body's error code. */
async function withKey(key, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, error: json.error };
}

test('API tokens: rights set on creation and edit are enforced; renamed, rotated, expiring, deleted', async () => {
  const user = await signUp();
  const ids = await createTable(user, { workspace: 'Tokens WS', database: 'Sales', table: 'Leads' });
  const other = await apiOk('POST', `/api/database/tables/database/${ids.databaseId}/`, { token: user.token, body: { name: 'Deals' } });
  // A second workspace: the create form offers only the chosen workspace's databases.
  await createTable(user, { workspace: 'Elsewhere', database: 'Private', table: 'Secrets' });
  const rows = (tableId) => `/api/database/rows/table/${tableId}/`;
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    await logIn(context, user);
    await page.goto('/settings/tokens');
    if (size === 'mobile') {
      await page.click('.token-edit summary');
      await screenshot(page, 'settings-tokens');
      await assertFitsWidth(page);
      await context.close();
      continue;
    }
    assert.match(await page.locator('.card').first().textContent(), /no tokens yet/);

    // Created read-only: it reads rows but may not create one.
    await page.fill('#token-name', 'Reporting');
    await page.selectOption('#token-workspace', { label: 'Tokens WS' });
    await page.check('#token-create-some');
    const offered = await page.locator('#create-token .token-right').first().locator('label:visible').allTextContents();
    assert.ok(offered.some((t) => t.includes('Sales / Leads')), offered.join());
    assert.ok(!offered.some((t) => t.includes('Private')), 'another workspace is not offered');
    // "Only these" with nothing ticked is refused, keeping the form.
    await page.check('#token-update-none');
    await page.check('#token-delete-none');
    await page.click('text=Create token');
    assert.match(await page.locator('#create-token .token-right .field-error').first().textContent(), /tick at least one/);
    assert.equal(await page.inputValue('#token-name'), 'Reporting');
    assert.ok(await page.isChecked('#token-update-none'));
    await page.check('#token-create-none');
    await page.click('text=Create token');
    const key = (await page.locator('#new-token').textContent()).trim();
    assert.ok(key.length > 20);
    assert.equal((await withKey(key, 'GET', rows(ids.tableId))).status, 200);
    const refused = await withKey(key, 'POST', rows(ids.tableId), {});
    assert.equal(refused.status, 401);
    assert.equal(refused.error, 'ERROR_NO_PERMISSION_TO_TABLE');
    assert.equal((await withKey(key, 'PATCH', `${rows(ids.tableId)}1/`, {})).error, 'ERROR_NO_PERMISSION_TO_TABLE');
    assert.match(await page.locator('.token-rights').textContent(), /Create: none · Read: all tables · Update: none · Delete: none/);
    await screenshot(page, 'settings-tokens-created');
    await page.goto('/settings/tokens');
    assert.equal(await page.locator('#new-token').count(), 0, 'the key is shown once only');

    // Edited: renamed, and may create rows in Leads only.
    await page.click('.token-edit summary');
    const edit = page.locator('.token-edit form');
    assert.ok(await edit.locator('input[name=create][value=none]').isChecked(), 'the form shows the saved rights');
    await edit.locator('input[name=name]').fill('Lead importer');
    await edit.locator('input[name=create][value=some]').check();
    await edit.locator(`input[name=create_scope][value="table:${ids.tableId}"]`).check();
    await edit.locator('text=Save token').click();
    assert.match(await page.locator('.alert-success').textContent(), /token was saved/);
    assert.match(await page.locator('.token-item h3').textContent(), /Lead importer/);
    assert.match(await page.locator('.token-rights').textContent(), /Create: 1 table/);
    assert.equal((await withKey(key, 'POST', rows(ids.tableId), {})).status, 200);
    assert.equal((await withKey(key, 'POST', rows(other.id), {})).error, 'ERROR_NO_PERMISSION_TO_TABLE');
    const [saved] = await apiOk('GET', '/api/database/tokens/', { token: user.token });
    assert.deepEqual(saved.permissions.create, [['table', ids.tableId]]);

    // A new key: the old one stops working, the new one works.
    page.once('dialog', (d) => d.accept());
    await page.locator('.token-item .token-actions').getByText('New key').click();
    const rotated = (await page.locator('#new-token').textContent()).trim();
    assert.notEqual(rotated, key);
    assert.match(await page.locator('[role=status] h2').first().textContent(), /new key/);
    assert.equal((await withKey(key, 'GET', rows(ids.tableId))).status, 401);
    assert.equal((await withKey(rotated, 'GET', rows(ids.tableId))).status, 200);

    // Expiry: a past day is refused; a later one is shown.
    await page.goto('/settings/tokens');
    await page.fill('#token-name', 'Short-lived');
    await page.fill('#token-expires', '2020-01-01');
    await page.click('text=Create token');
    assert.match(await page.locator('#create-token .field-error').textContent(), /day after today/);
    const later = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
    await page.fill('#token-expires', later);
    await page.click('text=Create token');
    assert.ok(await page.locator('#new-token').isVisible());
    assert.match(await page.locator('.token-item').nth(1).textContent(), new RegExp(`expires: ${later} 00:00 UTC`));
    const listed = await apiOk('GET', '/api/database/tokens/', { token: user.token });
    assert.match(listed[1].expires_at, new RegExp(`^${later}T00:00:00`));

    // The expiry is changed in the edit form, and removed by emptying it.
    const shortLived = page.locator('.token-item').nth(1);
    await shortLived.locator('.token-edit summary').click();
    const expiry = shortLived.locator('.token-edit input[name=expires]');
    assert.equal(await expiry.inputValue(), later, 'the form shows the saved expiry');
    const further = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
    await expiry.fill(further);
    await shortLived.locator('text=Save token').click();
    assert.match(await page.locator('.token-item').nth(1).textContent(), new RegExp(`expires: ${further} 00:00 UTC`));
    await page.locator('.token-item').nth(1).locator('.token-edit summary').click();
    await page.locator('.token-item').nth(1).locator('.token-edit input[name=expires]').fill('');
    await page.locator('.token-item').nth(1).locator('text=Save token').click();
    assert.match(await page.locator('.alert-success').textContent(), /token was saved/);
    assert.equal((await apiOk('GET', '/api/database/tokens/', { token: user.token }))[1].expires_at, null);

    page.once('dialog', (d) => d.accept());
    await page.locator('.token-item').first().locator('.token-actions .btn-danger').click();
    await page.waitForSelector('text=The token was deleted');
    assert.equal((await withKey(rotated, 'GET', rows(ids.tableId))).status, 401);
    assert.deepEqual(page.errors, []);
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


/** A local HTTP server that records every call it gets. */
async function receiver() {
  const calls = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      calls.push({ method: req.method, headers: req.headers, body: body ? JSON.parse(body) : null });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { calls, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() };
}

async function waitFor(check, what) {
  for (let i = 0; i < 60; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('webhooks: particular events, headers, method and field names are chosen on the page; it gets only those events', async () => {
  const user = await signUp();
  const ids = await createTable(user, { workspace: 'Hooks', database: 'DB', table: 'Orders' });
  const token = user.token;
  const hook = await receiver();
  const { context, page } = await newPage(browser);
  try {
    await logIn(context, user);
    await page.goto(`/settings/webhooks?table=${ids.tableId}`);
    await page.fill('#webhook-name', 'Updates only');
    await page.fill('#webhook-url', hook.url);
    await page.selectOption('#webhook-method', 'PUT');
    // Particular events with none ticked, and a header without a colon, are refused.
    await page.check('#webhook-some-events');
    await page.fill('#webhook-headers', 'not a header');
    await page.click('text=Add webhook');
    assert.match(await page.locator('#add-webhook .webhook-events .field-error').textContent(), /Choose at least one event/);
    assert.match(await page.locator('#add-webhook .field-error').nth(1).textContent(), /Name: value/);
    assert.equal(await page.inputValue('#webhook-name'), 'Updates only', 'the form keeps what was typed');
    assert.ok(await page.isChecked('#webhook-some-events'));
    await page.fill('#webhook-headers', 'X-Shop: north\nX-Trace: 7');
    await page.check('#add-webhook input[name=events][value="rows.updated"]');
    await page.click('text=Add webhook');
    assert.match(await page.locator('#new-secret').textContent(), /^whsec_/);
    assert.equal((await page.locator('.webhook-events-shown').textContent()).trim(), 'rows.updated');
    await screenshot(page, 'settings-webhooks-events');

    // A create and a delete (not chosen) come before the update (chosen); calls are sent in
    // order, so by the time the update arrives the others would have too.
    const [keep, drop] = (await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/?user_field_names=true`, {
      token, body: { items: [{ Name: 'Keep' }, { Name: 'Drop' }] },
    })).items;
    await apiOk('DELETE', `/api/database/rows/table/${ids.tableId}/${drop.id}/`, { token });
    await apiOk('PATCH', `/api/database/rows/table/${ids.tableId}/${keep.id}/?user_field_names=true`, { token, body: { Name: 'Kept' } });
    await waitFor(() => hook.calls.length > 0, 'the webhook call');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(hook.calls.map((c) => c.headers['x-baserow-event']), ['rows.updated']);
    const [call] = hook.calls;
    assert.equal(call.method, 'PUT');
    assert.equal(call.headers['x-shop'], 'north');
    assert.equal(call.headers['x-trace'], '7');
    assert.equal(call.body.items[0].Name, 'Kept', 'fields are named by their names');

    // Edit: all events, ids instead of names, deactivated; the form shows the saved values.
    await page.goto(`/settings/webhooks?table=${ids.tableId}`);
    await page.click('.webhook-edit summary');
    const edit = page.locator('.webhook-edit form');
    assert.equal(await edit.locator('textarea[name=headers]').inputValue(), 'X-Shop: north\nX-Trace: 7');
    assert.ok(await edit.locator('input[name=events][value="rows.updated"]').isChecked());
    assert.equal(await edit.locator('select[name=method]').inputValue(), 'PUT');
    await edit.locator('input[name=name]').fill('Everything');
    await edit.locator('input[name=event_choice][value=all]').check();
    await edit.locator('input[name=use_user_field_names]').uncheck();
    await edit.locator('textarea[name=headers]').fill('');
    await edit.locator('input[name=active]').uncheck();
    await edit.locator('text=Save webhook').click();
    assert.match(await page.locator('.alert-success').textContent(), /webhook was saved/);
    assert.match(await page.locator('.webhook h2').textContent(), /Everything\s+deactivated/);
    assert.equal((await page.locator('.webhook-events-shown').textContent()).trim(), 'All events');
    const [saved] = await apiOk('GET', `/api/database/webhooks/table/${ids.tableId}/`, { token });
    assert.equal(saved.include_all_events, true);
    assert.equal(saved.use_user_field_names, false);
    assert.equal(saved.active, false);
    assert.equal(saved.request_method, 'PUT');
    assert.deepEqual(saved.headers, {});
    // A bad URL on edit keeps the form open with its error.
    await page.click('.webhook-edit summary');
    await edit.locator('input[name=url]').fill('not a url');
    await edit.locator('text=Save webhook').click();
    assert.ok(await page.locator('.webhook-edit[open] .field-error').isVisible());
    await screenshot(page, 'settings-webhooks-edit');
    assert.deepEqual(page.errors, []);
  } finally {
    hook.close();
    await context.close();
  }
});
