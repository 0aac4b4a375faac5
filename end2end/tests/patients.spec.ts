import { test, expect } from "./fixtures";
import { hydrated, signIn, snapshot, MANAGER } from "./helpers";

test.beforeEach(async ({ page }) => {
  await signIn(page, MANAGER);
});

test("the clinic home lists every patient and the server searches as you type", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Patients" })).toBeVisible();
  const rows = page.locator('[data-test="patient-row"]');
  await expect(rows).toHaveCount(30);
  await expect(page.locator('[data-test="page-place"]')).toHaveText("1–30 of 30");
  await expect(page.locator('[data-test="patient-summary"]')).toContainText("30 patients");
  await hydrated(page);
  await snapshot(page, "home");

  await page.locator('[data-test="patient-search"]').fill("senior cat");
  // The search is in the address: it can be reloaded, shared, gone back to.
  await expect(page).toHaveURL(/\/\?q=senior\+cat$/);
  await expect(page.locator('[data-test="page-place"]')).toContainText("matching");
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThan(30);
  for (const text of await rows.allInnerTexts()) {
    expect(text).toContain("Senior Cat Plan");
  }
  await page.reload();
  await expect(page.locator('[data-test="patient-search"]')).toHaveValue("senior cat");
  await expect(rows).toHaveCount(count);
  // From a pet found and back, the search is as it was.
  await hydrated(page);
  await rows.first().locator("a.patient-link").click();
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/\?q=senior\+cat$/);
  await expect(page.locator('[data-test="patient-search"]')).toHaveValue("senior cat");
  await expect(rows).toHaveCount(count);

  await hydrated(page);
  await page.locator('[data-test="patient-search"]').fill("nobody-by-this-name");
  await expect(rows).toHaveCount(0);
  await expect(page.getByText("No patient matches")).toBeVisible();
});

test("a patient page shows each plan's benefits with coloured badges", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: /Rex/ }).click();
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  await expect(page.getByRole("heading", { name: /Rex/ })).toBeVisible();
  await expect(page.locator(".member-tag")).toContainText("Plan member");

  const puppy = page.locator('[data-test="plan-card"][data-plan="Puppy Plan"]');
  await expect(puppy).toBeVisible();
  await expect(puppy.locator('[data-test="benefit-row"]')).toHaveCount(6);
  await expect(puppy.getByText(/of 24 tablets left/)).toBeVisible();
  await expect(puppy.locator('.badge[data-state="unlimited"]')).toHaveText(/Unlimited/);

  // Green while some is left; the colour comes from the badge state.
  const green = page.locator('.badge[data-state="available"]').first();
  await expect(green).toBeVisible();
  const colour = await green.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(colour).toBe("rgb(220, 252, 231)");
  await hydrated(page);
  await snapshot(page, "patient");

  // Emma's portal account: the desk can switch it off (an invitation that
  // went to an old address) and on again; the page says which it is.
  const portal = page.locator('[data-test="portal-access"]');
  await expect(portal).toContainText("Healthcard portal on");
  await portal.locator('[data-test="portal-off"]').click();
  await expect(portal).toContainText("Healthcard portal off");
  await snapshot(page, "patient-portal-off");
  await page.reload();
  await expect(portal).toContainText("Healthcard portal off");
  await hydrated(page);
  await portal.locator('[data-test="portal-on"]').click();
  await expect(portal).toContainText("Healthcard portal on");
});

test("a used-up benefit shows red", async ({ page }) => {
  // Every fifth demo benefit is used up; find a patient page that has one.
  await page.goto("/");
  const links = await page.locator('[data-test="patient-row"] a.patient-link').evaluateAll((as) =>
    as.map((a) => (a as HTMLAnchorElement).getAttribute("href")),
  );
  let found = false;
  for (const href of links) {
    const html = await (await page.request.get(href!)).text();
    if (html.includes('data-state="used-up"')) {
      await page.goto(href!);
      const red = page.locator('.badge[data-state="used-up"]').first();
      await expect(red).toContainText(/^0 of \d+/);
      const colour = await red.evaluate((el) => getComputedStyle(el).color);
      expect(colour).toBe("rgb(185, 28, 28)");
      found = true;
      break;
    }
  }
  expect(found).toBe(true);
});

test("an unknown patient gets a clear message, not a blank page", async ({ page }) => {
  const response = await page.goto("/patients/999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("There is no patient number 999999 in this clinic.");
  await page.getByRole("link", { name: "Back to patients" }).click();
  await expect(page.locator('[data-test="patient-row"]').first()).toBeVisible();
});
