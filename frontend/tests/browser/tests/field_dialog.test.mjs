// The field dialog in a real browser: a number field with decimal places and a link field
// made from it, the formula editor (the server's error and result type as you type,
// field autocompletion, a function inserted from the list, save, computed cells that
// cannot be edited or pasted into), and — once the server has those types — count and
// lookup fields through a link. Each step is checked in what the API then holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, apiCall } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Empties a table down to its primary field (renamed `name`); answers that field. */
async function emptyTable(token, tableId, name) {
  const rowIds = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (rowIds.length) {
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: rowIds } });
  }
  let primary;
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (f.primary) primary = f;
    else await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  return apiOk('PATCH', `/api/database/fields/${primary.id}/`, { token, body: { name } });
}

async function openGrid(user, path) {
  const { context, page } = await newPage(browser);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** The index of a column by its header text (the row number is column 0). */
function columnIndex(page, name) {
  return page.locator('#grid thead th').evaluateAll((ths, n) => ths.findIndex((th) => th.textContent.trim() === n), name);
}

/** The texts of a column, row by row. */
async function columnTexts(page, name) {
  const i = await columnIndex(page, name);
  return page.locator('#grid tbody tr[data-row-id]').evaluateAll((trs, n) => trs.map((tr) => tr.children[n]?.textContent ?? ''), i);
}

async function waitForColumn(page, name, expected) {
  await page.waitForFunction(
    ([n, want]) => {
      const ths = [...document.querySelectorAll('#grid thead th')];
      const i = ths.findIndex((th) => th.textContent.trim() === n);
      if (i < 0) return false;
      const got = [...document.querySelectorAll('#grid tbody tr[data-row-id]')].map((tr) => tr.children[i]?.textContent ?? '');
      return JSON.stringify(got) === JSON.stringify(want);
    },
    [name, expected],
  );
}

/** A cell's alignment and classes, read in one step (the grid redraws its cells often). */
function cellLook(page, rowId, col) {
  return page.evaluate(([id, i]) => {
    const td = document.querySelector(`#grid tbody tr[data-row-id="${id}"]`)?.children[i];
    return td ? { align: getComputedStyle(td).textAlign, classes: td.className } : null;
  }, [rowId, col]);
}

async function openNewField(page, name, type) {
  await page.click('#add-field');
  await page.waitForSelector('#field-dialog');
  await page.fill('#field-name', name);
  await page.selectOption('#field-type', type);
}

async function saveField(page, name) {
  await page.click('#field-save');
  await page.waitForSelector('#field-dialog', { state: 'detached' });
  await page.waitForSelector(`#grid thead th:has-text("${name}")`);
}

/**
 * A Products table (Pen, Book) and a Suppliers table (Acme, Globex) of one database.
 * `priced` adds Price (number, 2 places) and Qty (number) with values through the API.
 */
async function shop(user, { priced = false } = {}) {
  const token = user.token;
  const { databaseId, tableId } = await createTable(user, { table: 'Products' });
  const suppliers = await apiOk('POST', `/api/database/tables/database/${databaseId}/`, { token, body: { name: 'Suppliers' } });
  const name = await emptyTable(token, tableId, 'Name');
  const supplierName = await emptyTable(token, suppliers.id, 'Company');
  await apiOk('POST', `/api/database/rows/table/${suppliers.id}/batch/`, {
    token,
    body: { items: [{ [`field_${supplierName.id}`]: 'Acme' }, { [`field_${supplierName.id}`]: 'Globex' }] },
  });
  const fields = { Name: name };
  const items = [{ [`field_${name.id}`]: 'Pen' }, { [`field_${name.id}`]: 'Book' }];
  if (priced) {
    fields.Price = await apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body: { name: 'Price', type: 'number', number_decimal_places: 2 } });
    fields.Qty = await apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body: { name: 'Qty', type: 'number' } });
    items[0][`field_${fields.Price.id}`] = '1.5';
    items[0][`field_${fields.Qty.id}`] = '4';
    items[1][`field_${fields.Price.id}`] = '12';
    items[1][`field_${fields.Qty.id}`] = '2';
  }
  const rows = (await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, { token, body: { items } })).items;
  return { databaseId, tableId, suppliersId: suppliers.id, fields, rows, path: `/database/${databaseId}/table/${tableId}` };
}

async function tableFields(token, tableId) {
  return apiOk('GET', `/api/database/fields/table/${tableId}/`, { token });
}

test('the dialog makes a number field with decimal places and a link field to another table', async () => {
  const user = await signUp();
  const s = await shop(user);
  const { context, page } = await openGrid(user, s.path);

  // Every type the server knows has its settings (or a note) under the type picker.
  const types = await page.evaluate(() => JSON.parse(document.getElementById('bootstrap').textContent).field_types);
  await openNewField(page, 'Any', 'text');
  for (const type of types) {
    await page.selectOption('#field-type', type);
    await page.waitForSelector(`#field-settings[data-type="${type}"] > *`);
    assert.ok((await page.locator('#field-type-help').textContent()).length > 0, `${type} has a line of help`);
  }
  await page.selectOption('#field-type', 'date');
  await page.check('#field-date-include-time');
  assert.equal(await page.locator('#field-date-time-format').isVisible(), true);
  await page.click('#field-dialog .dialog-close');

  // Number, 2 decimal places: typed values show with both decimals, right-aligned.
  await openNewField(page, 'Price', 'number');
  await page.selectOption('#field-number-decimal-places', '2');
  assert.equal(await page.locator('#field-type-help').textContent(), 'A number, shown with a fixed number of decimal places.');
  await screenshot(page, 'field-dialog-number');
  await saveField(page, 'Price');
  const price = (await tableFields(user.token, s.tableId)).find((f) => f.name === 'Price');
  assert.equal(price.type, 'number');
  assert.equal(price.number_decimal_places, 2);
  const priceCol = await columnIndex(page, 'Price');
  const first = page.locator(`#grid tbody tr[data-row-id="${s.rows[0].id}"] td`).nth(priceCol);
  await first.click();
  await page.keyboard.type('3.5');
  await page.keyboard.press('Enter');
  await waitForColumn(page, 'Price', ['3.50', '']);
  assert.equal((await cellLook(page, s.rows[0].id, priceCol)).align, 'right');
  const row = await apiOk('GET', `/api/database/rows/table/${s.tableId}/${s.rows[0].id}/`, { token: user.token });
  assert.equal(row[`field_${price.id}`], '3.50');

  // A link to Suppliers, with its related field there.
  await openNewField(page, 'Supplier', 'link_row');
  await page.waitForSelector('#field-link-table:not([disabled])');
  assert.deepEqual(await page.locator('#field-link-table option').allTextContents(), ['Products (this table)', 'Suppliers']);
  await page.selectOption('#field-link-table', { label: 'Suppliers' });
  assert.equal(await page.locator('#field-link-related').isChecked(), true);
  await screenshot(page, 'field-dialog-link');
  await saveField(page, 'Supplier');
  const link = (await tableFields(user.token, s.tableId)).find((f) => f.name === 'Supplier');
  assert.equal(link.type, 'link_row');
  assert.equal(link.link_row_table_id, s.suppliersId);
  const back = (await tableFields(user.token, s.suppliersId)).find((f) => f.type === 'link_row');
  assert.ok(back, 'the related field was made in Suppliers');
  assert.equal(back.link_row_table_id, s.tableId);

  // A single select with two options; a click on a swatch picks the next colour.
  await openNewField(page, 'Stage', 'single_select');
  await page.click('#field-add-option');
  await page.keyboard.type('Draft');
  await page.click('#field-add-option');
  await page.keyboard.type('Done');
  await page.locator('#field-select-options .option-swatch').nth(1).click();
  await screenshot(page, 'field-dialog-select');
  await saveField(page, 'Stage');
  const stage = (await tableFields(user.token, s.tableId)).find((f) => f.name === 'Stage');
  assert.deepEqual(stage.select_options.map((o) => [o.value, o.color]), [['Draft', 'blue'], ['Done', 'red']]);
  // Editing keeps the options' ids: a rename is a rename, not a new option.
  await page.locator('#grid thead th:has-text("Stage") .field-name').click();
  await page.locator('#field-select-options .option-value').nth(0).fill('Drafting');
  await page.click('#field-save');
  await page.waitForSelector('#field-dialog', { state: 'detached' });
  const renamed = (await tableFields(user.token, s.tableId)).find((f) => f.name === 'Stage');
  assert.deepEqual(renamed.select_options.map((o) => [o.id, o.value]), [[stage.select_options[0].id, 'Drafting'], [stage.select_options[1].id, 'Done']]);

  // The dialog edits what it made: the number field opens with its places.
  await page.locator('#grid thead th:has-text("Price") .field-name').click();
  await page.waitForSelector('#field-dialog');
  assert.equal(await page.inputValue('#field-number-decimal-places'), '2');
  // Separators, a prefix and a suffix: cells show them, the stored value stays a number,
  // and editing starts from the plain number.
  await page.selectOption('#field-number-separator', 'COMMA_PERIOD');
  await page.fill('#field-number-prefix', '$');
  await page.fill('#field-number-suffix', ' net');
  await screenshot(page, 'field-dialog-number-format');
  await page.click('#field-save');
  await page.waitForSelector('#field-dialog', { state: 'detached' });
  const formatted = (await tableFields(user.token, s.tableId)).find((f) => f.name === 'Price');
  assert.deepEqual(
    [formatted.number_separator, formatted.number_prefix, formatted.number_suffix],
    ['COMMA_PERIOD', '$', ' net'],
  );
  const second = page.locator(`#grid tbody tr[data-row-id="${s.rows[1].id}"] td`).nth(priceCol);
  await second.click();
  await page.keyboard.type('1234.5');
  await page.keyboard.press('Enter');
  await waitForColumn(page, 'Price', ['$3.50 net', '$1,234.50 net']);
  const stored = await apiOk('GET', `/api/database/rows/table/${s.tableId}/${s.rows[1].id}/`, { token: user.token });
  assert.equal(stored[`field_${price.id}`], '1234.50');
  await page.keyboard.press('F2');
  assert.equal(await page.inputValue('#grid .cell-editor'), '1234.50');
  await page.keyboard.press('Escape');

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the formula editor: error and type as you type, autocompletion, functions, computed cells', async () => {
  const user = await signUp();
  const s = await shop(user, { priced: true });
  const { context, page } = await openGrid(user, s.path);
  await openNewField(page, 'Total', 'formula');
  const formula = page.locator('#field-formula');
  const status = page.locator('#formula-status');
  await formula.waitFor();

  // An unknown field: the server's error shows under the editor.
  await formula.fill("field('Price') * field('Nope')");
  await page.waitForSelector('#formula-status[data-state="error"]');
  assert.match(await status.textContent(), /Nope/);

  // A function from the list goes in at the caret, the caret between its brackets.
  await formula.fill('');
  await page.waitForSelector('#formula-status[data-state="empty"]');
  await page.fill('#formula-function-filter', 'round');
  await page.click('#formula-functions [data-function="round"]');
  assert.equal(await formula.inputValue(), 'round()');

  // field(' offers the fields (not the one being made); ↓ moves, Enter inserts the name
  // with its closing quote and bracket.
  await page.keyboard.type("field('");
  await page.waitForSelector('#formula-suggestions:not([hidden]) li');
  assert.deepEqual(await page.locator('#formula-suggestions li .suggestion-label').allTextContents(), ['Name', 'Price', 'Qty']);
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#formula-suggestions li.active .suggestion-label').textContent(), 'Price');
  await page.keyboard.type('P');
  assert.deepEqual(await page.locator('#formula-suggestions li .suggestion-label').allTextContents(), ['Price']);
  await page.keyboard.press('Enter');
  assert.equal(await formula.inputValue(), "round(field('Price'))");

  // A bare partial name offers the field as field('…'); Tab takes it.
  await page.keyboard.type(' * Qt');
  await page.waitForSelector('#formula-suggestions:not([hidden]) li');
  assert.equal(await page.locator('#formula-suggestions li.active .suggestion-label').textContent(), 'Qty');
  await page.keyboard.press('Tab');
  assert.equal(await formula.inputValue(), "round(field('Price') * field('Qty'))");
  await page.keyboard.type(', 1');
  assert.equal(await formula.inputValue(), "round(field('Price') * field('Qty'), 1)");
  await page.waitForSelector('#formula-status[data-state="ok"]');
  assert.equal(await status.textContent(), 'Result: number with 1 decimal place');
  // The whole function list again, by family.
  await page.fill('#formula-function-filter', '');
  const families = await page.locator('#formula-functions .formula-family').allTextContents();
  assert.ok(families.includes('Text') && families.includes('Dates and durations'), families.join());
  await screenshot(page, 'field-dialog-formula');

  await saveField(page, 'Total');
  const total = (await tableFields(user.token, s.tableId)).find((f) => f.name === 'Total');
  assert.equal(total.type, 'formula');
  assert.equal(total.formula, "round(field('Price') * field('Qty'), 1)");
  assert.equal(total.formula_type, 'number');

  // Computed values, formatted as numbers.
  await waitForColumn(page, 'Total', ['6.0', '24.0']);
  await screenshot(page, 'field-dialog-computed');
  const totalCol = await columnIndex(page, 'Total');
  const cell = page.locator(`#grid tbody tr[data-row-id="${s.rows[0].id}"] td`).nth(totalCol);
  const look = await cellLook(page, s.rows[0].id, totalCol);
  assert.equal(look.align, 'right');
  assert.match(look.classes, /cell-number/);
  assert.match(look.classes, /cell-computed/);

  // Read only: Enter and typing open no editor, a paste is refused in words.
  await cell.click();
  await page.keyboard.press('Enter');
  await page.keyboard.type('9');
  assert.equal(await page.locator('#grid tbody input, #grid tbody textarea, .select-popup, .link-picker').count(), 0);
  assert.equal(await cell.textContent(), '6.0');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', '42');
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
  });
  await page.waitForSelector('#grid-error:not([hidden])');
  assert.match(await page.locator('#grid-error').textContent(), /“Total” is computed and cannot be pasted into/);
  const stored = await apiOk('GET', `/api/database/rows/table/${s.tableId}/${s.rows[0].id}/`, { token: user.token });
  assert.equal(stored[`field_${total.id}`], '6.0');

  // Saving a broken formula shows the server's refusal in the dialog.
  await page.locator('#grid thead th:has-text("Total") .field-name').click();
  await page.waitForSelector('#field-formula');
  assert.equal(await page.inputValue('#field-formula'), "round(field('Price') * field('Qty'), 1)");
  await page.waitForSelector('#formula-status[data-state="ok"]');
  await page.fill('#field-formula', 'round(');
  await page.click('#field-save');
  await page.waitForSelector('#field-error:not([hidden])');
  assert.ok((await page.locator('#field-error').textContent()).length > 0);
  assert.equal((await tableFields(user.token, s.tableId)).find((f) => f.id === total.id).formula, "round(field('Price') * field('Qty'), 1)");
  await page.click('#field-dialog .dialog-close');

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('count and lookup fields through a link (when the server has those types)', async (t) => {
  const user = await signUp();
  const s = await shop(user);
  const { context, page } = await openGrid(user, s.path);
  const types = await page.evaluate(() => JSON.parse(document.getElementById('bootstrap').textContent).field_types);
  if (!types.includes('count') || !types.includes('lookup')) {
    t.skip('the server has no count or lookup field type yet');
    await context.close();
    return;
  }

  // Without a link field there is nothing to count through: the dialog says so.
  await openNewField(page, 'Suppliers count', 'count');
  await page.waitForSelector('#field-no-link');
  assert.equal(await page.locator('#field-save').isDisabled(), true);
  await page.click('#field-dialog .dialog-close');

  const token = user.token;
  const link = await apiOk('POST', `/api/database/fields/table/${s.tableId}/`, {
    token,
    body: { name: 'Supplier', type: 'link_row', link_row_table_id: s.suppliersId, has_related_field: true },
  });
  const suppliers = (await apiOk('GET', `/api/database/rows/table/${s.suppliersId}/`, { token })).results;
  await apiOk('PATCH', `/api/database/rows/table/${s.tableId}/${s.rows[0].id}/`, { token, body: { [`field_${link.id}`]: suppliers.map((r) => r.id) } });
  await page.reload();
  await page.waitForSelector('body[data-grid-ready="true"]');

  await openNewField(page, 'Suppliers count', 'count');
  await page.selectOption('#field-through', String(link.id));
  await saveField(page, 'Suppliers count');
  await waitForColumn(page, 'Suppliers count', ['2', '0']);

  await openNewField(page, 'Supplier names', 'lookup');
  await page.selectOption('#field-through', String(link.id));
  await page.waitForSelector('#field-target:not([disabled]) option', { state: 'attached' });
  await page.selectOption('#field-target', { label: 'Company' });
  await saveField(page, 'Supplier names');
  const lookupCol = await columnIndex(page, 'Supplier names');
  await page.waitForFunction(
    ([id, i]) => document.querySelector(`#grid tbody tr[data-row-id="${id}"]`)?.children[i]?.querySelectorAll('.chip').length === 2,
    [s.rows[0].id, lookupCol],
  );
  assert.deepEqual(await columnTexts(page, 'Supplier names'), ['AcmeGlobex', '']);
  const saved = (await tableFields(token, s.tableId)).find((f) => f.name === 'Supplier names');
  assert.equal(saved.through_field_id, link.id);

  // A rollup offers only the functions that apply to its target: none of the sums for text.
  if (types.includes('rollup')) {
    await openNewField(page, 'Supplier rollup', 'rollup');
    await page.selectOption('#field-through', String(link.id));
    await page.waitForSelector('#field-target:not([disabled]) option', { state: 'attached' });
    await page.selectOption('#field-target', { label: 'Company' });
    const functions = await page.locator('#field-rollup-function option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(functions, ['min', 'max', 'count']);
    await page.selectOption('#field-rollup-function', 'count');
    await saveField(page, 'Supplier rollup');
    await waitForColumn(page, 'Supplier rollup', ['2', '0']);
  }

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('computed cells show as their formula type: checks, dates, coloured options, lists as chips', async () => {
  const user = await signUp();
  const token = user.token;
  const s = await shop(user, { priced: true });
  const post = (body) => apiOk('POST', `/api/database/fields/table/${s.tableId}/`, { token, body });
  const status = await post({ name: 'Status', type: 'single_select', select_options: [{ value: 'Open', color: 'green' }] });
  const link = await post({ name: 'Supplier', type: 'link_row', link_row_table_id: s.suppliersId, has_related_field: false });
  const suppliers = (await apiOk('GET', `/api/database/rows/table/${s.suppliersId}/`, { token })).results;
  await apiOk('PATCH', `/api/database/rows/table/${s.tableId}/${s.rows[0].id}/`, {
    token,
    body: { [`field_${status.id}`]: status.select_options[0].id, [`field_${link.id}`]: suppliers.map((r) => r.id) },
  });
  const formulas = {
    Many: "field('Qty') > 3",
    Launch: "todate('20240131', 'YYYYMMDD')",
    State: "field('Status')",
    Makers: "lookup('Supplier', 'Company')",
  };
  const made = {};
  for (const [name, formula] of Object.entries(formulas)) {
    made[name] = await post({ name, type: 'formula', formula });
  }
  assert.equal(made.Many.formula_type, 'boolean');
  assert.equal(made.Launch.formula_type, 'date');
  assert.equal(made.State.formula_type, 'single_select');
  assert.equal(made.Makers.formula_type, 'array');

  const { context, page } = await openGrid(user, s.path);
  const cell = async (name) => {
    const i = await columnIndex(page, name);
    return page.locator(`#grid tbody tr[data-row-id="${s.rows[0].id}"] td`).nth(i);
  };
  assert.equal(await (await cell('Many')).locator('.check.checked').count(), 1);
  assert.equal(await (await cell('Launch')).textContent(), '31/01/2024');
  assert.equal(await (await cell('State')).locator('.chip.chip-green').textContent(), 'Open');
  assert.deepEqual(await (await cell('Makers')).locator('.chip').allTextContents(), ['Acme', 'Globex']);
  // The second row: Qty 2 is not more than 3, no status, no suppliers.
  const second = async (name) => page.locator(`#grid tbody tr[data-row-id="${s.rows[1].id}"] td`).nth(await columnIndex(page, name));
  assert.equal(await (await second('Many')).locator('.check:not(.checked)').count(), 1);
  assert.equal(await (await second('Makers')).locator('.chip').count(), 0);

  // The expanded row shows them the same way, not as editable values.
  await page.locator(`#grid tbody tr[data-row-id="${s.rows[0].id}"] .row-expand`).click();
  await page.waitForSelector('dialog[open] .row-fields');
  await screenshot(page, 'field-dialog-computed-row');

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('unique values and the index: ticked in the dialog, refused over duplicates in words, enforced on new rows', async () => {
  const user = await signUp();
  const s = await shop(user);
  const token = user.token;
  const { context, page } = await openGrid(user, s.path);

  // A new text field with both ticked; types without them hide the boxes.
  await openNewField(page, 'Code', 'text');
  assert.equal(await page.isVisible('#field-unique'), true);
  assert.equal(await page.isVisible('#field-db-index'), true);
  await page.selectOption('#field-type', 'multiple_select');
  assert.equal(await page.isVisible('#field-rules'), false, 'a multiple select has neither');
  await page.selectOption('#field-type', 'boolean');
  assert.equal(await page.isVisible('#field-unique'), false);
  assert.equal(await page.isVisible('#field-db-index'), true, 'a boolean can be indexed');
  await page.selectOption('#field-type', 'text');
  await page.check('#field-unique');
  await page.check('#field-db-index');
  await screenshot(page, 'field-dialog-unique');
  await saveField(page, 'Code');
  let code = (await tableFields(token, s.tableId)).find((f) => f.name === 'Code');
  assert.deepEqual(code.field_constraints, [{ type_name: 'unique_with_empty' }]);
  assert.equal(code.db_index, true);

  // A value another row holds is refused, typed in the grid or sent to the API.
  await apiOk('PATCH', `/api/database/rows/table/${s.tableId}/${s.rows[0].id}/`, { token, body: { [`field_${code.id}`]: 'P-1' } });
  const col = await columnIndex(page, 'Code');
  const td = page.locator(`#grid tbody tr[data-row-id="${s.rows[1].id}"] td`).nth(col);
  // Typing on a cell replaces its value; Enter saves.
  await td.click();
  await page.keyboard.type('P-1');
  await page.keyboard.press('Enter');
  // The editor opens again with what was typed, and a notice beside it says why.
  await page.waitForSelector('#cell-notice');
  assert.match(await page.locator('#cell-notice').textContent(), /Another row already holds this value/);
  await screenshot(page, 'grid-unique-refused');
  await page.keyboard.press('Escape');
  const refused = await apiCall('PATCH', `/api/database/rows/table/${s.tableId}/${s.rows[1].id}/`, { token, body: { [`field_${code.id}`]: 'P-1' } });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error, 'ERROR_FIELD_DATA_CONSTRAINT');
  const stored = await apiOk('GET', `/api/database/rows/table/${s.tableId}/${s.rows[1].id}/`, { token });
  assert.equal(stored[`field_${code.id}`], null, 'nothing was written');
  await page.waitForFunction(([id, i]) => document.querySelector(`#grid tbody tr[data-row-id="${id}"]`)?.children[i]?.textContent === '', [s.rows[1].id, col]);

  // Unticked, both go; ticked again over duplicates, the dialog says why and stays open.
  await page.click(`#grid thead th:has(.field-name-text:text-is("Code")) .field-menu-button`);
  await page.click('#column-menu [data-action="edit"]');
  await page.waitForSelector('#field-dialog');
  assert.equal(await page.isChecked('#field-unique'), true);
  assert.equal(await page.isChecked('#field-db-index'), true);
  await page.uncheck('#field-unique');
  await page.uncheck('#field-db-index');
  await page.click('#field-save');
  await page.waitForSelector('#field-dialog', { state: 'detached' });
  code = (await tableFields(token, s.tableId)).find((f) => f.name === 'Code');
  assert.deepEqual(code.field_constraints, []);
  assert.equal(code.db_index, false);
  await apiOk('PATCH', `/api/database/rows/table/${s.tableId}/${s.rows[1].id}/`, { token, body: { [`field_${code.id}`]: 'P-1' } });

  await page.click(`#grid thead th:has(.field-name-text:text-is("Code")) .field-menu-button`);
  await page.click('#column-menu [data-action="edit"]');
  await page.waitForSelector('#field-dialog');
  await page.check('#field-unique');
  await page.click('#field-save');
  await page.waitForSelector('#field-error:not([hidden])');
  assert.match(await page.textContent('#field-error'), /Some values in this field are duplicated/);
  await screenshot(page, 'field-dialog-unique-refused');
  assert.deepEqual((await tableFields(token, s.tableId)).find((f) => f.name === 'Code').field_constraints, []);

  // A default value and unique values do not go together: said in words too.
  await page.fill('#field-text-default', 'x');
  await page.click('#field-save');
  await page.waitForFunction(() => /default value/.test(document.getElementById('field-error').textContent));
  assert.deepEqual(page.errors, []);
  await context.close();
});
