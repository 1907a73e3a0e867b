// The grid's column headers in a real browser, at both sizes: each field type's icon, the
// description's ⓘ, and the column menu (▾ or right-click): edit, rename in place,
// duplicate, hide, sort, filter and delete, by pointer and by keyboard. Each step is
// checked in what the API then holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { launch, newPage, signUp, logIn, createTable, apiOk, artifactsDir, assertFitsWidth } from '../support.mjs';

const SIZES = ['desktop', 'mobile'];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * A Products table: Name (primary), Price (number), Stage (single select), Qty (number),
 * then `extra` fields; rows Pen, Book, Cup. Answers ids, fields by name and the path.
 */
async function products(user, extra = []) {
  const token = user.token;
  const { databaseId, tableId } = await createTable(user, { table: 'Products' });
  const rowIds = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (rowIds.length) await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: rowIds } });
  const fields = {};
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (f.primary) fields.Name = await apiOk('PATCH', `/api/database/fields/${f.id}/`, { token, body: { name: 'Name' } });
    else await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  const specs = [
    { name: 'Price', type: 'number', number_decimal_places: 2 },
    { name: 'Stage', type: 'single_select', select_options: [{ value: 'Draft', color: 'blue' }, { value: 'Done', color: 'green' }] },
    { name: 'Qty', type: 'number' },
    ...extra,
  ];
  for (const spec of specs) {
    fields[spec.name] = await apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body: spec });
  }
  const f = (name) => `field_${fields[name].id}`;
  await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, {
    token,
    body: { items: [{ [f('Name')]: 'Pen', [f('Price')]: '1.50' }, { [f('Name')]: 'Book', [f('Price')]: '12' }, { [f('Name')]: 'Cup', [f('Price')]: '4' }] },
  });
  const views = await apiOk('GET', `/api/database/views/table/${tableId}/`, { token });
  return { tableId, viewId: views[0].id, fields, path: `/database/${databaseId}/table/${tableId}` };
}

async function openGrid(user, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

/** A screenshot of the page as it is, at the size it is (a menu open stays open). */
async function shot(page, name, size) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}-${size}.png`) });
  if (size === 'mobile') await assertFitsWidth(page);
}

const header = (page, name) => page.locator(`#grid thead th:has(.field-name-text:text-is("${name}"))`);

/** The headers' texts, in order (the row number's column left out). */
const headerTexts = (page) => page.locator('#grid thead th[data-field-id]').evaluateAll((ths) => ths.map((th) => th.textContent.trim()));

/** The first column's texts, row by row. */
const names = (page) => page.locator('#grid tbody tr[data-row-id]').evaluateAll((trs) => trs.map((tr) => tr.children[1].textContent));

/** Opens a column's menu with its ▾; answers the menu. */
async function openMenu(page, name) {
  const th = header(page, name);
  await th.scrollIntoViewIfNeeded();
  await th.locator('.field-menu-button').click();
  const menu = page.locator('#column-menu');
  await menu.waitFor();
  return menu;
}

const fieldsOf = (user, tableId) => apiOk('GET', `/api/database/fields/table/${tableId}/`, { token: user.token });

for (const size of SIZES) {
  test(`field icons (${size}): each header shows its type's icon, named in its tooltip, and reads as the field's name`, async () => {
    const user = await signUp();
    const extra = [
      { name: 'Notes', type: 'long_text' },
      { name: 'Score', type: 'rating', max_value: 5 },
      { name: 'Done', type: 'boolean' },
      { name: 'Due', type: 'date' },
      { name: 'Took', type: 'duration', duration_format: 'h:mm' },
      { name: 'Tags', type: 'multiple_select', select_options: [{ value: 'A', color: 'red' }] },
      { name: 'Site', type: 'url' },
      { name: 'Mail', type: 'email' },
      { name: 'Phone', type: 'phone_number' },
      { name: 'Files', type: 'file' },
      { name: 'People', type: 'multiple_collaborators' },
      { name: 'Total', type: 'formula', formula: "field('Price') * 2" },
      { name: 'No', type: 'autonumber' },
      { name: 'Key', type: 'uuid' },
      { name: 'Created', type: 'created_on' },
      { name: 'Changed', type: 'last_modified' },
      { name: 'Author', type: 'created_by' },
      { name: 'Editor', type: 'last_modified_by' },
      { name: 'Secret', type: 'password' },
    ];
    const t = await products(user, extra);
    // Narrow columns, so that the screenshots show many types.
    const widths = Object.fromEntries(Object.values(t.fields).map((f) => [f.id, { width: 130 }]));
    await apiOk('PATCH', `/api/database/views/${t.viewId}/field-options/`, { token: user.token, body: { field_options: widths } });
    const { context, page } = await openGrid(user, t.path, size);

    const heads = await page.locator('#grid thead th[data-field-id]').evaluateAll((ths) => ths.map((th) => ({
      text: th.textContent.trim(),
      type: th.dataset.type,
      icon: th.querySelector('.field-name svg.field-icon')?.dataset.type,
      shape: th.querySelector('.field-name svg.field-icon path')?.getAttribute('d'),
      width: th.querySelector('.field-name svg.field-icon')?.getBoundingClientRect().width,
      title: th.querySelector('.field-name').title,
    })));
    assert.deepEqual(heads.map((h) => h.text), ['Name', 'Price', 'Stage', 'Qty', ...extra.map((e) => e.name)]);
    for (const h of heads) {
      assert.equal(h.icon, h.type, `${h.text} has its type's icon`);
      assert.equal(h.width, 16, `${h.text}'s icon is drawn`);
    }
    // One drawing per type: no two types look the same.
    const shapes = new Map(heads.map((h) => [h.type, h.shape]));
    assert.equal(new Set(shapes.values()).size, shapes.size);
    const title = (name) => heads.find((h) => h.text === name).title;
    assert.equal(title('Name'), 'Name (Single line text)');
    assert.equal(title('Stage'), 'Stage (Single select)');
    assert.equal(title('People'), 'People (Collaborators)');
    assert.equal(title('Changed'), 'Changed (Last modified)');

    // The field dialog shows the chosen type's icon beside its picker.
    await header(page, 'Price').locator('.field-name').click();
    await page.waitForSelector('#field-dialog .field-type-icon svg[data-type="number"]');
    await page.selectOption('#field-type', 'email');
    await page.waitForSelector('#field-dialog .field-type-icon svg[data-type="email"]');
    await page.click('#field-dialog .dialog-close');

    await shot(page, 'column-icons', size);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`column menu by keyboard (${size}): Tab reaches the ▾, arrows move, Escape closes, Edit field opens the dialog`, async () => {
    const user = await signUp();
    const t = await products(user);
    const { context, page } = await openGrid(user, t.path, size);

    await header(page, 'Price').locator('.field-name').focus();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement.closest('th')?.dataset.fieldId + ':' + document.activeElement.className);
    assert.equal(await focused(), `${t.fields.Price.id}:field-menu-button`);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Options for the field Price');
    await page.keyboard.press('Enter');
    const menu = page.locator('#column-menu');
    await menu.waitFor();
    assert.equal(await header(page, 'Price').locator('.field-menu-button').getAttribute('aria-expanded'), 'true');
    const active = () => page.evaluate(() => document.activeElement.dataset.action);
    assert.equal(await active(), 'edit');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'rename');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'duplicate');
    await page.keyboard.press('End');
    assert.equal(await active(), 'delete');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'edit', 'the arrows wrap around');
    await page.keyboard.press('ArrowUp');
    assert.equal(await active(), 'delete');
    await page.keyboard.press('Home');
    assert.equal(await active(), 'edit');
    assert.deepEqual(await menu.locator('[role=menuitem]').allTextContents(), [
      'Edit field', 'Rename', 'Duplicate', 'Hide field', 'Sort 1 → 9', 'Sort 9 → 1', 'Filter by this field', 'Delete field',
    ]);
    await shot(page, 'column-menu', size);

    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    assert.equal(await focused(), `${t.fields.Price.id}:field-menu-button`, 'the focus goes back to the ▾');

    // Enter on "Edit field" opens the field's dialog.
    await page.keyboard.press('Enter');
    await menu.waitFor();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#field-dialog');
    assert.equal(await page.inputValue('#field-name'), 'Price');
    assert.equal(await page.inputValue('#field-number-decimal-places'), '2');
    assert.equal(await menu.isHidden(), true);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`rename in the header (${size}): right-click opens the menu, Enter saves, Escape cancels, refusals in words`, async () => {
    const user = await signUp();
    const t = await products(user);
    const { context, page } = await openGrid(user, t.path, size);

    // Qty is the last column: scrolled to the end, its right part is clear of the frozen one.
    const th = header(page, 'Qty');
    await page.locator('#grid-scroll').evaluate((el) => { el.scrollLeft = el.scrollWidth; });
    const box = await th.boundingBox();
    await th.click({ button: 'right', position: { x: box.width - 60, y: box.height / 2 } });
    const menu = page.locator('#column-menu');
    await menu.waitFor();
    const at = await menu.boundingBox();
    assert.ok(Math.abs(at.y - (box.y + box.height / 2)) < 2, 'the menu opens where the header was right-clicked');
    assert.equal(await menu.getAttribute('aria-label'), 'Options for the field Qty');
    await menu.locator('[data-action="rename"]').click();
    const input = page.locator('#column-rename');
    await input.waitFor();
    assert.equal(await input.inputValue(), 'Qty');
    assert.equal(await input.evaluate((i) => i.selectionStart === 0 && i.selectionEnd === 3), true, 'the old name is selected');

    // A name another field has is refused, in words, and nothing changes.
    await input.fill('Price');
    await input.press('Enter');
    const notice = page.locator('.cell-notice');
    await notice.waitFor();
    assert.equal(await notice.textContent(), 'The field could not be renamed: A field with that name already exists.');
    assert.equal(await input.isVisible(), true, 'the name stays for correcting');
    await input.fill('');
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelector('.cell-notice')?.textContent === 'A field needs a name.');
    await input.fill('Q\u0000ty');
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelector('.cell-notice')?.textContent === 'The field could not be renamed: Null characters are not allowed.');
    await shot(page, 'column-menu-rename-refused', size);

    // Escape keeps the old name.
    await input.fill('Quantity');
    await input.press('Escape');
    await input.waitFor({ state: 'detached' });
    assert.equal(await notice.count(), 0);
    assert.ok((await headerTexts(page)).includes('Qty'));
    assert.equal((await fieldsOf(user, t.tableId)).find((f) => f.id === t.fields.Qty.id).name, 'Qty');

    // Enter saves.
    await openMenu(page, 'Qty');
    await page.click('#column-menu [data-action="rename"]');
    await input.fill('Quantity');
    await input.press('Enter');
    await header(page, 'Quantity').waitFor();
    assert.deepEqual(await headerTexts(page), ['Name', 'Price', 'Stage', 'Quantity']);
    assert.equal((await fieldsOf(user, t.tableId)).find((f) => f.id === t.fields.Qty.id).name, 'Quantity');
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`duplicate, hide, sort and filter from the column menu (${size})`, async () => {
    const user = await signUp();
    const t = await products(user, [{ name: 'Total', type: 'formula', formula: "field('Price') * 2" }]);
    const { context, page } = await openGrid(user, t.path, size);

    // Duplicate: a new field of the same type and options, named "… (copy)".
    let menu = await openMenu(page, 'Stage');
    await menu.locator('[data-action="duplicate"]').click();
    await header(page, 'Stage (copy)').waitFor();
    const copy = (await fieldsOf(user, t.tableId)).find((f) => f.name === 'Stage (copy)');
    assert.equal(copy.type, 'single_select');
    assert.deepEqual(copy.select_options.map((o) => [o.value, o.color]), [['Draft', 'blue'], ['Done', 'green']]);
    menu = await openMenu(page, 'Stage');
    await menu.locator('[data-action="duplicate"]').click();
    await header(page, 'Stage (copy 2)').waitFor();
    // A formula's copy computes the same formula.
    menu = await openMenu(page, 'Total');
    await menu.locator('[data-action="duplicate"]').click();
    await header(page, 'Total (copy)').waitFor();
    const total = (await fieldsOf(user, t.tableId)).find((f) => f.name === 'Total (copy)');
    assert.equal(total.type, 'formula');
    assert.equal(total.formula, "field('Price') * 2");

    // Hide: the column goes, the view's field options say so, the toolbar counts it.
    menu = await openMenu(page, 'Stage (copy)');
    await menu.locator('[data-action="hide"]').click();
    await header(page, 'Stage (copy)').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#open-hidden').textContent(), '1 hidden');
    const options = await apiOk('GET', `/api/database/views/${t.viewId}/field-options/`, { token: user.token });
    assert.equal(options.field_options[copy.id].hidden, true);
    // The primary field cannot be hidden, and the item says why.
    menu = await openMenu(page, 'Name');
    const hideName = menu.locator('[data-action="hide"]');
    assert.equal(await hideName.getAttribute('aria-disabled'), 'true');
    assert.equal(await menu.locator('#column-menu-hide-reason').textContent(), 'The primary field is always shown.');
    assert.deepEqual(await menu.locator('[data-action^="sort"] span').allTextContents(), ['Sort A → Z', 'Sort Z → A']);
    await page.keyboard.press('Escape');

    // Sort: labels for numbers; the rows follow, the view keeps the sort.
    menu = await openMenu(page, 'Price');
    await menu.locator('[data-action="sort-desc"]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('#grid tbody tr[data-row-id]')].map((tr) => tr.children[1].textContent).join() === 'Book,Cup,Pen');
    let view = await apiOk('GET', `/api/database/views/${t.viewId}/?include=sortings`, { token: user.token });
    assert.deepEqual(view.sortings.map((s) => [s.field, s.order]), [[t.fields.Price.id, 'DESC']]);
    assert.equal(await page.locator('#open-sorts').textContent(), 'Sorted by 1');
    // Sorting the same field again changes its direction rather than adding a sort.
    menu = await openMenu(page, 'Price');
    await menu.locator('[data-action="sort-asc"]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('#grid tbody tr[data-row-id]')].map((tr) => tr.children[1].textContent).join() === 'Pen,Cup,Book');
    view = await apiOk('GET', `/api/database/views/${t.viewId}/?include=sortings`, { token: user.token });
    assert.deepEqual(view.sortings.map((s) => [s.field, s.order]), [[t.fields.Price.id, 'ASC']]);

    // Filter: the filters open with a new condition on the field; a single select's
    // condition picks one of its options by name.
    const cup = (await apiOk('GET', `/api/database/rows/table/${t.tableId}/?search=Cup`, { token: user.token })).results[0];
    const done = t.fields.Stage.select_options.find((o) => o.value === 'Done');
    await apiOk('PATCH', `/api/database/rows/table/${t.tableId}/${cup.id}/`, { token: user.token, body: { [`field_${t.fields.Stage.id}`]: done.id } });
    menu = await openMenu(page, 'Stage');
    await menu.locator('[data-action="filter"]').click();
    await page.waitForSelector('#filters-dialog .filter');
    const filterField = await page.locator('#filters-dialog .filter select').first().inputValue();
    assert.equal(Number(filterField), t.fields.Stage.id);
    view = await apiOk('GET', `/api/database/views/${t.viewId}/?include=filters`, { token: user.token });
    assert.deepEqual(view.filters.map((f) => [f.field, f.type]), [[t.fields.Stage.id, 'single_select_equal']]);
    assert.equal(await page.locator('#open-filters').textContent(), 'Filters (1)');
    await page.locator('#filters-dialog .filter select.filter-option').selectOption({ label: 'Done' });
    await page.waitForFunction(() => [...document.querySelectorAll('#grid tbody tr[data-row-id]')].map((tr) => tr.children[1].textContent).join() === 'Cup');
    view = await apiOk('GET', `/api/database/views/${t.viewId}/?include=filters`, { token: user.token });
    assert.equal(String(view.filters[0].value), String(done.id));
    await shot(page, 'column-menu-filter', size);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`delete from the column menu (${size}): asks first; the primary field's item says why it cannot`, async () => {
    const user = await signUp();
    const t = await products(user);
    const { context, page } = await openGrid(user, t.path, size);

    let menu = await openMenu(page, 'Name');
    const del = menu.locator('[data-action="delete"]');
    assert.equal(await del.getAttribute('aria-disabled'), 'true');
    assert.equal(await menu.locator('#column-menu-delete-reason').textContent(), 'The primary field cannot be deleted.');
    assert.equal(await del.getAttribute('aria-describedby'), 'column-menu-delete-reason');
    await shot(page, 'column-menu-primary', size);
    await del.click({ force: true });
    assert.equal(await menu.isVisible(), true, 'a refused item does nothing');
    assert.equal(await page.locator('#delete-field-dialog').count(), 0);
    await page.keyboard.press('Escape');

    // Cancel keeps the field.
    menu = await openMenu(page, 'Qty');
    await menu.locator('[data-action="delete"]').click();
    const dialog = page.locator('#delete-field-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.locator('h2').textContent(), 'Delete the field “Qty”?');
    await shot(page, 'column-menu-delete', size);
    await dialog.locator('button:text-is("Cancel")').click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok((await headerTexts(page)).includes('Qty'));

    // Confirming deletes it.
    menu = await openMenu(page, 'Qty');
    await menu.locator('[data-action="delete"]').click();
    await page.click('#confirm-delete-field');
    await header(page, 'Qty').waitFor({ state: 'detached' });
    assert.deepEqual(await headerTexts(page), ['Name', 'Price', 'Stage']);
    assert.equal((await fieldsOf(user, t.tableId)).some((f) => f.name === 'Qty'), false);
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`descriptions (${size}): written in the field dialog, shown as an ⓘ whose tooltip and accessible description are the text`, async () => {
    const user = await signUp();
    const t = await products(user);
    const { context, page } = await openGrid(user, t.path, size);
    assert.equal(await page.locator('#grid thead .field-info').count(), 0);

    const menu = await openMenu(page, 'Price');
    await menu.locator('[data-action="edit"]').click();
    await page.waitForSelector('#field-dialog');
    assert.equal(await page.inputValue('#field-description'), '');
    await page.fill('#field-description', 'Price per unit, before tax');
    await shot(page, 'column-menu-description-dialog', size);
    await page.click('#field-save');
    await page.waitForSelector('#field-dialog', { state: 'detached' });
    assert.equal((await fieldsOf(user, t.tableId)).find((f) => f.name === 'Price').description, 'Price per unit, before tax');

    const info = header(page, 'Price').locator('.field-info');
    await info.waitFor();
    assert.equal(await info.getAttribute('title'), 'Price per unit, before tax');
    // The name button is described by the marker, whose name is the text.
    const described = await header(page, 'Price').locator('.field-name').evaluate((b) => {
      const id = b.getAttribute('aria-describedby');
      return document.getElementById(id)?.getAttribute('aria-label');
    });
    assert.equal(described, 'Price per unit, before tax');
    assert.equal((await header(page, 'Price').textContent()).trim(), 'Price', 'the header still reads as the name');
    await info.hover();
    await shot(page, 'column-icons-description', size);

    // The dialog shows it again; emptying it takes the marker away.
    await header(page, 'Price').locator('.field-name').click();
    await page.waitForSelector('#field-dialog');
    assert.equal(await page.inputValue('#field-description'), 'Price per unit, before tax');
    await page.fill('#field-description', '');
    await page.click('#field-save');
    await page.waitForSelector('#field-dialog', { state: 'detached' });
    await info.waitFor({ state: 'detached' });
    assert.equal((await fieldsOf(user, t.tableId)).find((f) => f.name === 'Price').description, null);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
