// The filters and sorts panels in words: conditions named as a person says them, select
// options picked by name with their colour, dates picked with a date input or a period
// relative to today, and sort directions named for the field's kind. What is picked is
// checked where it lands: in the view's filters and in the rows the grid shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, screenshot, signUp, logIn, createTable, apiOk,
} from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A table of fruit with a single select, a multiple select, a date, a number and a checkbox. */
async function fruitTable(user) {
  const { tableId } = await createTable(user, { table: 'Fruit' });
  const token = user.token;
  const existing = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results.map((r) => r.id);
  if (existing.length) {
    await apiOk('POST', `/api/database/rows/table/${tableId}/batch-delete/`, { token, body: { items: existing } });
  }
  for (const f of await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token })) {
    if (!f.primary) await apiOk('DELETE', `/api/database/fields/${f.id}/`, { token });
  }
  const add = (body) => apiOk('POST', `/api/database/fields/table/${tableId}/`, { token, body });
  const colour = await add({
    name: 'Colour',
    type: 'single_select',
    select_options: [{ value: 'Red', color: 'red' }, { value: 'Green', color: 'green' }, { value: 'Yellow', color: 'yellow' }],
  });
  const tags = await add({
    name: 'Tags',
    type: 'multiple_select',
    select_options: [{ value: 'Sweet', color: 'orange' }, { value: 'Sour', color: 'purple' }],
  });
  const picked = await add({ name: 'Picked', type: 'date', date_format: 'ISO' });
  const weight = await add({ name: 'Weight', type: 'number', number_decimal_places: 0 });
  const ripe = await add({ name: 'Ripe', type: 'boolean' });
  const fields = await apiOk('GET', `/api/database/fields/table/${tableId}/`, { token });
  const name = fields.find((f) => f.primary);
  const option = (field, value) => field.select_options.find((o) => o.value === value).id;
  const today = new Date().toISOString().slice(0, 10);
  const rows = [
    ['Apple', 'Red', ['Sweet'], '2024-05-01', 150, true],
    ['Lime', 'Green', ['Sour'], today, 60, false],
    ['Banana', 'Yellow', ['Sweet'], '2024-07-15', 120, true],
    ['Kiwi', 'Green', ['Sweet', 'Sour'], '2023-12-24', 80, false],
  ];
  const items = rows.map(([n, c, t, d, w, r]) => ({
    [`field_${name.id}`]: n,
    [`field_${colour.id}`]: option(colour, c),
    [`field_${tags.id}`]: t.map((v) => option(tags, v)),
    [`field_${picked.id}`]: d,
    [`field_${weight.id}`]: w,
    [`field_${ripe.id}`]: r,
  }));
  await apiOk('POST', `/api/database/rows/table/${tableId}/batch/`, { token, body: { items } });
  const table = await apiOk('GET', `/api/database/tables/${tableId}/`, { token });
  return { tableId, colour, tags, picked, path: `/database/${table.database_id}/table/${tableId}` };
}

async function openGrid(user, path, size) {
  const { context, page } = await newPage(browser, size);
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  return { context, page };
}

const names = (page) => page.locator('#grid tbody tr[data-row-id] td[data-col="0"]').allTextContents();

async function waitNames(page, expected) {
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('#grid tbody tr[data-row-id] td[data-col="0"]')].map((td) => td.textContent).join() === want,
    expected.join(),
  );
}

/** The one filter of the table's view, as the API has it. */
async function storedFilter(user, tableId) {
  const [view] = await apiOk('GET', `/api/database/views/table/${tableId}/?include=filters,sortings`, { token: user.token });
  return view;
}

for (const size of ['desktop', 'mobile']) {
  test(`filters in words (${size}): select options by name and colour, dates by a date input or a period`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const t = await fruitTable(ann);
    const { context, page } = await openGrid(ann, t.path, size);
    const settled = () => page.waitForSelector('#filters-dialog:not([data-busy])');
    const filter = () => page.locator('#filters-dialog .filter').first();

    await page.click('#open-filters');
    await page.click('#filters-dialog .add-filter');
    await settled();
    await filter().locator('select').first().selectOption({ label: 'Colour' });
    await settled();

    // Conditions in words, none as an API name, none twice.
    const conditions = await filter().locator('select[aria-label="Condition"] option').allTextContents();
    for (const words of ['contains', "doesn't contain", 'is', 'is not', 'is any of', 'is none of', 'is empty']) {
      assert.ok(conditions.includes(words), `${words} in ${conditions.join()}`);
    }
    assert.ok(conditions.every((c) => !c.includes('_')), conditions.join());
    assert.equal(new Set(conditions).size, conditions.length, conditions.join());
    await filter().locator('select[aria-label="Condition"]').selectOption({ label: 'is' });
    await settled();

    // "is": a list of the options by name, each in its colour.
    const pick = filter().locator('select.filter-option');
    assert.deepEqual(await pick.locator('option').allTextContents(), ['Choose an option…', 'Red', 'Green', 'Yellow']);
    assert.equal(await pick.locator('option', { hasText: 'Green' }).getAttribute('class'), 'chip-green');
    assert.equal(await page.locator('#filters-dialog input.filter-value').count(), 0, 'no free text box');
    await pick.selectOption({ label: 'Green' });
    await settled();
    await waitNames(page, ['Lime', 'Kiwi']);
    const green = t.colour.select_options.find((o) => o.value === 'Green').id;
    assert.equal((await storedFilter(ann, t.tableId)).filters[0].value, String(green));
    assert.equal(await filter().locator('select.filter-option').inputValue(), String(green));
    await screenshot(page, 'filters-select');

    // "is any of": each option a checkbox with its coloured chip.
    await filter().locator('select[aria-label="Condition"]').selectOption({ label: 'is any of' });
    await settled();
    await filter().locator('.filter-option-check', { hasText: 'Red' }).locator('input').check();
    await settled();
    await filter().locator('.filter-option-check', { hasText: 'Yellow' }).locator('input').check();
    await settled();
    await waitNames(page, ['Apple', 'Banana']);
    assert.equal(await filter().locator('.filter-option-check .chip.chip-yellow').count(), 1);

    // A multiple select: "has" an option, picked the same way.
    await filter().locator('select').first().selectOption({ label: 'Tags' });
    await settled();
    const tagConditions = await filter().locator('select[aria-label="Condition"] option').allTextContents();
    assert.ok(tagConditions.includes('has') && tagConditions.includes("doesn't have"), tagConditions.join());
    await filter().locator('select[aria-label="Condition"]').selectOption({ label: 'has' });
    await settled();
    await filter().locator('select.filter-option').selectOption({ label: 'Sour' });
    await settled();
    await waitNames(page, ['Lime', 'Kiwi']);

    // A date: relative periods the API knows, and "the date" with a date input.
    await filter().locator('select').first().selectOption({ label: 'Picked' });
    await settled();
    const dateConditions = await filter().locator('select[aria-label="Condition"] option').allTextContents();
    for (const words of ['is', 'is before', 'is after', 'is on or before', 'is within']) {
      assert.ok(dateConditions.includes(words), `${words} in ${dateConditions.join()}`);
    }
    assert.equal(new Set(dateConditions).size, dateConditions.length, dateConditions.join());
    await filter().locator('select[aria-label="Condition"]').selectOption({ label: 'is' });
    await settled();
    const periods = await filter().locator('select.filter-period option').allTextContents();
    for (const words of ['today', 'yesterday', 'this week', 'this month', 'next year', 'number of days ago', 'the date']) {
      assert.ok(periods.includes(words), `${words} in ${periods.join()}`);
    }
    // "is" starts at today.
    assert.equal(await filter().locator('select.filter-period').inputValue(), 'today');
    await waitNames(page, ['Lime']);
    await filter().locator('select[aria-label="Condition"]').selectOption({ label: 'is before' });
    await settled();
    await filter().locator('select.filter-period').selectOption({ label: 'the date' });
    await settled();
    const date = filter().locator('input[type="date"]');
    await date.fill('2024-06-01');
    await date.dispatchEvent('change');
    await settled();
    await waitNames(page, ['Apple', 'Kiwi']);
    const stored = (await storedFilter(ann, t.tableId)).filters[0];
    assert.equal(stored.type, 'date_is_before');
    assert.match(stored.value, /^[^?]+\?2024-06-01\?exact_date$/);
    await screenshot(page, 'filters-date');
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test(`sort directions named for the field (${size}): 1 → 9, A → Z, oldest → newest, unchecked → checked`, async () => {
    const ann = await signUp({ name: 'Ann' });
    const t = await fruitTable(ann);
    const { context, page } = await openGrid(ann, t.path, size);
    await page.click('#open-sorts');
    const expected = {
      Weight: ['1 → 9', '9 → 1'],
      Name: ['A → Z', 'Z → A'],
      Picked: ['oldest → newest', 'newest → oldest'],
      Ripe: ['unchecked → checked', 'checked → unchecked'],
    };
    for (const [field, labels] of Object.entries(expected)) {
      await page.selectOption('#add-sort', { label: field });
      await page.waitForSelector('#sorts-dialog:not([data-busy])');
      const sort = page.locator('#sorts-dialog .sort', { hasText: field });
      await sort.waitFor();
      assert.deepEqual(await sort.locator('select option').allTextContents(), labels, field);
    }
    // The first sort, by weight from 9 down, orders the grid.
    await page.locator('#sorts-dialog .sort', { hasText: 'Weight' }).locator('select').selectOption({ label: '9 → 1' });
    await page.waitForSelector('#sorts-dialog:not([data-busy])');
    await waitNames(page, ['Apple', 'Banana', 'Kiwi', 'Lime']);
    await screenshot(page, 'filters-sorts');
    assert.deepEqual(await names(page), ['Apple', 'Banana', 'Kiwi', 'Lime']);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
