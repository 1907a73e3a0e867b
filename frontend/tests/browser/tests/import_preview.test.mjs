// The import dialog in a real browser: a chosen file is previewed (its first rows), each
// column mapped to a field (preselected by name), a new text field or nothing, with a
// warning naming the columns that would be skipped; the import then writes exactly the
// mapped values. Also: unreadable files are explained in words, and exports download.
// At both screen sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, assertFitsWidth } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Opens a fresh table's page for a new user at `size`, live. */
async function openTable(size) {
  const user = await signUp({ name: 'Ivy Importer' });
  const { tableId } = await createTable(user);
  const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token: user.token });
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(`/database/${table.database_id}/table/${tableId}`);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { user, tableId, context, page };
}

/** The table's rows with field names as keys. */
async function rows(user, tableId) {
  const { results } = await apiOk('GET', `/api/database/rows/table/${tableId}/?user_field_names=true&size=200`, { token: user.token });
  return results;
}

// `name` matches the field "Name" (case ignored); "Phone" gets a new field; "Extra" is skipped.
// Quoted cells hold the separator, quotes and an accent.
const CSV = 'name,Phone,Extra\r\nAnn,"+1 555, 0101",x1\r\nBob,555-0202,x2\r\n"Chloé ""C""",555-0303,x3\r\n';

for (const size of ['desktop', 'mobile']) {
  test(`a CSV is previewed, mapped and imported into the mapped fields only (${size})`, async () => {
    const { user, tableId, context, page } = await openTable(size);
    const before = await rows(user, tableId);
    const fieldsBefore = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token: user.token });
    const nameField = fieldsBefore.find((f) => f.name === 'Name');

    await page.click('#open-import');
    const start = page.locator('#import-start');
    assert.equal(await start.isDisabled(), true, 'nothing chosen yet');
    await page.setInputFiles('#import-file', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.waitForSelector('#import-preview:not([hidden])');

    assert.deepEqual(await page.locator('#import-preview-table thead th').allTextContents(), ['name', 'Phone', 'Extra']);
    const cells = await page.locator('#import-preview-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.deepEqual(cells, [
      ['Ann', '+1 555, 0101', 'x1'],
      ['Bob', '555-0202', 'x2'],
      ['Chloé "C"', '555-0303', 'x3'],
    ]);
    assert.match(await page.locator('#import-summary').textContent(), /^3 rows to import\./);
    assert.equal(await page.locator('select[data-column="0"]').inputValue(), String(nameField.id));
    assert.equal(await page.locator('select[data-column="1"]').inputValue(), '');
    const warning = page.locator('#import-warning');
    assert.equal(await warning.textContent(), '2 columns match no field: “Phone”, “Extra” will be skipped unless you map them.');
    assert.equal(await start.isDisabled(), false);

    await page.selectOption('select[data-column="1"]', 'new');
    assert.equal(await warning.textContent(), '1 column matches no field: “Extra” will be skipped unless you map it.');
    if (size === 'desktop') {
      await screenshot(page, 'import-preview');
    } else {
      await assertFitsWidth(page);
    }

    await start.click();
    // The click's handler disables the button before its first request is answered.
    const during = await page.evaluate(() => ({
      disabled: document.getElementById('import-start').disabled,
      status: document.getElementById('import-status').textContent,
    }));
    assert.deepEqual(during, { disabled: true, status: 'Importing…' });
    await page.waitForSelector('#import-status:has-text("Imported 3 rows.")', { timeout: 30000 });
    assert.equal(await start.isDisabled(), false);
    assert.equal(await page.locator('#import-progress').evaluate((p) => p.value), 100);
    if (size === 'desktop') {
      await screenshot(page, 'import-preview-done');
    }

    const fields = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token: user.token });
    assert.deepEqual(fields.map((f) => f.name).sort(), [...fieldsBefore.map((f) => f.name), 'Phone'].sort());
    assert.equal(fields.find((f) => f.name === 'Phone').type, 'text');
    const after = await rows(user, tableId);
    assert.equal(after.length, before.length + 3);
    const imported = after.slice(before.length).map((r) => ({ Name: r.Name, Phone: r.Phone, Notes: r.Notes || null }));
    assert.deepEqual(imported, [
      { Name: 'Ann', Phone: '+1 555, 0101', Notes: null },
      { Name: 'Bob', Phone: '555-0202', Notes: null },
      { Name: 'Chloé "C"', Phone: '555-0303', Notes: null },
    ]);
    assert.ok(after.every((r) => !('Extra' in r)));

    // The grid shows the new field and the imported rows.
    await page.click('#import-dialog .dialog-close');
    await page.waitForSelector('#grid thead th:has-text("Phone")');
    await page.waitForFunction(() => document.querySelector('#grid tbody')?.textContent.includes('555-0303'));
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`an unreadable file is explained in words; JSON and pasted cells are previewed too (${size})`, async () => {
    const { user, tableId, context, page } = await openTable(size);
    const before = await rows(user, tableId);
    await page.click('#open-import');
    await page.setInputFiles('#import-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('[{"Name": "A"},') });
    await page.waitForSelector('#import-status:has-text("The file is not valid JSON")');
    assert.equal(await page.locator('#import-start').isDisabled(), true);
    assert.equal(await page.locator('#import-preview').isHidden(), true);

    // A list of objects maps its keys; a column going to a field twice is refused before sending.
    const json = JSON.stringify([{ Name: 'Dora', Title: 'Dr' }]);
    await page.setInputFiles('#import-file', { name: 'people.json', mimeType: 'application/json', buffer: Buffer.from(json) });
    await page.waitForSelector('#import-preview:not([hidden])');
    assert.equal(await page.locator('#import-header').isHidden(), true, 'object keys name the columns');
    const nameId = await page.locator('select[data-column="0"]').inputValue();
    await page.selectOption('select[data-column="1"]', nameId);
    assert.match(await page.locator('#import-warning').textContent(), /Two columns go to “Name”: choose one of them\./);
    assert.equal(await page.locator('#import-start').isDisabled(), true);
    assert.equal((await rows(user, tableId)).length, before.length);

    // Pasted cells are previewed the same way; with every column matched there is no warning.
    await page.setInputFiles('#import-file', []);
    await page.fill('#import-data', 'notes\tName\nhello\tHal');
    await page.waitForFunction(() => document.querySelector('#import-preview-table tbody td')?.textContent === 'hello');
    assert.deepEqual(await page.locator('#import-preview-table thead th').allTextContents(), ['notes', 'Name']);
    assert.equal(await page.locator('#import-header').isVisible(), true);
    assert.equal(await page.locator('#import-warning').isHidden(), true);
    assert.equal(await page.locator('#import-start').isDisabled(), false);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('a finished export downloads its file by itself', async () => {
  const { context, page } = await openTable('desktop');
  await page.click('#open-export');
  await page.selectOption('#export-format', 'csv');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click('#export-start')]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  await page.waitForSelector('#export-download');
  assert.deepEqual(page.errors, []);
  await context.close();
});
