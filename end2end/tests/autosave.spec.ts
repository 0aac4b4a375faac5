import { test, expect } from "./fixtures";
import type { Page, Locator } from "@playwright/test";
import { hydrated, signIn, snapshot, VET } from "./helpers";

// Drafts never lose what was typed: not when the page is left before the
// autosave's quiet time (0.8 s), not when the tab goes away, not when the
// network drops. Each test works on its own demo dog.

test.beforeEach(async ({ page }) => {
  await signIn(page, VET);
});

async function newSoap(page: Page, name: string) {
  await page.goto("/");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name: new RegExp(name) })).toBeVisible();
  await hydrated(page);
  await page.locator('[data-test="new-soap"]').click();
  await expect(page).toHaveURL(/\/soap\/\d+$/);
  await hydrated(page);
}

async function addNexGard(page: Page): Promise<Locator> {
  await page.locator('[data-test="catalog-search"]').fill("nexg");
  await page.locator('[data-test="catalog-result"]', { hasText: "NexGard" }).first().click();
  const line = page.locator('[data-test="line"][data-code="PAR-NXG"]').last();
  await expect(line.locator('[data-test="line-qty"]')).toHaveValue("1");
  return line;
}

/** The line's quantity and unit, as a person reads them: "2 boxes". */
async function says(line: Locator): Promise<string> {
  const qty = await line.locator('[data-test="line-qty"]').inputValue();
  const unit = await line.locator('[data-test="line-unit"] option:checked').innerText();
  return `${qty} ${unit}`;
}

test("a typed change survives leaving the page at once", async ({ page }) => {
  await newSoap(page, "Bella");
  const nexgard = await addNexGard(page);
  const saves: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/soap/save")) saves.push(r.postData() ?? "");
  });

  const typed = Date.now();
  await nexgard.locator('[data-test="line-qty"]').fill("2");
  await page.locator("nav.crumbs").getByRole("link", { name: "Bella", exact: true }).click();
  const left = Date.now() - typed;
  expect(left, "the page was left well within the 0.8 s autosave delay").toBeLessThan(800);
  await expect(page).toHaveURL(/\/patients\/\d+$/);

  // The patient page starts the invoice from the SOAP plan as saved.
  await page.locator('[data-test="new-invoice"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+\?pet=\d+$/);
  await hydrated(page);
  const invoiced = page.locator('[data-test="line"][data-code="PAR-NXG"]');
  await expect(invoiced).toHaveCount(1);
  expect(await says(invoiced)).toBe("2 boxes");
  expect(saves.length, "one save, sent as the page was left").toBeGreaterThan(0);
  expect(JSON.parse(saves[saves.length - 1]).lines[0].quantity_text).toBe("2");
});

test("a failed save says so, is retried, and is saved once the network is back", async ({ page }) => {
  await newSoap(page, "Teddy");
  const nexgard = await addNexGard(page);
  const status = page.locator('[data-test="save-status"]');
  await expect(status).toContainText("All changes saved at");

  let offline = true;
  let refused = 0;
  await page.route("**/api/soap/save", (route) => {
    if (!offline) return route.continue();
    refused += 1;
    return route.abort("internetdisconnected");
  });
  await nexgard.locator('[data-test="line-qty"]').fill("2");
  await expect(status).toHaveText("Not saved yet — retrying…");
  await expect(status).toHaveClass(/failed/);
  // It keeps trying (after 1 s, then 2 s …) and keeps saying so.
  await expect.poll(() => refused, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
  await expect(status).toHaveText(/Not saved yet — retrying…|Saving…/);
  await expect(status).toHaveText("Not saved yet — retrying…");
  await snapshot(page, "autosave-retrying");

  offline = false;
  await expect(status).toContainText("All changes saved at", { timeout: 10_000 });
  const soap = page.url();
  await page.goto(soap);
  await hydrated(page);
  expect(await says(page.locator('[data-test="line"][data-code="PAR-NXG"]'))).toBe("2 boxes");
});

test("hiding the tab sends the draft at once, in a request the server accepts", async ({ page }) => {
  await newSoap(page, "Rocky");
  const nexgard = await addNexGard(page);
  const answers: number[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/soap/save")) answers.push(r.status());
  });
  await nexgard.locator('[data-test="line-qty"]').fill("2");
  // What the browser does when the tab is switched away or closed.
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });
  // The keep-alive request and the usual save; the quiet-time autosave
  // alone would make one request.
  await expect.poll(() => answers.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
  expect(answers.every((s) => s === 200), `answers: ${answers}`).toBe(true);
});

test("a typed change survives closing the tab at once", async ({ page, context }) => {
  await newSoap(page, "Charlie");
  const nexgard = await addNexGard(page);
  const soap = page.url();
  await nexgard.locator('[data-test="line-qty"]').fill("2");
  await page.close({ runBeforeUnload: true });

  // The closing page's request may still be on its way when the tab is
  // opened again: a page read before it landed is read again, so each try
  // gives up on the line quickly rather than waiting on a page that will
  // not change.
  const again = await context.newPage();
  await expect(async () => {
    await again.goto(soap);
    await hydrated(again);
    const line = again.locator('[data-test="line"][data-code="PAR-NXG"]');
    await expect(line).toHaveCount(1, { timeout: 1_000 });
    expect(await says(line)).toBe("2 boxes");
  }).toPass({ timeout: 10_000 });
});
