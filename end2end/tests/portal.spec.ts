import { test, expect } from "./fixtures";
import { devices } from "@playwright/test";
import { hydrated, snapshot, OWNER } from "./helpers";

// A pet owner on a phone, at night.
const phone = {
  viewport: { width: 412, height: 915 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: devices["Pixel 7"].userAgent,
};
test.use(phone);

test("an owner signs in on a phone, filters to one pet, opens a plan and reads its counters", async ({ page }) => {
  await page.goto("/portal");
  await expect(page).toHaveURL(/\/login\?next=%2Fportal|\/login\?next=\/portal/);
  await page.locator('[data-test="email"]').fill(OWNER);
  await page.locator('[data-test="password"]').fill("wrong password here");
  await page.locator('[data-test="sign-in"]').click();
  await expect(page.locator('[data-test="sign-in-error"]')).toHaveText("That email and password don't match an account.");
  await expect(page.locator('[data-test="email"]')).toHaveValue(OWNER);
  await page.locator('[data-test="password"]').fill("carecount-demo");
  await page.locator('[data-test="sign-in"]').click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole("heading", { name: "Plans overview" })).toBeVisible();
  await hydrated(page);
  await expect(page.locator('[data-test="signed-in-as"]')).toHaveText("Emma de Vries");
  await expect(page.locator('[data-test="hc-plan"]').first()).toBeVisible();

  // Only Rex's plans after filtering; the household's packs stay (they cover Rex too).
  await page.locator('[data-test="pet-chip"]', { hasText: "Rex" }).click();
  await expect(page).toHaveURL(/pet=\d+/);
  await expect(page.locator('[data-test="hc-plan"][data-plan="Senior Cat Plan"]')).toHaveCount(0);
  const puppy = page.locator('[data-test="hc-plan"][data-plan="Puppy Plan"]').first();
  await expect(puppy).toBeVisible();
  await puppy.locator("summary").click();
  await expect(puppy.locator('[data-test="hc-benefit"]').first()).toBeVisible();
  const counters = puppy.locator('[data-test="counter"]');
  await expect(counters.filter({ hasText: /out of 24 tablets left/ })).toHaveCount(1);
  const green = puppy.locator(".counter-left").first();
  await expect(green).toContainText(/out of/);
  expect(await green.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(21, 128, 61)");
  const red = puppy.locator(".counter-out").first();
  await expect(red).toContainText(/^0 out of/);
  expect(await red.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(185, 28, 28)");
  await expect(page.locator('[data-test="total-saved"]')).toContainText("€");
  // Each earlier use names the practice system's invoice it came from, and
  // the invoice's id stays whole on the phone's narrow line.
  const fromPractice = puppy.locator(".hc-history li", { hasText: /Rex used .* · invoice PV-\d+$/ });
  expect(await fromPractice.count()).toBeGreaterThan(0);
  for (const line of await fromPractice.all()) {
    const id = line.locator(".nowrap");
    await expect(id).toHaveText(/^PV-\d+$/);
    const lines = await id.evaluate((e) => new Set([...e.getClientRects()].map((r) => Math.round(r.top))).size);
    expect(lines).toBe(1);
  }
  await snapshot(page, "portal-phone");

  // The layout fits the phone: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
});

test("the portal is readable before the WebAssembly loads", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, ...phone });
  const page = await context.newPage();
  await page.goto("/login?next=/portal");
  await page.locator('[data-test="email"]').fill(OWNER);
  await page.locator('[data-test="password"]').fill("carecount-demo");
  await page.locator('[data-test="sign-in"]').click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.locator('[data-test="hc-plan"]').first()).toBeVisible();
  await page.locator('[data-test="hc-plan"] summary').first().click();
  await expect(page.locator('[data-test="counter"]').first()).toBeVisible();
  await context.close();
});

test("an owner who forgot the password asks for a link; an empty address is refused where it was typed", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot$/);
  await hydrated(page);
  // A blank-looking address passes the browser's own check but not ours.
  await page.locator('[data-test="email"]').fill("   ");
  await page.locator('[data-test="email"]').evaluate((el) => el.removeAttribute("required"));
  await page.locator('[data-test="send-link"]').click();
  await expect(page.locator('[role="alert"]')).toHaveText("Enter the email you sign in with.");
  await expect(page).toHaveURL(/\/forgot$/);
  await page.locator('[data-test="email"]').fill(OWNER);
  await page.locator('[data-test="send-link"]').click();
  await expect(page.locator('[data-test="link-sent"]')).toContainText("a link is on its way");
  await snapshot(page, "forgot-link-sent");
});

test("without the WebAssembly a wrong password is told on the sign-in page", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, ...phone });
  const page = await context.newPage();
  await page.goto("/login?next=/portal");
  await page.locator('[data-test="email"]').fill(OWNER);
  await page.locator('[data-test="password"]').fill("wrong password here");
  await page.locator('[data-test="sign-in"]').click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.locator('[data-test="sign-in-error"]')).toHaveText("That email and password don't match an account.");
  await context.close();
});
