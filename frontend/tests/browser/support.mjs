// Shared helpers of the browser tests: Chromium (Debian's, driven by playwright-core),
// the two screen sizes, fast sign-up through the API and screenshots kept as artifacts.
// scripts/browser-test.sh starts the servers and sets TESSERA_TEST_URL.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

export const baseUrl = process.env.TESSERA_TEST_URL || 'http://127.0.0.1:8000';
export const artifactsDir = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/browser');

/** The two sizes every page must look right at. */
export const SIZES = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** A fresh browser context (own cookies) and page at `size`, collecting page errors. */
export async function newPage(browser, size = 'desktop') {
  const context = await browser.newContext({ viewport: SIZES[size], baseURL: baseUrl });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(err.message));
  // Script errors only: error pages (4xx by design) also log "Failed to load resource".
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) page.errors.push(msg.text());
  });
  return { context, page };
}

/**
 * Saves full-page screenshots of the page as it is now at both sizes,
 * test-artifacts/browser/<name>-desktop.png and <name>-mobile.png, and fails when the
 * small one is wider than its window. The page's own size is restored afterwards.
 */
export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(artifactsDir, `${name}-${size}.png`), fullPage: true });
    if (size === 'mobile') await assertFitsWidth(page);
  }
  await page.setViewportSize(original);
}

export function uniqueEmail(prefix = 'user') {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Calls the REST API; returns {status, body}. */
export async function apiCall(method, path, { token, body } = {}) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(token ? { Authorization: `JWT ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Calls the API and fails unless it answers 2xx; returns the body. */
export async function apiOk(method, path, options) {
  const res = await apiCall(method, path, options);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Signs a user up through the API; returns {email, password, name, token, refresh, user}. */
export async function signUp({ name = 'Test User', email = uniqueEmail(), password = 'password123' } = {}) {
  const body = await apiOk('POST', '/api/user/', { body: { name, email, password, authenticate: true } });
  return { name, email, password, token: body.access_token, refresh: body.refresh_token, user: body.user };
}

/** Signs the browser context in as `user` by setting its session cookie. */
export async function logIn(context, user) {
  await context.addCookies([{ name: 'tessera_session', value: user.refresh, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
}

/** A workspace, database and table owned by `user`; returns their ids. */
export async function createTable(user, { workspace = 'Workspace', database = 'Database', table = 'Table' } = {}) {
  const token = user.token;
  const ws = await apiOk('POST', '/api/workspaces/', { token, body: { name: workspace } });
  const db = await apiOk('POST', `/api/applications/workspace/${ws.id}/`, { token, body: { name: database, type: 'database' } });
  const t = await apiOk('POST', `/api/database/tables/database/${db.id}/`, { token, body: { name: table } });
  return { workspaceId: ws.id, databaseId: db.id, tableId: t.id };
}

/** Makes `member` a member of `owner`'s workspace through an accepted invitation. */
export async function shareWorkspace(owner, workspaceId, member) {
  const invitation = await apiOk('POST', `/api/workspaces/invitations/workspace/${workspaceId}/`, {
    token: owner.token,
    body: { email: member.email, permissions: 'MEMBER', message: '', base_url: `${baseUrl}/invite` },
  });
  await apiOk('POST', `/api/workspaces/invitations/${invitation.id}/accept/`, { token: member.token, body: {} });
}

/** Fails when the page is wider than the window (content cut off or scrolling sideways). */
export async function assertFitsWidth(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth) {
    throw new Error(`page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  }
}

/**
 * Waits for an email to `to` in the test SMTP sink; returns its decoded text. With `count`,
 * waits for that many emails to `to` and returns the last of them.
 */
export async function waitForMail(to, { timeoutMs = 20000, count = 1 } = {}) {
  const { readdirSync, readFileSync } = await import('node:fs');
  const dir = process.env.TESSERA_TEST_MAIL_DIR;
  if (!dir) throw new Error('TESSERA_TEST_MAIL_DIR is not set (run through scripts/browser-test.sh)');
  const deadline = Date.now() + timeoutMs;
  // The sink names files <milliseconds>-<n>.eml: sorting by those numbers gives arrival order.
  const arrival = (name) => name.split(/[-.]/).slice(0, 2).map(Number);
  const byArrival = (a, b) => {
    const [x, y] = [arrival(a), arrival(b)];
    return x[0] - y[0] || x[1] - y[1];
  };
  let found = [];
  while (Date.now() < deadline) {
    found = [];
    for (const name of readdirSync(dir).sort(byArrival)) {
      const raw = readFileSync(join(dir, name), 'utf8');
      if (raw.toLowerCase().includes(`to: ${to.toLowerCase()}`) || raw.includes(`<${to}>`)) found.push(raw);
    }
    if (found.length >= count) {
      // Undo quoted-printable soft breaks and escapes so links read whole.
      return found[count - 1].replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${found.length} of ${count} emails to ${to} within ${timeoutMs} ms`);
}
