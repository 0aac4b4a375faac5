import { test, expect } from "./fixtures";
import { hydrated, signIn, snapshot, VET } from "./helpers";

// The fixture fails any test that logs a Content-Security-Policy violation;
// these tests look at the policy itself and at what a vet is offered.

test("the sign-in page hydrates under its policy and signs in through the form", async ({ page }) => {
  const response = await page.goto("/login?next=%2Flists");
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("'wasm-unsafe-eval'");
  expect(policy).toMatch(/'nonce-[A-Za-z0-9+/=_-]+'/);
  expect(policy).not.toContain("unsafe-inline");
  expect(response?.headers()["x-content-type-options"]).toBe("nosniff");
  await hydrated(page);
  await page.locator('[data-test="email"]').fill("marloes@maple.example");
  await page.locator('[data-test="password"]').fill("carecount-demo");
  await page.locator('[data-test="sign-in"]').click();
  await expect(page).toHaveURL(/\/lists$/);
  await hydrated(page);
});

test("a way back to another site after sign-in lands on the desk instead", async ({ page }) => {
  await page.goto("/login?next=%2F%09%2Fevil.example");
  await hydrated(page);
  await page.locator('[data-test="email"]').fill("marloes@maple.example");
  await page.locator('[data-test="password"]').fill("carecount-demo");
  await page.locator('[data-test="sign-in"]').click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/$/);
});

test("a vet works the desk but is offered no payments, holds or cancellations", async ({ page }) => {
  await signIn(page, VET);
  await page.goto("/");
  await page.getByRole("link", { name: "Rex", exact: true }).click();
  await hydrated(page);
  await expect(page.locator('[data-test="new-soap"]')).toBeVisible();
  await expect(page.locator('[data-test="sell-plan"]')).toHaveCount(0);
  await page.locator('[data-test="plan-history-link"]').first().click();
  await hydrated(page);
  await expect(page.locator('[data-test="history"]')).toBeVisible();
  await expect(page.locator('[data-test="payment-record"]')).toHaveCount(0);
  await expect(page.getByRole("button", { name: /cancel/i })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /hold/i })).toHaveCount(0);
  await snapshot(page, "plan-as-vet");
});
