// File cells in a real browser: an image shows as its thumbnail and another file as a
// name chip, both opening the file; a file attached by someone else appears live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, signUp, logIn, createTable, apiOk, baseUrl } from '../support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// An 8×8 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQqziBFTEMLQkABkZXgRDDjAEAAAAASUVORK5CYII=',
  'base64',
);

async function upload(token, name, bytes, type) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${baseUrl}/api/user-files/upload-file/`, {
    method: 'POST',
    headers: { Authorization: `JWT ${token}` },
    body: form,
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

test('file cells show image thumbnails and file names, and attachments arrive live', async () => {
  const user = await signUp({ name: 'Fay' });
  const { databaseId, tableId } = await createTable(user, { table: 'Assets' });
  const token = user.token;
  const field = await apiOk('POST', `/api/database/fields/table/${tableId}/`, {
    token, body: { type: 'file', name: 'Attachments' },
  });
  const photo = await upload(token, 'logo.png', PNG, 'image/png');
  const notes = await upload(token, 'notes.txt', Buffer.from('hello'), 'text/plain');
  assert.equal(photo.is_image, true);
  const rows = (await apiOk('GET', `/api/database/rows/table/${tableId}/`, { token })).results;
  const [first, second] = rows;
  await apiOk('PATCH', `/api/database/rows/table/${tableId}/${first.id}/`, {
    token, body: { [`field_${field.id}`]: [{ name: photo.name }, { name: notes.name, visible_name: 'Meeting notes.txt' }] },
  });

  const { context, page } = await newPage(browser, 'desktop');
  await logIn(context, user);
  await page.goto(`/database/${databaseId}/table/${tableId}`);
  await page.waitForSelector('body[data-grid-ready="true"]');
  await page.waitForSelector('#live-status[data-state="live"]');
  const cell = page.locator(`#grid tbody tr[data-row-id="${first.id}"] td.cell-file`);
  const thumb = cell.locator('img.file-thumb');
  await thumb.waitFor();
  assert.ok((await thumb.getAttribute('src')).endsWith(`/media/thumbnails/tiny/${photo.name}`));
  // The thumbnail really loads from the server.
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle());
  const chip = cell.locator('.chip-file');
  assert.equal(await chip.textContent(), 'Meeting notes.txt');
  assert.ok((await chip.getAttribute('href')).endsWith(`/media/user_files/${notes.name}`));

  // Attached by another session: the open page shows it without a reload.
  await apiOk('PATCH', `/api/database/rows/table/${tableId}/${second.id}/`, {
    token, body: { [`field_${field.id}`]: [photo.name] },
  });
  await page.locator(`#grid tbody tr[data-row-id="${second.id}"] td.cell-file img.file-thumb`).waitFor({ timeout: 5000 });
  await screenshot(page, 'file-cells');
  assert.deepEqual(page.errors, []);
  await context.close();
});
