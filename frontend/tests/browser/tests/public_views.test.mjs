// Shared grid and form views, opened without an account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signUp, createTable, apiOk, screenshot, assertFitsWidth, baseUrl, SIZES } from '../support.mjs';

const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A table with fields Name (text), Notes (long text), Active (boolean), Size (number), Site (url). */
async function fixture() {
  const user = await signUp();
  const ids = await createTable(user, { table: 'Contacts' });
  const token = user.token;
  const fields = await apiOk('GET', `/api/database/fields/table/${ids.tableId}/`, { token });
  const size = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body: { name: 'Size', type: 'number' } });
  const site = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body: { name: 'Site', type: 'url' } });
  const rows = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/`, { token });
  for (const row of rows.results) {
    await apiOk('DELETE', `/api/database/rows/table/${ids.tableId}/${row.id}/`, { token });
  }
  await apiOk('POST', `/api/database/rows/table/${ids.tableId}/batch/?user_field_names=true`, {
    token,
    body: { items: [
      { Name: 'Ada', Notes: 'First', Active: true, Size: '3', Site: 'https://example.com/ada' },
      { Name: XSS, Notes: XSS, Active: false, Size: '5', Site: '' },
    ] },
  });
  return { user, ids, fields: [...fields, size, site] };
}

test('a shared grid view shows its visible fields and rows as text', async () => {
  const { user, ids } = await fixture();
  const views = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token: user.token });
  const grid = views.find((v) => v.type === 'grid');
  const shared = await apiOk('PATCH', `/api/database/views/${grid.id}/`, { token: user.token, body: { public: true } });
  for (const size of ['desktop', 'mobile']) {
    const { context, page } = await newPage(browser, size);
    const res = await page.goto(`/public/grid/${shared.slug}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
    // Titled by the table, with the view's name under it.
    assert.equal(await page.locator('h1').textContent(), 'Contacts');
    assert.match(await page.locator('.view-name').textContent(), new RegExp(grid.name));
    const headers = await page.locator('thead th').allTextContents();
    assert.deepEqual(headers.slice(1), ['Name', 'Notes', 'Active', 'Size', 'Site']);
    const cells = await page.locator('tbody tr').nth(1).locator('td').allTextContents();
    assert.equal(cells[1], XSS);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator('img[src=x]').count(), 0);
    // URL cells are links (only http(s), mailto and tel ever are).
    const hrefs = await page.locator('tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, ['https://example.com/ada']);
    assert.match(await page.locator('[role=status]').first().textContent(), /Rows 1–2 of 2/);
    await screenshot(page, 'public-grid');
    if (size === 'mobile') {
      // The page fits; the wide table scrolls inside its own box.
      await assertFitsWidth(page);
    }
    assert.deepEqual(page.errors, []);
    await context.close();
  }
  const missing = await (await newPage(browser)).page.goto('/public/grid/doesnotexist');
  assert.equal(missing.status(), 404);
});

test('a shared grid is searched, sorted by its headers and filtered, with script and without', async () => {
  const { user, ids } = await fixture();
  const views = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token: user.token });
  const grid = views.find((v) => v.type === 'grid');
  const shared = await apiOk('PATCH', `/api/database/views/${grid.id}/`, { token: user.token, body: { public: true } });
  const names = (page) => page.locator('tbody tr td:nth-child(2)').allTextContents();

  // Without script: every control is a plain GET form or link.
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: SIZES.desktop, baseURL: baseUrl });
  let page = await plain.newPage();
  await page.goto(`/public/grid/${shared.slug}`);
  await page.fill('#grid-search', 'ada');
  await page.click('#grid-controls button[type=submit]');
  assert.deepEqual(await names(page), ['Ada']);
  assert.match(page.url(), /search=ada/);
  assert.match(await page.locator('[role=status]').first().textContent(), /Rows 1–1 of 1/);
  await page.click('text=Clear');
  assert.equal((await names(page)).length, 2);

  // Header clicks: ascending, descending, then the view's own order again.
  await page.click('thead >> text=Size');
  assert.equal(await page.locator('th[aria-sort=ascending]').textContent(), 'Size ▲');
  assert.deepEqual(await names(page), ['Ada', XSS]);
  await page.click('thead >> text=Size');
  assert.equal(await page.locator('th[aria-sort]').getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await names(page), [XSS, 'Ada']);
  await page.click('thead >> text=Size');
  assert.equal(await page.locator('th[aria-sort]').count(), 0);
  assert.doesNotMatch(page.url(), /order_by/);

  // Filter: Size higher than 4, kept while sorting by Name.
  await page.selectOption('#filter-field', { label: 'Size' });
  await page.selectOption('#filter-op', 'higher_than');
  await page.fill('#filter-value', '4');
  await page.click('#grid-controls button[type=submit]');
  assert.deepEqual(await names(page), [XSS]);
  await page.click('thead >> text=Name');
  assert.deepEqual(await names(page), [XSS]);
  assert.match(page.url(), /order_by=field_\d+/);
  assert.match(page.url(), /filter_op=higher_than/);
  // A condition that does not apply to the field is refused with a message, not applied.
  await page.goto(`/public/grid/${shared.slug}?filter_field=${(await apiOk('GET', `/api/database/fields/table/${ids.tableId}/`, { token: user.token })).find((f) => f.name === 'Active').id}&filter_op=higher_than&filter_value=1`);
  assert.match(await page.locator('.alert-error').textContent(), /does not apply to the field Active/);
  assert.equal(await page.locator('tbody tr').count(), 0);
  await plain.close();

  // With script: the condition list follows the chosen field.
  const enhanced = await newPage(browser);
  page = enhanced.page;
  await page.goto(`/public/grid/${shared.slug}`);
  await page.selectOption('#filter-field', { label: 'Active' });
  const offered = await page.locator('#filter-op option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(offered.includes('boolean'));
  assert.ok(!offered.includes('contains') && !offered.includes('higher_than'), offered.join());
  await page.selectOption('#filter-op', 'boolean');
  await page.fill('#filter-value', '1');
  await page.click('#grid-controls button[type=submit]');
  assert.deepEqual(await names(page), ['Ada']);
  await page.selectOption('#filter-op', 'empty');
  // The page's module script may still be on its way after the navigation; once it runs,
  // it disables the value for "is empty", whether it saw the change or starts with it.
  await page.waitForFunction(() => document.getElementById('filter-value').disabled, null, { timeout: 5000 });
  await screenshot(page, 'public-grid-filtered');
  assert.deepEqual(page.errors, []);
  await enhanced.context.close();
});

test('a hidden field of a shared grid cannot be probed through search, sort or filter', async () => {
  const { user, ids, fields } = await fixture();
  const token = user.token;
  const notes = fields.find((f) => f.name === 'Notes');
  const views = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token });
  const grid = views.find((v) => v.type === 'grid');
  await apiOk('PATCH', `/api/database/views/${grid.id}/field-options/`, { token, body: { field_options: { [notes.id]: { hidden: true } } } });
  const shared = await apiOk('PATCH', `/api/database/views/${grid.id}/`, { token, body: { public: true } });
  const { context, page } = await newPage(browser);
  const base = `/public/grid/${shared.slug}`;
  await page.goto(base);
  assert.deepEqual((await page.locator('thead th').allTextContents()).slice(1), ['Name', 'Active', 'Size', 'Site']);
  assert.equal(await page.locator(`#filter-field option[value="${notes.id}"]`).count(), 0);
  assert.doesNotMatch(await page.content(), /First/);

  // "First" is Ada's hidden note: a match would reveal it. Filters and sorts naming the
  // hidden field are refused outright; the search looks only in the visible fields.
  const probes = [
    `?filter_field=${notes.id}&filter_op=equal&filter_value=First`,
    `?filter_field=${notes.id}&filter_op=empty`,
    `?order_by=field_${notes.id}`,
    `?order_by=-field_${notes.id}`,
  ];
  for (const probe of probes) {
    const res = await page.goto(base + probe);
    assert.equal(res.status(), 400, probe);
    assert.ok(await page.locator('.alert-error').isVisible(), probe);
    assert.equal(await page.locator('tbody tr').count(), 0, probe);
  }
  await page.goto(`${base}?search=First`);
  assert.equal(await page.locator('tbody tr').count(), 0, 'a hidden value is not searched');
  assert.match(await page.locator('.empty-inline').textContent(), /No rows match the search/);
  await page.goto(`${base}?search=ada`);
  assert.equal(await page.locator('tbody tr').count(), 1, 'visible values are searched');
  // The same filter on a visible field works.
  await page.goto(`${base}?filter_field=${fields.find((f) => f.name === 'Name').id}&filter_op=equal&filter_value=Ada`);
  assert.equal(await page.locator('tbody tr').count(), 1);
  await context.close();
});

test('a password-protected shared grid asks for its password first', async () => {
  const { user, ids } = await fixture();
  const views = await apiOk('GET', `/api/database/views/table/${ids.tableId}/`, { token: user.token });
  const grid = views.find((v) => v.type === 'grid');
  const shared = await apiOk('PATCH', `/api/database/views/${grid.id}/`, { token: user.token, body: { public: true, public_view_password: 'opensesame' } });
  const { context, page } = await newPage(browser);
  const res = await page.goto(`/public/grid/${shared.slug}`);
  assert.equal(res.status(), 401);
  assert.equal(await page.locator('tbody').count(), 0);
  await page.fill('#password', 'wrong-password');
  await page.click('button[type=submit]');
  assert.match(await page.locator('.alert-error').textContent(), /password is incorrect/);
  await page.fill('#password', 'opensesame');
  await page.click('button[type=submit]');
  await page.waitForSelector('tbody tr');
  assert.equal(await page.locator('tbody tr').count(), 2);
  await context.close();
});

test('a shared form works without script, shows validation errors and creates the row', async () => {
  const { user, ids, fields } = await fixture();
  const token = user.token;
  const form = await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body: { name: 'Sign-up form', type: 'form' } });
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
  const options = {};
  for (const f of fields) options[f.id] = { enabled: true, required: f.name === 'Name' };
  options[byName.Notes.id].description = 'Anything we should know?';
  await apiOk('PATCH', `/api/database/views/${form.id}/field-options/`, { token, body: { field_options: options } });
  const shared = await apiOk('PATCH', `/api/database/views/${form.id}/`, {
    token,
    body: { public: true, title: 'Join the list', description: XSS, submit_action_message: 'Thanks, we got it.' },
  });

  for (const size of ['desktop', 'mobile']) {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: SIZES[size], baseURL: baseUrl });
    const page = await context.newPage();
    await page.goto(`/form/${shared.slug}`);
    assert.equal(await page.locator('h1').textContent(), 'Join the list');
    assert.equal((await page.locator('.card > p.muted').first().textContent()).trim(), XSS);
    assert.equal(await page.locator(`input[name=field_${byName.Active.id}][type=checkbox]`).count(), 1);
    assert.equal(await page.locator(`textarea[name=field_${byName.Notes.id}]`).count(), 1);
    assert.equal(await page.locator(`input[name=field_${byName.Size.id}][type=number]`).count(), 1);
    assert.equal(await page.locator(`input[name=field_${byName.Site.id}][type=url]`).count(), 1);
    await screenshot(page, 'public-form');
    if (size === 'mobile') {
      await assertFitsWidth(page);
      await context.close();
      continue;
    }
    // Required Name left empty: the form comes back with the error and the other answers kept.
    await page.fill(`textarea[name=field_${byName.Notes.id}]`, 'Kept');
    await page.click('button[type=submit]');
    assert.match(await page.locator(`#field_${byName.Name.id}-error`).textContent(), /required/);
    assert.equal(await page.locator(`textarea[name=field_${byName.Notes.id}]`).inputValue(), 'Kept');
    await screenshot(page, 'public-form-error');
    await page.fill(`input[name=field_${byName.Name.id}]`, 'Grace');
    await page.check(`input[name=field_${byName.Active.id}]`);
    await page.fill(`input[name=field_${byName.Size.id}]`, '7');
    await page.click('button[type=submit]');
    assert.match(await page.locator('[role=status]').textContent(), /Thanks, we got it\./);
    await screenshot(page, 'public-form-done');
    await context.close();
  }
  const rows = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/?user_field_names=true&search=Grace`, { token });
  assert.equal(rows.results.length, 1);
  assert.equal(rows.results[0].Notes, 'Kept');
  assert.equal(rows.results[0].Active, true);
  assert.equal(rows.results[0].Size, '7');
});

test('a shared form takes files: chosen files upload at once, show as chips, and land in the row', async () => {
  const { user, ids, fields } = await fixture();
  const token = user.token;
  const files = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body: { name: 'Attachments', type: 'file' } });
  const name = fields.find((f) => f.name === 'Name');
  const form = await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body: { name: 'Uploads', type: 'form' } });
  await apiOk('PATCH', `/api/database/views/${form.id}/field-options/`, {
    token,
    body: { field_options: { [name.id]: { enabled: true, required: true }, [files.id]: { enabled: true } } },
  });
  const shared = await apiOk('PATCH', `/api/database/views/${form.id}/`, { token, body: { public: true, title: 'Send us files' } });

  const context = await browser.newContext({ viewport: SIZES.desktop, baseURL: baseUrl });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/form/${shared.slug}`);
  const picker = page.locator(`#field_${files.id}`);
  await picker.setInputFiles([
    { name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly numbers') },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('more') },
  ]);
  const chips = page.locator('.form-file-list .chip');
  await page.waitForFunction(() => document.querySelectorAll('.form-file-list .chip').length === 2);
  assert.deepEqual(await chips.locator('.form-file-name').allTextContents(), ['report.txt', 'notes.txt']);
  await page.getByRole('button', { name: 'Remove notes.txt' }).click();
  assert.equal(await chips.count(), 1);

  // A validation error keeps the uploaded file.
  await page.click('button[type=submit]');
  await page.waitForSelector(`#field_${name.id}-error`);
  assert.deepEqual(await page.locator('.form-file-list .form-file-name').allTextContents(), ['report.txt']);
  await screenshot(page, 'public-form-files');
  await page.fill(`input[name=field_${name.id}]`, 'Filed');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=status]');
  const rows = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/?user_field_names=true&search=Filed`, { token });
  assert.equal(rows.results.length, 1);
  assert.deepEqual(rows.results[0].Attachments.map((f) => f.visible_name), ['report.txt']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a shared form links rows: typing searches the linked table, chosen rows show as chips and land in the row', async () => {
  const { user, ids, fields } = await fixture();
  const token = user.token;
  const companies = await apiOk('POST', `/api/database/tables/database/${ids.databaseId}/`, {
    token,
    body: { name: 'Companies', data: [['Name'], ['Acme'], ['Acorn Ltd'], ['Globex'], [XSS]], first_row_header: true },
  });
  const companyRows = await apiOk('GET', `/api/database/rows/table/${companies.id}/?user_field_names=true`, { token });
  const rowId = Object.fromEntries(companyRows.results.map((r) => [r.Name, r.id]));
  const link = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, {
    token,
    body: { name: 'Company', type: 'link_row', link_row_table_id: companies.id, has_related_field: false },
  });
  const name = fields.find((f) => f.name === 'Name');
  const form = await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body: { name: 'Leads', type: 'form' } });
  await apiOk('PATCH', `/api/database/views/${form.id}/field-options/`, {
    token,
    body: { field_options: { [name.id]: { enabled: true, required: true }, [link.id]: { enabled: true } } },
  });
  const shared = await apiOk('PATCH', `/api/database/views/${form.id}/`, { token, body: { public: true, title: 'New lead' } });

  for (const size of ['desktop', 'mobile']) {
    const context = await browser.newContext({ viewport: SIZES[size], baseURL: baseUrl });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/form/${shared.slug}`);
    const search = page.locator(`#field_${link.id}`);
    const options = page.locator(`#field_${link.id}-results .form-link-option`);
    // Typing searches the linked table's primary field.
    await search.fill('ac');
    await page.waitForFunction(
      (sel) => [...document.querySelectorAll(sel)].map((b) => b.textContent).join('|') === 'Acme|Acorn Ltd',
      `#field_${link.id}-results .form-link-option`,
    );
    await screenshot(page, 'public-form-link-search');
    await options.filter({ hasText: 'Acorn Ltd' }).click();
    // Enter chooses the first row found, without sending the form.
    await search.fill('glob');
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Globex', `#field_${link.id}-results .form-link-option`);
    await search.press('Enter');
    // Markup in a primary value is text.
    await search.fill('<script');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, `#field_${link.id}-results .form-link-option`);
    await options.first().click();
    const chips = page.locator('.form-link-list .chip .form-file-name');
    assert.deepEqual(await chips.allTextContents(), ['Acorn Ltd', 'Globex', XSS]);
    await page.getByRole('button', { name: `Remove ${XSS}` }).click();
    await screenshot(page, 'public-form-links');
    if (size === 'mobile') {
      await assertFitsWidth(page);
      assert.deepEqual(errors, []);
      await context.close();
      continue;
    }
    // A validation error keeps the chosen rows, named by their primary text.
    await page.click('button[type=submit]');
    await page.waitForSelector(`#field_${name.id}-error`);
    assert.deepEqual(await chips.allTextContents(), ['Acorn Ltd', 'Globex']);
    await page.fill(`input[name=field_${name.id}]`, 'Lead one');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=status]');
    assert.deepEqual(errors, []);
    await context.close();
  }
  const rows = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/?user_field_names=true&search=Lead%20one`, { token });
  assert.equal(rows.results.length, 1);
  assert.deepEqual(rows.results[0].Company.map((l) => l.id), [rowId['Acorn Ltd'], rowId.Globex]);
  assert.deepEqual(rows.results[0].Company.map((l) => l.value), ['Acorn Ltd', 'Globex']);
});

test('a password-protected shared form uploads files and searches linked rows once unlocked', async () => {
  const { user, ids, fields } = await fixture();
  const token = user.token;
  const companies = await apiOk('POST', `/api/database/tables/database/${ids.databaseId}/`, {
    token,
    body: { name: 'Companies', data: [['Name'], ['Acme'], ['Globex']], first_row_header: true },
  });
  const link = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, {
    token,
    body: { name: 'Company', type: 'link_row', link_row_table_id: companies.id, has_related_field: false },
  });
  const files = await apiOk('POST', `/api/database/fields/table/${ids.tableId}/`, { token, body: { name: 'Attachments', type: 'file' } });
  const name = fields.find((f) => f.name === 'Name');
  const form = await apiOk('POST', `/api/database/views/table/${ids.tableId}/`, { token, body: { name: 'Private', type: 'form' } });
  await apiOk('PATCH', `/api/database/views/${form.id}/field-options/`, {
    token,
    body: { field_options: { [name.id]: { enabled: true, required: true }, [link.id]: { enabled: true }, [files.id]: { enabled: true } } },
  });
  const shared = await apiOk('PATCH', `/api/database/views/${form.id}/`, {
    token,
    body: { public: true, title: 'Members only', public_view_password: 'opensesame' },
  });

  const { context, page } = await newPage(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`/form/${shared.slug}`);
  assert.equal(res.status(), 401);
  await page.fill('#password', 'opensesame');
  await page.click('button[type=submit]');
  await page.waitForSelector(`#field_${files.id}`);
  // The upload and the row search reach the API with the view's token.
  await page.locator(`#field_${files.id}`).setInputFiles([
    { name: 'secret.txt', mimeType: 'text/plain', buffer: Buffer.from('for members') },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.form-file-list .chip').length === 1);
  assert.equal(await page.locator('.form-file-status').first().textContent(), '');
  await page.locator(`#field_${link.id}`).fill('glob');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Globex', `#field_${link.id}-results .form-link-option`);
  await page.locator(`#field_${link.id}-results .form-link-option`).first().click();
  await page.fill(`input[name=field_${name.id}]`, 'Private answer');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=status]');
  const rows = await apiOk('GET', `/api/database/rows/table/${ids.tableId}/?user_field_names=true&search=Private%20answer`, { token });
  assert.equal(rows.results.length, 1);
  assert.deepEqual(rows.results[0].Attachments.map((f) => f.visible_name), ['secret.txt']);
  assert.deepEqual(rows.results[0].Company.map((l) => l.value), ['Globex']);
  assert.deepEqual(errors, []);
  await context.close();
});
