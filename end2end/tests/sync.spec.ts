import { test, expect } from "./fixtures";
import { hydrated, signIn, snapshot, MANAGER } from "./helpers";

// A practice system's export, as its CSV download writes it (Windows line
// ends): Charlie (patient id PMS-1006 in the demo) had nine exams, far beyond
// his plan; a second invoice uses a code nobody mapped; food is no plan code.
function exportFile(day: string): string {
  return [
    "invoice_id,line_id,invoice_date,patient_id,code,quantity,status,description",
    `PMS-9001,1,${day},PMS-1006,WP-EXAM,9,,"Exams, several visits"`,
    `PMS-9002,1,${day},PMS-1006,WP-CHECKUP,1,,New code in the practice system`,
    `PMS-9002,2,${day},PMS-1006,FOOD-12,1,,Dog food`,
  ].join("\r\n");
}

test("a manager imports an export, approves the over-usage, maps the unknown code and applies it", async ({ page }) => {
  await signIn(page, MANAGER);
  await page.goto("/sync");
  await hydrated(page);
  const day = new Date().toISOString().slice(0, 10);
  await page
    .locator('[data-test="sync-file"]')
    .setInputFiles({ name: "pims-export.csv", mimeType: "text/csv", buffer: Buffer.from(exportFile(day)) });
  await page.locator('[data-test="sync-import"]').click();
  const result = page.locator('[data-test="sync-result"]');
  await expect(result).toContainText("3 lines read");
  await expect(result).toContainText("1 over-usage and 1 exceptions need a look");
  await hydrated(page);

  const over = page.locator('[data-test="over-usage-row"]', { hasText: "PMS-9001" });
  await expect(over).toContainText("Charlie");
  await expect(over).toContainText("Wellness exam");
  const exception = page.locator('[data-test="exception-row"]', { hasText: "WP-CHECKUP" });
  await expect(exception).toContainText("Unknown code");
  // Days read as everywhere else in the product ("6 Dec 2026"), not as ISO.
  const [year, month, date] = day.split("-").map(Number);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const shown = `${date} ${months[month - 1]} ${year}`;
  await expect(over).toContainText(shown);
  await expect(exception).toContainText(shown);
  await expect(page.locator('[data-test="over-usage-row"]', { hasText: day })).toHaveCount(0);
  await expect(page.locator('[data-test="sync-run"]').first()).toContainText("pims-export.csv");
  // The filter row stands level: its fields one height, the button beside them.
  const filters = page.locator('[data-test="over-usage"] form.filters');
  const from = (await filters.locator('input[name="from"]').boundingBox())!;
  const plan = (await filters.locator('select[name="plan"]').boundingBox())!;
  const filter = (await filters.locator('button[type="submit"]').boundingBox())!;
  expect(Math.abs(from.height - plan.height)).toBeLessThan(1);
  expect(Math.abs(from.y + from.height - (filter.y + filter.height))).toBeLessThan(2);
  // The mappings' search starts where the panel's words do.
  const title = (await page.locator('[data-test="mappings"] .panel-title').boundingBox())!;
  const find = (await page.locator('[data-test="mapping-search"]').boundingBox())!;
  expect(Math.abs(title.x - find.x)).toBeLessThan(1);
  // A decision's note and the item to map are fields the eye finds: as tall
  // as the buttons beside them, not the browser's thin default.
  const note = (await over.locator('[data-test="over-usage-note"]').boundingBox())!;
  const approve = (await over.locator('[data-test="approve"]').boundingBox())!;
  const choice = (await exception.locator('[data-test="map-choice"]').boundingBox())!;
  expect(note.height).toBeGreaterThanOrEqual(approve.height - 1);
  expect(choice.height).toBeGreaterThanOrEqual(approve.height - 1);
  // An invoice, patient id or code is one word: it never breaks at its hyphen.
  // The code stands twice in its row: in its column and in the problem's words.
  const ids = [[over, "PMS-9001", 1], [exception, "PMS-9002", 1], [exception, "PMS-1006", 1], [exception, "WP-CHECKUP", 2]] as const;
  for (const [row, word, times] of ids) {
    const lines = await row.evaluate((tr, word) => {
      const found: number[] = [];
      const walker = document.createTreeWalker(tr, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.textContent?.trim() !== word) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        found.push(new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size);
      }
      return found;
    }, word);
    expect(lines, word).toEqual(Array(times).fill(1));
  }
  await snapshot(page, "sync");

  // Approving needs a note that says why.
  await over.locator('[data-test="approve"]').click();
  await expect(over.locator('[role="alert"]')).toContainText("Write a short note");
  // A note half-typed in another row outlives the reload a decision makes.
  await exception.locator('[data-test="dismiss-note"]').fill("Typed before another row was decided");
  await over.locator('[data-test="over-usage-note"]').fill("Owner paid for the extra exams at the desk");
  await over.locator('[data-test="approve"]').click();
  await expect(page.locator('[data-test="over-usage-row"]', { hasText: "PMS-9001" })).toHaveCount(0);
  await expect(exception.locator('[data-test="dismiss-note"]')).toHaveValue("Typed before another row was decided");

  // The unknown code is mapped to the exam and applied again: it counts now,
  // beyond the plan as well, so it shows as over-usage of its own invoice.
  await exception.locator('[data-test="map-choice"]').selectOption({ label: "Wellness exam (EXAM)" });
  await exception.locator('[data-test="map"]').click();
  await expect(exception).toContainText("Mapped. Apply again to count it.");
  const mappings = page.locator('[data-test="mappings"]');
  await mappings.locator('[data-test="mapping-search"]').fill("CHECKUP");
  await mappings.locator('button[type="submit"]').click();
  await expect(mappings.locator('[data-test="code-mapping"]')).toHaveCount(1);
  await expect(mappings.locator('[data-test="code-mapping"] option:checked')).toHaveText("Wellness exam (EXAM)");
  await expect(mappings.locator('[data-test="code-mapping"]')).toContainText("WP-CHECKUP");
  // A new patient id is mapped to a pet found by name, not picked from a
  // list of every patient (a group has a hundred thousand).
  await mappings.locator('[data-test="new-pims"]').fill("PMS-NEW-7");
  await mappings.locator('[data-test="new-pims-search"]').fill("Rex");
  await mappings.locator('[data-test="new-pims-search"]').press("Enter");
  await mappings.locator('[data-test="new-pims-pet"]', { hasText: "Rex" }).first().click();
  await expect(mappings.locator('[data-test="new-pims-chosen"]')).toContainText("Chosen: Rex");
  await mappings.locator('[data-test="add-pims"]').click();
  await mappings.locator('[data-test="mapping-search"]').fill("PMS-NEW-7");
  await mappings.locator('button[type="submit"]').click();
  await expect(mappings.locator('[data-test="patient-mapping"]')).toHaveCount(1);
  await expect(mappings.locator('[data-test="patient-mapping"]')).toContainText("Rex");
  await page.locator('[data-test="apply-again"]').click();
  await expect(page.locator('[data-test="exception-row"]')).toHaveCount(0);
  await expect(page.locator('[data-test="applied-again"]')).toHaveText(
    "Applied again: 1 line cleared; nothing still needs a person.",
  );
  const mapped = page.locator('[data-test="over-usage-row"]', { hasText: "PMS-9002" });
  await expect(mapped).toContainText("1 exam");
  await mapped.locator('[data-test="over-usage-note"]').fill("Booked twice by mistake in the practice system");
  await mapped.locator('[data-test="remove"]').click();
  await expect(page.locator('[data-test="over-usage-row"]')).toHaveCount(0);
  await expect(page.locator('[data-test="over-usage"]')).toContainText("Nothing over a limit");

  // The addressed ones stay on record with their notes.
  await page.locator('[data-test="over-usage"] input[name="all"]').check();
  await page.locator('[data-test="over-usage"] button[type="submit"]').click();
  await expect(page.locator('[data-test="over-usage-row"]', { hasText: "PMS-9001" })).toContainText("approved");
  await expect(page.locator('[data-test="over-usage-row"]', { hasText: "PMS-9002" })).toContainText("removed");
  await snapshot(page, "sync-addressed");
});

test("a manager makes an API token, sees it once, and revokes it", async ({ page, request }) => {
  await signIn(page, MANAGER);
  await page.goto("/sync");
  await hydrated(page);
  const panel = page.locator('[data-test="api-tokens"]');
  await panel.locator('[data-test="make-token"]').click();
  await expect(panel.locator('[role="alert"]')).toContainText("Name the token");
  await panel.locator('[data-test="token-name"]').fill("Practice system");
  await panel.locator('[data-test="make-token"]').click();
  const shown = panel.locator('[data-test="new-token"] code');
  await expect(shown).toContainText("cc_");
  const token = (await shown.textContent())!.trim();
  const runs = await request.get("/api/v1/sync-runs", { headers: { Authorization: `Bearer ${token}` } });
  expect(runs.status()).toBe(200);
  await snapshot(page, "sync-token");

  const row = panel.locator('[data-test="token-row"]', { hasText: "Practice system" }).first();
  await row.locator('[data-test="revoke"]').click();
  await expect(row).toContainText("Revoked");
  const refused = await request.get("/api/v1/sync-runs", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});

test("a line no mapping will clear is dismissed with a note, and leaves the list", async ({ page }) => {
  await signIn(page, MANAGER);
  await page.goto("/sync");
  await hydrated(page);
  const day = new Date().toISOString().slice(0, 10);
  const file = ["invoice_id,line_id,invoice_date,patient_id,code,quantity,status,description", `PMS-9100,1,${day},PMS-1001,WP-XRAY,1,,Radiograph`].join("\r\n");
  await page.locator('[data-test="sync-file"]').setInputFiles({ name: "xray.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
  await page.locator('[data-test="sync-import"]').click();
  await expect(page.locator('[data-test="sync-result"]')).toContainText("1 exceptions need a look");
  await hydrated(page);
  const row = page.locator('[data-test="exception-row"]', { hasText: "PMS-9100" });
  await expect(row).toContainText("Not in plan");
  await row.locator('[data-test="dismiss"]').click();
  await expect(row.locator('[role="alert"]')).toContainText("why this line needs no mapping");
  await row.locator('[data-test="dismiss-note"]').fill("Radiograph paid at the desk; no plan covers it");
  await snapshot(page, "sync-dismiss");
  await row.locator('[data-test="dismiss"]').click();
  await expect(row).toContainText("Dismissed");
  await page.reload();
  await hydrated(page);
  await expect(page.locator('[data-test="exception-row"]', { hasText: "PMS-9100" })).toHaveCount(0);
});
