import { test, expect } from "./fixtures";
import { hydrated, signIn, snapshot, MANAGER, RECEPTIONIST, OWNER } from "./helpers";
import { carryOver, dogWithoutPack, patients, spareHouseholds } from "./households";


test("a manager carries over 7 daycare days and a receptionist uses one from the open packs: 6 left", async ({ page }) => {
  await signIn(page, MANAGER);
  const dog = await dogWithoutPack(page);
  await carryOver(page, dog.client_id, "Daycare 10-day pack (10 days)", "7", "Paid in full in the old system");
  const pack = page.locator('[data-test="pack"][data-pack="Daycare 10-day pack"]');
  await expect(pack).toContainText("7 of 10 days left");
  await expect(pack.locator('[data-test="carried-over"]')).toBeVisible();
  await expect(pack.locator('[data-test="use-note"]')).toContainText("Paid in full in the old system");
  await expect(pack.locator('[data-test="pack-use"]')).toContainText("Carried over");

  await signIn(page, RECEPTIONIST);
  await page.goto(`/patients/${dog.id}`);
  await hydrated(page);
  await page.locator('[data-test="new-invoice"]').click();
  await expect(page).toHaveURL(/\/invoices\/\d+\?pet=\d+$/);
  await hydrated(page);
  const open = page.locator('[data-test="open-pack"][data-pack="Daycare 10-day pack"]');
  await expect(open.locator('[data-test="open-pack-left"]')).toHaveText("7 of 10 days left");
  await expect(open.locator('[data-test="use-note"]')).toContainText("Paid in full in the old system");
  // The catalog search says which results the pack covers.
  await page.locator('[data-test="catalog-search"]').fill("daycare");
  const result = page.locator('[data-test="catalog-result"]', { hasText: "Daycare day" });
  await expect(result.locator('[data-test="pack-hint"]')).toHaveText("Daycare 10-day pack: 7 left");
  await page.locator('[data-test="catalog-search"]').fill("");
  await open.locator('[data-test="use-pack"]').click();
  // Counted in the browser at once: the line draws the day from the pack.
  await expect(open.locator('[data-test="open-pack-left"]')).toHaveText("6 of 10 days left");
  await expect(page.locator('[data-test="lines"]')).toContainText("Daycare day");
  await page.setViewportSize({ width: 1024, height: 768 });
  await snapshot(page, "invoice-open-packs-1024");
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");

  await page.goto(`/clients/${dog.client_id}/packs`);
  await hydrated(page);
  await expect(pack).toContainText("6 of 10 days left");
  await expect(pack.locator('[data-test="pack-use"]').first()).toContainText(/Invoice INV-\d{4}-\d{5}/);
  await expect(pack.locator('[data-test="pack-change"]')).toHaveCount(0);
  await snapshot(page, "packs-tab-1024");
});

test("a file of carry-overs with one bad line is previewed with the line and field, and applies nothing", async ({ page }) => {
  await signIn(page, MANAGER);
  const all = await patients(page);
  const spare = spareHouseholds(all);
  const emails: string[] = [];
  for (const p of all.filter((p) => spare.has(p.client_id)).reverse()) {
    const response = await page.request.post("/api/client/packs", { form: { client_id: String(p.client_id) } });
    const email = (await response.json()).client.email;
    if (email && !emails.includes(email)) emails.push(email);
    if (emails.length === 2) break;
  }
  const file = [
    "client,pack,left,ends_on,note,reason",
    `${emails[0]},Daycare 10-day pack,4,,"Paid, old system",Moving over`,
    `${emails[1]},Physio 6-session pack,three,,,Moving over`,
  ].join("\r\n");
  await page.goto("/carry-over");
  await hydrated(page);
  await page
    .locator('[data-test="carry-file"]')
    .setInputFiles({ name: "packs.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
  await expect(page.locator('[data-test="carry-csv"]')).toHaveValue(/Daycare 10-day pack/);
  await page.locator('[data-test="carry-preview"]').click();
  const problem = page.locator('[data-test="carry-file-problem"]');
  await expect(problem).toContainText("Nothing of this file was applied");
  await expect(problem).toContainText('line 3, left: "three" is not a whole number');
  await snapshot(page, "carry-over-file-refused");

  // Fixed, it is previewed first; only the confirmation applies it.
  await page.locator('[data-test="carry-csv"]').fill(file.replace(",three,", ",3,"));
  await page.locator('[data-test="carry-preview"]').click();
  await expect(page.locator('[data-test="carry-file-row"]')).toHaveCount(2);
  await snapshot(page, "carry-over-file-preview");
  await page.locator('[data-test="carry-confirm"]').click();
  await expect(page.locator('[data-test="carry-file-applied"]')).toHaveText("2 packs carried over.");
});

test("an owner sees the household's packs on the portal, as N out of M left with the expiry", async ({ page }) => {
  await signIn(page, MANAGER);
  const emma = (await patients(page)).find((p) => p.client_name === "Emma de Vries");
  expect(emma).toBeTruthy();
  const ends = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  await carryOver(page, emma!.client_id, "Physio 6-session pack (6 sessions)", "3", "", ends);
  // The front desk books Rex a session on it tomorrow.
  const view = await (await page.request.post("/api/schedule/view", { form: { week: "false" } })).json();
  const physio = view.services.find((s: { name: string }) => s.name === "Physiotherapy session").id;
  const choices = await (await page.request.post("/api/schedule/choices", { form: { client_id: String(emma!.client_id) } })).json();
  const pack = choices.packs.find((c: { subscription: { plan_name: string; status: string } }) =>
    c.subscription.plan_name === "Physio 6-session pack" && c.subscription.status === "Active").subscription.id;
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const booked = await page.request.post("/api/schedule/book", { data: { form: {
    kind: "Appointment", patient_id: emma!.id, item_id: physio, starts_at: `${tomorrow}T16:30`, minutes: "30",
    staff_id: null, pack: { Pack: pack }, override_note: "" } } });
  expect(booked.status(), await booked.text()).toBe(200);
  await signIn(page, OWNER);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/portal");
  await hydrated(page);
  const card = page.locator('[data-test="hc-plan"][data-plan="Physio 6-session pack"]').first();
  await expect(card.locator('[data-test="pack-left"]')).toHaveText("3 out of 6 sessions left");
  await expect(card.locator('[data-test="hc-pack"]')).toContainText("Use by");
  await expect(card.locator('[data-test="pack-next-booked"]')).toContainText("16:30");
  await expect(page.locator('[data-test="hc-plan"][data-plan="Daycare 10-day pack"] [data-test="pack-left"]')).toHaveText(/^\d+ out of 10 days left$/);
  await card.locator("summary").click();
  await expect(card).toContainText("What was used");
  // Sessions of an item named after its unit read by the item's name.
  await expect(card).toContainText("3 Physiotherapy sessions used before");
  await snapshot(page, "portal-packs-390");
});
