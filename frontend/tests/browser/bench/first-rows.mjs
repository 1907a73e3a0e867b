// Time until a table page's first rows are visible in Chromium, for tessera-bench-table-page.
// Env: TESSERA_TEST_URL, TABLE_PATH, SESSION_TOKEN (a refresh token for the session cookie),
// RUNS. Prints one JSON line: {"fcp": [ms…], "visible": [ms…]}.
import { chromium } from 'playwright-core';

const base = process.env.TESSERA_TEST_URL;
const path = process.env.TABLE_PATH;
const runs = Number(process.env.RUNS || 20);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const fcp = [];
const visible = [];
try {
  // One unmeasured load warms Chromium's own caches (the static files are cached then too,
  // as for any returning user).
  for (let i = 0; i <= runs; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base });
    await context.addCookies([{ name: 'tessera_session', value: process.env.SESSION_TOKEN, url: base, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(path, { waitUntil: 'commit' });
    await page.locator('#grid tbody tr[data-row-id]').first().waitFor({ state: 'visible' });
    const wall = Date.now() - started;
    const paint = await page.evaluate(async () => {
      for (let i = 0; i < 50; i += 1) {
        const entry = performance.getEntriesByName('first-contentful-paint')[0];
        if (entry) return entry.startTime;
        await new Promise((r) => setTimeout(r, 20));
      }
      return null;
    });
    if (i > 0) {
      visible.push(wall);
      if (paint !== null) fcp.push(paint);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ fcp, visible }));
