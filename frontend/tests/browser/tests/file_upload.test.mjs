// Uploading into file cells in a real browser: a PNG dropped on a cell uploads, shows its
// thumbnail and reaches a second user live; the cell's editor adds files through the
// file chooser and removes one; the preview opens on a thumbnail and closes. Every change
// is checked where it lands: in the row the API returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl, uniqueEmail } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// An 8×8 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQqziBFTEMLQkABkZXgRDDjAEAAAAASUVORK5CYII=';

async function openGrid(user, path) {
  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, user);
  await page.goto(path);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  return { context, page };
}

async function storedFiles(token, tableId, rowId, fieldId, count) {
  const deadline = Date.now() + 8000;
  for (;;) {
    const row = await apiOk('GET', `/api/database/rows/table/${tableId}/${rowId}/`, { token });
    const files = row[`field_${fieldId}`] || [];
    if (files.length === count || Date.now() > deadline) return files;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a PNG dropped on a file cell uploads, shows, reaches a second user live; the editor adds and removes; the preview opens', async () => {
  const ann = await signUp({ name: 'Ann', email: uniqueEmail('ann') });
  const bob = await signUp({ name: 'Bob', email: uniqueEmail('bob') });
  const { workspaceId, databaseId, tableId } = await createTable(ann, { table: 'Assets' });
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${workspaceId}/`, {
    token: ann.token,
    body: { email: bob.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: bob.token, body: {} });
  const field = await apiOk('POST', `/api/database/fields/table/${tableId}/`, {
    token: ann.token, body: { type: 'file', name: 'Attachments' },
  });
  const [first] = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token: ann.token })).results;
  const path = `/database/${databaseId}/table/${tableId}`;
  const a = await openGrid(ann, path);
  const b = await openGrid(bob, path);
  const cellSel = `#grid tbody tr[data-row-id="${first.id}"] td.cell-file`;

  // Ann drops a PNG on the cell (a synthesized drag with a real File).
  await a.page.evaluate(({ sel, png }) => {
    const td = document.querySelector(sel);
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dot.png', { type: 'image/png' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      td.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, { sel: cellSel, png: PNG });
  let files = await storedFiles(ann.token, tableId, first.id, field.id, 1);
  assert.equal(files.length, 1);
  assert.equal(files[0].visible_name, 'dot.png');
  assert.equal(files[0].is_image, true);
  const thumbA = a.page.locator(`${cellSel} img.file-thumb`);
  await thumbA.waitFor({ timeout: 5000 });
  await a.page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumbA.elementHandle());
  // Bob sees it arrive without reloading.
  const thumbB = b.page.locator(`${cellSel} img.file-thumb`);
  await thumbB.waitFor({ timeout: 5000 });
  await b.page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumbB.elementHandle());
  await screenshot(b.page, 'file-upload-live');

  // The picker: Enter on the cell opens the editor; "Add files" takes a text file.
  await a.page.locator(cellSel).click({ position: { x: 150, y: 10 } });
  await a.page.keyboard.press('Enter');
  const popup = a.page.locator('.file-popup');
  await popup.waitFor();
  const chooser = a.page.waitForEvent('filechooser');
  await popup.locator('.file-add').click();
  await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello files') });
  await popup.locator('.file-row', { hasText: 'notes.txt' }).waitFor({ timeout: 5000 });
  files = await storedFiles(ann.token, tableId, first.id, field.id, 2);
  assert.deepEqual(files.map((f) => f.visible_name), ['dot.png', 'notes.txt']);
  await screenshot(a.page, 'file-editor');

  // × removes the image; the stored value keeps the text file.
  await popup.locator('.file-row', { hasText: 'dot.png' }).locator('.file-remove').click();
  files = await storedFiles(ann.token, tableId, first.id, field.id, 1);
  assert.deepEqual(files.map((f) => f.visible_name), ['notes.txt']);
  await a.page.keyboard.press('Escape');
  await popup.waitFor({ state: 'detached' });
  await b.page.locator(`${cellSel} .chip-file`, { hasText: 'notes.txt' }).waitFor({ timeout: 5000 });
  await b.page.locator(`${cellSel} img.file-thumb`).waitFor({ state: 'detached', timeout: 5000 });

  // The preview: an image large (after another drop), the text file as a card with Download.
  await a.page.evaluate(({ sel, png }) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dot2.png', { type: 'image/png' }));
    document.querySelector(sel).dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, { sel: cellSel, png: PNG });
  await storedFiles(ann.token, tableId, first.id, field.id, 2);
  await a.page.locator(`${cellSel} img.file-thumb`).click();
  const preview = a.page.locator('dialog#file-preview');
  await preview.waitFor();
  const big = preview.locator('img.file-preview-image');
  await a.page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await big.elementHandle());
  await screenshot(a.page, 'file-preview-image');
  await a.page.keyboard.press('ArrowLeft');
  await preview.locator('.file-card', { hasText: 'notes.txt' }).waitFor();
  assert.ok((await preview.locator('a.file-download').getAttribute('href')).includes('/media/user_files/'));
  await screenshot(a.page, 'file-preview-card');
  await a.page.keyboard.press('Escape');
  await preview.waitFor({ state: 'detached' });

  assert.deepEqual(a.page.errors, []);
  assert.deepEqual(b.page.errors, []);
  await a.context.close();
  await b.context.close();
});

test('a refused upload is told in words next to the cell; a pasted image is uploaded; the expanded row adds and removes files', async () => {
  const user = await signUp({ name: 'Cy' });
  const { databaseId, tableId } = await createTable(user, { table: 'Docs' });
  const field = await apiOk('POST', `/api/database/fields/table/${tableId}/`, {
    token: user.token, body: { type: 'file', name: 'Files' },
  });
  const [first] = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token: user.token })).results;
  const { context, page } = await openGrid(user, `/database/${databaseId}/table/${tableId}`);
  const cellSel = `#grid tbody tr[data-row-id="${first.id}"] td.cell-file`;

  await page.route('**/api/user-files/upload-file/', (route) => route.fulfill({
    status: 413, contentType: 'application/json',
    body: JSON.stringify({ error: 'ERROR_FILE_SIZE_TOO_LARGE', detail: 'ERROR_FILE_SIZE_TOO_LARGE' }),
  }));
  await page.evaluate((sel) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x'.repeat(100)], 'huge.bin'));
    document.querySelector(sel).dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, cellSel);
  const notice = page.locator('.cell-notice');
  await notice.waitFor();
  const text = await notice.textContent();
  assert.match(text, /huge\.bin/);
  assert.match(text, /larger than this server accepts/);
  assert.doesNotMatch(text, /ERROR_/);
  await page.unroute('**/api/user-files/upload-file/');

  // A PNG pasted into the selected cell is uploaded into it.
  await page.locator(cellSel).click({ position: { x: 150, y: 10 } });
  await page.evaluate((png) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
  }, PNG);
  const pasted = await storedFiles(user.token, tableId, first.id, field.id, 1);
  assert.deepEqual(pasted.map((f) => f.visible_name), ['pasted.png']);
  await page.locator(`${cellSel} img.file-thumb`).waitFor({ timeout: 5000 });
  await apiOk('PATCH', `/api/database/rows/table/${tableId}/${first.id}/`, { token: user.token, body: { [`field_${field.id}`]: [] } });
  await page.locator(`${cellSel} img.file-thumb`).waitFor({ state: 'detached', timeout: 5000 });

  // The expanded row: "+ Add files" picks, × removes.
  await page.locator(`#grid tbody tr[data-row-id="${first.id}"] .row-expand`).click({ force: true });
  const dd = page.locator(`dialog#row-dialog dd[data-field-id="${field.id}"]`);
  await dd.waitFor();
  const chooser = page.waitForEvent('filechooser');
  await dd.locator('.file-add').click();
  await (await chooser).setFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 test') });
  await dd.locator('.file-entry', { hasText: 'report.pdf' }).waitFor({ timeout: 5000 });
  let files = await storedFiles(user.token, tableId, first.id, field.id, 1);
  assert.deepEqual(files.map((f) => f.visible_name), ['report.pdf']);
  await screenshot(page, 'file-row-dialog');
  await dd.locator('.file-entry', { hasText: 'report.pdf' }).locator('.file-remove').click();
  files = await storedFiles(user.token, tableId, first.id, field.id, 0);
  assert.equal(files.length, 0);
  await dd.locator('.file-entry').waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await context.close();
});
