import { test, expect } from "./fixtures";
import type { Page, Locator } from "@playwright/test";
import { hydrated, signIn, snapshot, RECEPTIONIST, VET } from "./helpers";

test.beforeEach(async ({ page }) => {
  await signIn(page, VET);
});

// Each test works on its own demo pet, so they do not disturb each other.

async function openPatient(page: Page, name: string) {
  await page.goto("/");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name: new RegExp(name) })).toBeVisible();
  await hydrated(page);
}

function benefitBadge(page: Page, plan: string, benefit: string): Locator {
  return page
    .locator(`[data-test="plan-card"][data-plan="${plan}"] [data-test="benefit-row"]`, { hasText: benefit })
    .locator(".badge");
}

async function addItem(page: Page, search: string, name: string) {
  await page.locator('[data-test="catalog-search"]').fill(search);
  await page.locator('[data-test="catalog-result"]', { hasText: name }).first().click();
}

function line(page: Page, code: string): Locator {
  return page.locator(`[data-test="line"][data-code="${code}"]`).last();
}

async function newInvoice(page: Page, patient: string) {
  await openPatient(page, patient);
  await page.locator('[data-test="new-invoice"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+\?pet=\d+$/);
  await hydrated(page);
}

test("typing quantities on a SOAP plan updates badges with no request to the server", async ({ page }) => {
  await openPatient(page, "Rex");
  await page.locator('[data-test="new-soap"]').click();
  await expect(page).toHaveURL(/\/soap\/\d+$/);
  await hydrated(page);
  await addItem(page, "exam", "Wellness exam");
  const exam = line(page, "EXAM");
  const badge = exam.locator('[data-test="line-badge"] .badge');
  await expect(badge).toHaveText(/2 of 3 left/);
  await expect(badge).toHaveAttribute("data-state", "available");
  await expect(page.locator('[data-test="save-status"]')).toContainText("All changes saved");

  const requests: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/")) requests.push(r.url());
  });
  const qty = exam.locator('[data-test="line-qty"]');
  await qty.fill("3");
  await expect(badge).toHaveText(/0 of 3 left/);
  await expect(badge).toHaveAttribute("data-state", "last");
  await qty.fill("4");
  await expect(badge).toHaveAttribute("data-state", "used-up");
  await expect(exam.locator('[data-test="line-note"]')).toHaveText(
    "3 exams of this item are covered by your plan. Additional exams get your 10% member discount.",
  );
  await qty.fill("0");
  await expect(exam.locator('[data-test="line-note"]')).toHaveText("Quantity must be more than 0.");
  await qty.fill("2");
  await expect(badge).toHaveText(/1 of 3 left/);
  expect(requests, "no server function ran while typing").toEqual([]);

  // A moment after the last keystroke the draft saves itself, and a reload brings it back.
  await expect(page.locator('[data-test="save-status"]')).toContainText("All changes saved at");
  expect(requests.some((u) => u.includes("/api/soap/save"))).toBe(true);
  await snapshot(page, "soap");
  await page.reload();
  await expect(line(page, "EXAM").locator('[data-test="line-qty"]')).toHaveValue("2");
});

test("a SOAP plan becomes an invoice, each page with only its own code", async ({ page }) => {
  const bundles: string[] = [];
  page.on("request", (r) => {
    const file = r.url().match(/\/pkg\/([a-z-]+)\.[^/]*\.wasm$/);
    if (file) bundles.push(file[1]);
  });
  await openPatient(page, "Rocky");
  await page.locator('[data-test="new-soap"]').click();
  await expect(page).toHaveURL(/\/soap\/\d+$/);
  await hydrated(page);
  expect(bundles, "the vet's SOAP page loads the SOAP note's code, not the invoice's").toContain("carecount-soap");
  expect(bundles).not.toContain("carecount-invoices");
  await addItem(page, "exam", "Wellness exam");
  await expect(line(page, "EXAM").locator('[data-test="line-badge"] .badge')).toHaveText(/of \d+ left/);
  const soapBadge = await line(page, "EXAM").locator('[data-test="line-badge"] .badge').innerText();

  await page.locator('[data-test="soap-to-invoice"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+\?pet=\d+$/);
  await hydrated(page);
  expect(bundles).toContain("carecount-invoices");
  // The invoice counts the line the SOAP plan saved, the same way, and keeps counting live.
  const exam = line(page, "EXAM");
  await expect(exam.locator('[data-test="line-qty"]')).toHaveValue("1");
  await expect(exam.locator('[data-test="line-badge"] .badge')).toHaveText(soapBadge);
  await exam.locator('[data-test="line-qty"]').fill("0");
  await expect(exam.locator('[data-test="line-note"]')).toHaveText("Quantity must be more than 0.");
  await page.goBack();
  await expect(page).toHaveURL(/\/soap\/\d+$/);
});

test("switching box and tablet changes what is deducted", async ({ page }) => {
  await openPatient(page, "Rex");
  await page.locator('[data-test="new-soap"]').click();
  await expect(page).toHaveURL(/\/soap\/\d+$/);
  await hydrated(page);
  await addItem(page, "nexg", "NexGard");
  const nexgard = line(page, "PAR-NXG");
  const badge = nexgard.locator('[data-test="line-badge"] .badge');
  await expect(badge).toHaveText(/6 of 24 tablets left/);
  // The tracker follows each keystroke in its one row for the benefit.
  const tracked = page.locator('[data-test="tracker-row"]');
  await expect(tracked).toHaveCount(1);
  await expect(tracked.locator(".badge")).toHaveText(/6 of 24 tablets left/);
  await nexgard.locator('[data-test="line-unit"]').selectOption("subunit");
  await expect(badge).toHaveText(/11 of 24 tablets left/);
  await nexgard.locator('[data-test="line-qty"]').fill("12");
  await expect(badge).toHaveText(/0 of 24 tablets left/);
  await expect(badge).toHaveAttribute("data-state", "last");
  await expect(tracked).toHaveCount(1);
  await expect(tracked.locator(".badge")).toHaveText(/0 of 24 tablets left/);
  await expect(tracked.locator(".badge")).toHaveAttribute("data-state", "last");
  await nexgard.locator('[data-test="line-unit"]').selectOption("unit");
  await nexgard.locator('[data-test="line-qty"]').fill("1.5");
  await expect(badge).toHaveText(/3 of 24 tablets left/);
});

test("finalizing uses the plan and voiding gives it back", async ({ page }) => {
  await openPatient(page, "Kiki");
  const before = benefitBadge(page, "Senior Cat Plan", "Wellness exams");
  await expect(before).toHaveText(/2 of 2 left/);
  // The patient's page is hydrated too: wait for the invoice's own page,
  // or the search is typed before its handlers are there.
  await page.locator('[data-test="new-invoice"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+\?pet=\d+$/);
  await hydrated(page);
  await addItem(page, "exam", "Wellness exam");
  await expect(line(page, "EXAM").locator('[data-test="line-badge"] .badge')).toHaveText(/1 of 2 left/);
  await expect(page.locator('[data-test="tracker-row"]')).toHaveCount(1);
  await snapshot(page, "invoice-draft");
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");
  await expect(page.locator('[data-test="finalize-outcome"]')).toContainText(/Finalized as INV-\d{4}-\d{5}/);
  await expect(page.locator('[data-test="line-covered"]')).toHaveText("1 exam");
  await snapshot(page, "invoice-finalized");
  const invoiceUrl = page.url();

  await openPatient(page, "Kiki");
  await expect(benefitBadge(page, "Senior Cat Plan", "Wellness exams")).toHaveText(/1 of 2 left/);

  await page.goto(invoiceUrl);
  await hydrated(page);
  await page.locator('[data-test="void"]').click();
  await expect(page.locator('[data-test="invoice-problem"]')).toContainText("Say why the invoice is voided");
  await page.locator('[data-test="void-reason"]').fill("Billed to the wrong client");
  await page.locator('[data-test="void"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Voided");
  await expect(page.locator('[data-test="voided-note"]')).toContainText("Billed to the wrong client");

  await openPatient(page, "Kiki");
  await expect(benefitBadge(page, "Senior Cat Plan", "Wellness exams")).toHaveText(/2 of 2 left/);
  await expect(benefitBadge(page, "Senior Cat Plan", "Wellness exams")).toHaveAttribute("data-state", "available");
});

test("the Petly correction case ends with exactly one use", async ({ page }) => {
  await newInvoice(page, "Loki");
  await addItem(page, "fecal", "Fecal exam");
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");

  // Booked under the wrong provider: return it and book it again.
  await page.locator('[data-test="correct"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+$/);
  await hydrated(page);
  await expect(page.getByText(/^Correction of/)).toBeVisible();
  const returned = line(page, "LAB-FEC");
  await expect(returned.locator('[data-test="line-qty"]')).toHaveValue("-1");
  await expect(returned.locator('[data-test="line-note"]')).toHaveText("1 test returned to your plan and available again.");
  await addItem(page, "fecal", "Fecal exam");
  await expect(page.locator('[data-test="line"]')).toHaveCount(2);
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");

  await openPatient(page, "Loki");
  await expect(benefitBadge(page, "Puppy Plan", "Fecal exams")).toHaveText(/1 of 2 left/);
  await page.locator('[data-test="plan-card"][data-plan="Puppy Plan"] [data-test="plan-history-link"]').click();
  await expect(page.locator('[data-test="history-row"]', { hasText: "Fecal exams" })).toHaveCount(3);
  // The demo's earlier visits are dated in words, as the rest of the page is.
  await expect(page.locator('[data-test="history-row"]').last()).toContainText(/Visit on \d{1,2} [A-Z][a-z]{2} \d{4}/);
  await snapshot(page, "plan-history");
});

test("two desks finalizing the last unit at once: one covered, one at regular price", async ({ browser }) => {
  const desks = [await browser.newContext(), await browser.newContext()];
  const pages = await Promise.all(desks.map((d) => d.newPage()));
  for (const page of pages) await signIn(page, RECEPTIONIST);
  for (const page of pages) {
    await newInvoice(page, "Bommel");
    await addItem(page, "micro", "Microchip");
    await expect(line(page, "MICRO").locator('[data-test="line-badge"] .badge')).toHaveAttribute("data-state", "last");
  }
  await Promise.all(pages.map((p) => p.locator('[data-test="finalize"]').click()));
  for (const page of pages) {
    await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");
  }
  const covered = await Promise.all(pages.map((p) => p.locator('[data-test="line-covered"]').innerText()));
  expect([...covered].sort()).toEqual(["0 chips", "1 chip"]);
  const loser = pages[covered.findIndex((c) => c === "0 chips")];
  await expect(loser.locator('[data-test="finalize-outcome"]')).toContainText("another desk used part of the plan");
  await expect(loser.locator('[data-test="line-note"]')).toContainText("Your plan has none of this item left this term");
  await snapshot(loser, "invoice-race");

  await openPatient(pages[0], "Bommel");
  await expect(benefitBadge(pages[0], "Puppy Plan", "Microchip")).toHaveText(/0 of 1 left/);
  for (const d of desks) await d.close();
});

test("the printable invoice carries the notes and the tracker", async ({ page }) => {
  await newInvoice(page, "Tommie");
  await addItem(page, "milbe", "Milbemax");
  await line(page, "PAR-MLB").locator('[data-test="line-qty"]').fill("2");
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");
  const href = await page.locator('[data-test="print-link"]').getAttribute("href");
  await page.goto(href!);
  const printed = page.locator('[data-test="printable"]');
  await expect(printed).toContainText("4 tablets of this item are covered by your plan.");
  await expect(printed).toContainText("Additional tablets get your 10% member discount.");
  await expect(printed.locator('[data-test="tracker-row"]')).toHaveCount(1);
  await snapshot(page, "invoice-print");
});

test("removing a use from the history needs a note and gives the units back", async ({ page }) => {
  await openPatient(page, "Lola");
  const badge = benefitBadge(page, "Puppy Plan", "NexGard chewables");
  await expect(badge).toHaveText(/9 of 24 tablets left/);
  await page.locator('[data-test="plan-card"][data-plan="Puppy Plan"] [data-test="plan-history-link"]').click();
  await hydrated(page);
  const row = page.locator('[data-test="history-row"]', { hasText: "NexGard chewables" }).first();
  const units = Number((await row.locator("td").nth(3).innerText()).replace("+", ""));
  await row.locator('[data-test="history-remove"]').click();
  await row.locator('[data-test="history-confirm"]').click();
  await expect(row).toContainText("Choose what the owner is told");
  await row.locator('[data-test="history-reason"]').selectOption("wrong_pet");
  await row.locator('[data-test="history-confirm"]').click();
  await expect(row).toContainText("Write a short note saying why this use is removed.");
  await row.locator('[data-test="history-note"]').fill("Entered on the wrong plan");
  await snapshot(page, "plan-history-remove");
  await row.locator('[data-test="history-confirm"]').click();
  const reversal = page.locator('[data-test="history-row"].reversal', { hasText: "Entered on the wrong plan" });
  await expect(reversal).toHaveCount(1);
  // Staff see both: their internal note and what the owner reads.
  await expect(reversal.locator('[data-test="history-owner-reason"]')).toHaveText("Owner reads: it was counted on the wrong pet or plan");
  await expect(page.locator('[data-test="history-row"].struck')).toHaveCount(1);

  await openPatient(page, "Lola");
  await expect(benefitBadge(page, "Puppy Plan", "NexGard chewables")).toHaveText(new RegExp(`${9 + units} of 24 tablets left`));
});

test("a correction returns no more than its invoice holds, and the invoice waits for it before a void", async ({ page }) => {
  await newInvoice(page, "Sam");
  await addItem(page, "exam", "Wellness exam");
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");
  const original = page.url();

  await page.locator('[data-test="correct"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+$/);
  await hydrated(page);
  await expect(page.locator('[data-test="finalize-outcome"]')).toHaveCount(0);
  const returned = line(page, "EXAM");
  await expect(returned.locator('[data-test="line-qty"]')).toHaveValue("-1");
  await returned.locator('[data-test="line-qty"]').fill("-2");
  await expect(returned.locator('[data-test="line-note"]')).toContainText(
    "Only 1 exam of this item is left to return for this pet on the corrected invoice",
  );
  await snapshot(page, "correction-over-return");
  await returned.locator('[data-test="line-qty"]').fill("-1");
  await expect(returned.locator('[data-test="line-note"]')).not.toContainText("left to return");
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");

  await page.goto(original);
  await hydrated(page);
  await expect(page.locator('[data-test="void-blocked"]')).toContainText("Void the correction first");
  await expect(page.locator('[data-test="void"]')).toHaveCount(0);
  await snapshot(page, "invoice-corrected");
});

test("two desks on one draft: the page opened before the other's save is asked to reload and keeps what was typed", async ({ browser }) => {
  const desks = [await browser.newContext(), await browser.newContext()];
  const [first, second] = await Promise.all(desks.map((d) => d.newPage()));
  for (const page of [first, second]) await signIn(page, RECEPTIONIST);
  await newInvoice(first, "Nala");
  await second.goto(first.url());
  await hydrated(second);

  await addItem(first, "exam", "Wellness exam");
  await expect(first.locator('[data-test="save-status"]')).toContainText("All changes saved at");
  await addItem(second, "nail", "Nail");
  const status = second.locator('[data-test="save-status"]');
  await expect(status).toContainText("Another desk changed this invoice after this page opened it");
  await expect(second.locator('[data-test="line"]')).toHaveCount(1);
  await snapshot(second, "invoice-opened-twice");

  // Reloaded, the page shows the other desk's line, which nothing overwrote.
  await second.reload();
  await hydrated(second);
  await expect(second.locator('[data-test="line"][data-code="EXAM"]')).toHaveCount(1);
  await expect(second.locator('[data-test="line"]')).toHaveCount(1);
  for (const desk of desks) await desk.close();
});
