import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";
import { hydrated, signIn, snapshot, MANAGER, RECEPTIONIST } from "./helpers";
import { patients, spareHouseholds } from "./households";

test.beforeEach(async ({ page }) => {
  await signIn(page, MANAGER);
});

async function openPatient(page: Page, name: string) {
  await page.goto("/");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name: new RegExp(name) })).toBeVisible();
  await hydrated(page);
}

test("a receptionist sells a plan with monthly billing, records a payment, and the pet becomes a member", async ({ page }) => {
  await signIn(page, RECEPTIONIST);
  await openPatient(page, "Bobbie");
  await expect(page.locator(".member-tag")).toHaveCount(0);
  await page.locator('[data-test="sell-plan"]').click();
  await hydrated(page);
  await expect(page.locator('[data-test="offer"][data-name="Puppy Plan"]')).toContainText("This plan is for puppies; Bobbie is an adult.");
  await page.locator('[data-test="offer"][data-name="Adult Dog Plan"]').click();
  await page.locator('[data-test="sell-billing"]').selectOption("monthly");
  // The plans stand in rows: the first card of a row is level with the rest.
  const tops = await page.locator('[data-test="offer"]').evaluateAll((cards) => cards.slice(0, 3).map((c) => c.getBoundingClientRect().top));
  expect(new Set(tops).size, `card tops ${tops}`).toBe(1);
  await snapshot(page, "sell-plan");
  await page.locator('[data-test="sell"]').click();
  await expect(page).toHaveURL(/\/plans\/\d+$/);
  await hydrated(page);
  await expect(page.locator('[data-test="payment-row"]')).toHaveCount(12);
  const first = page.locator('[data-test="payment-row"]').first();
  await first.locator('[data-test="payment-record"]').click();
  await expect(first).toContainText("Add the card slip or transfer reference.");
  await first.locator('[data-test="payment-reference"]').fill("SLIP-0042");
  await first.locator('[data-test="payment-record"]').click();
  await expect(page.locator('[data-test="payment-row"]').first()).toHaveAttribute("data-status", "paid");
  await expect(page.locator('[data-test="plan-card"] .pill').first()).toHaveText("Active");

  await openPatient(page, "Bobbie");
  await expect(page.locator(".member-tag")).toContainText("Plan member");
  await expect(page.locator('[data-test="plan-card"][data-plan="Adult Dog Plan"]')).toBeVisible();
});

test("a manager cancels a plan and sees the settlement with its working", async ({ page }) => {
  await openPatient(page, "Guus");
  await page.locator('[data-test="plan-card"][data-plan="Adult Dog Plan"] [data-test="plan-history-link"]').click();
  await hydrated(page);
  await page.locator('[data-test="settlement-preview"]').click();
  const settlement = page.locator('[data-test="settlement"]');
  await expect(settlement).toContainText("Benefits used, at what they saved:");
  await expect(settlement).toContainText("Payments made:");
  await expect(settlement).toContainText("Cancellation fee: € 25.00");
  await expect(page.locator('[data-test="settlement-outcome"]')).toHaveText(/^(Client owes|Clinic owes|Even)/);
  await snapshot(page, "cancel-settlement");
  await page.locator('[data-test="cancel-note"]').fill("Family moved away");
  await page.locator('[data-test="cancel-confirm"]').click();
  await expect(page.locator('[data-test="plan-card"] .pill').first()).toHaveText("Cancelled");
  await expect(page.locator('[data-test="settlement"]')).toContainText("Benefits used, at what they saved:");
  await expect(page.locator('[data-test="cancel-panel"]')).toHaveCount(0);
});

test("a plan whose next term is sold links to it, and is cancelled only after it", async ({ page }) => {
  const all = await patients(page);
  const spare = spareHouseholds(all);
  const pet = all.find((p) => spare.has(p.client_id) && p.plans.some((plan) => plan.plan_name === "Adult Dog Plan"));
  expect(pet, "a spare household's dog with an Adult Dog Plan").toBeTruthy();
  await page.goto(`/patients/${pet!.id}`);
  await hydrated(page);
  await page.locator('[data-test="plan-card"][data-plan="Adult Dog Plan"] [data-test="plan-history-link"]').first().click();
  await hydrated(page);
  const first = page.url();
  await page.locator('[data-test="renew"]').click();
  await expect(page).not.toHaveURL(first);
  await hydrated(page);
  await expect(page.locator('[data-test="renews"]')).toContainText("next term of an earlier one");
  await page.locator('[data-test="renews"] a').click();
  await expect(page).toHaveURL(first);
  await hydrated(page);
  await expect(page.locator('[data-test="next-term"]')).toContainText("The next term is sold and starts on");
  await expect(page.locator('[data-test="renew"]'), "a plan renews once").toHaveCount(0);
  await page.locator('[data-test="settlement-preview"]').click();
  await expect(page.locator('[data-test="cancel-panel"] [role="alert"]')).toContainText("next term is already sold");
  await expect(page.locator('[data-test="settlement"]')).toHaveCount(0);
  await snapshot(page, "next-term-sold");
  await page.locator('[data-test="next-term"] a').click();
  await hydrated(page);
  await page.locator('[data-test="settlement-preview"]').click();
  await page.locator('[data-test="cancel-note"]').fill("Owner declined the next year");
  await page.locator('[data-test="cancel-confirm"]').click();
  await expect(page.locator('[data-test="plan-card"] .pill').first()).toHaveText("Cancelled");
  await page.goto(first);
  await hydrated(page);
  await expect(page.locator('[data-test="next-term"]')).toHaveCount(0);
  await expect(page.locator('[data-test="renew"]'), "renewable again by hand").toHaveCount(1);
});

test("the lists filter plans by status and offer the filtered CSV", async ({ page }) => {
  await page.goto("/lists");
  await hydrated(page);
  await page.locator('[data-test="filter-status"]').selectOption("past_due");
  // The filter is in the address, so the filtered list can be shared.
  await expect(page).toHaveURL(/\/lists\?status=past_due$/);
  const rows = page.locator('[data-test="plan-list"] [data-test="list-row"]');
  await expect
    .poll(async () => {
      const texts = await rows.allInnerTexts();
      return texts.length > 0 && texts.every((text) => text.includes("Past due"));
    })
    .toBe(true);
  await expect(page.locator('[data-test="filter-status"]')).toHaveValue("past_due");
  await expect(page.locator('[data-test="export-plans"]')).toHaveAttribute("href", "/exports/plans.csv?status=past_due");
  await expect(page.locator('[data-test="payments-due"]')).toContainText("failed");
  // Each column of the payments says what it holds.
  await expect(page.locator('[data-test="payments-due"] th')).toHaveText(["Plan", "Owner", "Instalment", "Due", "Amount", "Status"]);
  // The demo's physio pack ends within the month, on any date: it is up
  // for renewal. Every plan listed ends within 60 days of the clinic's
  // today; the CSV carries the dates (the demo's names hold no commas).
  const renewals = page.locator('[data-test="renewals"] [data-test="list-row"]');
  await expect(renewals.filter({ hasText: "Thomas de Graaf" })).toContainText("Physio 6-session pack");
  const csv = await (await page.request.get("/exports/renewals.csv")).text();
  const ends = csv.trim().split("\n").slice(1).map((row) => row.split(",")[6]);
  await expect(renewals).toHaveCount(ends.length);
  const clinicToday = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam" }).format(new Date());
  const horizon = new Date(`${clinicToday}T00:00:00Z`);
  horizon.setUTCDate(horizon.getUTCDate() + 60);
  for (const end of ends) {
    expect(end <= horizon.toISOString().slice(0, 10), `${end} within 60 days of ${clinicToday}`).toBe(true);
  }
  await snapshot(page, "lists");
});
