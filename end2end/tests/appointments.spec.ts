import { test, expect } from "./fixtures";
import { Page } from "@playwright/test";
import { hydrated, signIn, snapshot, MANAGER, RECEPTIONIST } from "./helpers";
import { carryOver, dogWithoutPack } from "./households";

/** The counts on a pack of the client's Packs tab: used, booked, available. */
async function counts(page: Page, clientId: number, pack: string) {
  await page.goto(`/clients/${clientId}/packs`);
  await hydrated(page);
  const card = page.locator(`[data-test="pack"][data-pack="${pack}"]`);
  const read = async (what: string) => Number(await card.locator(`[data-test="pack-${what}"]`).innerText());
  return { card, used: await read("used"), booked: await read("booked"), available: await read("available") };
}

/** Opens today's daycare page and picks the dog in its check-in form. */
async function findForCheckIn(page: Page, dog: { name: string; client_name: string }) {
  await page.goto("/daycare");
  await hydrated(page);
  const form = page.locator('[data-test="daycare-check-in-form"]');
  await form.locator('[data-test="daycare-search"]').fill(dog.name);
  await form.locator('[data-test="daycare-search"]').press("Enter");
  await form.locator('[data-test="daycare-pet"]', { hasText: dog.client_name }).first().click();
  return form;
}

/** Finalizes the invoice a check-out opened. */
async function finalizeCheckOut(page: Page, service: string) {
  await expect(page).toHaveURL(/\/invoices\/\d+$/);
  await hydrated(page);
  await expect(page.locator('[data-test="lines"]')).toContainText(service);
  await page.locator('[data-test="finalize"]').click();
  await expect(page.locator('[data-test="invoice-status"]')).toHaveText("Finalized");
}

test("a receptionist books on the preferred pack, checks the pet out, and the pack's count drops", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, MANAGER);
  const dog = await dogWithoutPack(page);
  await carryOver(page, dog.client_id, "Physio 6-session pack (6 sessions)", "4", "Hydrotherapy pool only");
  const pack = page.locator('[data-test="pack"][data-pack="Physio 6-session pack"]');
  await pack.locator('[data-test="prefer-pack"]').click();
  await expect(pack.locator('[data-test="preferred-pack"]')).toBeVisible();

  await signIn(page, RECEPTIONIST);
  await page.goto("/schedule");
  await hydrated(page);
  // The receptionist's own column comes first.
  const mine = page.locator('[data-test="schedule-column"]').first();
  await expect(mine.locator(".schedule-head")).toContainText("(you)");
  await mine.locator('[data-test="free-slot"][data-start$="T13:00"]').click();
  const booking = page.locator('[data-test="booking"]');
  await booking.locator('[data-test="booking-search"]').fill(dog.name);
  await booking.locator('[data-test="booking-search"]').press("Enter");
  await booking.locator('[data-test="booking-pet"]', { hasText: dog.client_name }).first().click();
  // The preferred pack is chosen, with the service it covers.
  const chosen = booking.locator('[data-test="booking-pack"] option:checked');
  await expect(chosen).toContainText("Physio 6-session pack — 4 of 6 sessions available");
  await expect(booking.locator('[data-test="booking-service"] option:checked')).toHaveText("Physiotherapy session");
  // The start and the minutes sit side by side without running into each other.
  const start = await booking.locator('[data-test="booking-start"]').boundingBox();
  const minutes = await booking.locator('[data-test="booking-minutes"]').boundingBox();
  expect(start!.x + start!.width, "the start ends before the minutes begin").toBeLessThan(minutes!.x);
  await snapshot(page, "schedule-booking-1024");
  // A length that is not minutes is refused in words, and nothing typed is lost.
  await booking.locator('[data-test="booking-minutes"]').fill("half an hour");
  await booking.locator('[data-test="book"]').click();
  await expect(booking.locator('[data-test="booking-problem"]')).toContainText("not a number of minutes");
  await expect(chosen).toContainText("Physio 6-session pack");
  await booking.locator('[data-test="booking-minutes"]').fill("45");
  await booking.locator('[data-test="book"]').click();
  await expect(page.locator('[data-test="schedule-notice"]')).toContainText(`Booked ${dog.name}`);
  const visit = mine.locator('[data-test="visit"]', { hasText: dog.name });
  await expect(visit).toContainText("Physio 6-session pack");

  // Booked is held: one fewer available, none used yet.
  let now = await counts(page, dog.client_id, "Physio 6-session pack");
  expect([now.used, now.booked, now.available]).toEqual([2, 1, 3]);
  await expect(now.card.locator('[data-test="pack-next"]')).toContainText("13:00");
  await snapshot(page, "packs-allocated-1024");

  await page.goto("/schedule?view=week");
  await hydrated(page);
  await expect(page.locator('[data-test="schedule-column"]')).toHaveCount(7);
  // Down every day, the free slots follow the clock (the 11:45 slot is not
  // pushed below 18:45 by a visit above it), and the 45-minute visit is
  // three slots high.
  const columns = await page.locator('[data-test="schedule-column"]').evaluateAll((days) =>
    days.map((day) =>
      Array.from(day.querySelectorAll<HTMLElement>('[data-test="free-slot"]'))
        .map((slot) => ({ at: slot.dataset.start ?? "", top: slot.getBoundingClientRect().top }))
        .sort((a, b) => a.at.localeCompare(b.at))
        .map((slot) => slot.top),
    ),
  );
  for (const tops of columns) {
    expect(tops.length).toBeGreaterThan(40);
    expect(tops.every((top, i) => i === 0 || top > tops[i - 1])).toBe(true);
  }
  const slotHeight = (await page.locator('[data-test="free-slot"]').first().boundingBox())!.height;
  const booked = (await page.locator('[data-test="visit"]', { hasText: dog.name }).boundingBox())!;
  expect(booked.height).toBeGreaterThan(2.5 * slotHeight);
  await snapshot(page, "schedule-week-1024");

  await page.goto("/schedule");
  await hydrated(page);
  await page.locator('[data-test="visit"]', { hasText: dog.name }).click();
  const panel = page.locator('[data-test="visit-panel"]');
  await expect(panel.locator('[data-test="visit-pack"]')).toContainText("4 of 6 sessions left · 1 booked");
  await expect(panel.locator('[data-test="visit-use-note"]')).toContainText("Hydrotherapy pool only");
  await snapshot(page, "schedule-day-visit-1024");
  await panel.locator('[data-test="visit-check-out"]').click();
  await finalizeCheckOut(page, "Physiotherapy session");
  await expect(page.locator('[data-test="line-covered"]')).toHaveText("1 session");

  now = await counts(page, dog.client_id, "Physio 6-session pack");
  expect([now.used, now.booked, now.available]).toEqual([3, 0, 3]);
  await expect(now.card).toContainText("3 of 6 sessions left");
});

test("a daycare dog is checked in on its package, with the carry-over note, and checked out", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, MANAGER);
  const dog = await dogWithoutPack(page);
  await carryOver(page, dog.client_id, "Daycare 10-day pack (10 days)", "5", "Prepaid in the old system");

  await signIn(page, RECEPTIONIST);
  const form = await findForCheckIn(page, dog);
  await expect(form.locator('[data-test="daycare-package"] option:checked')).toContainText("Daycare 10-day pack — 5 of 10 days available");
  await expect(form.locator('[data-test="daycare-note"]')).toContainText("Prepaid in the old system");
  await form.locator('[data-test="daycare-check-in-now"]').click();
  await expect(page.locator('[data-test="daycare-notice"]')).toContainText(`${dog.name} is checked in.`);
  const row = page.locator('[data-test="daycare-row"]', { hasText: dog.name });
  await expect(row).toContainText("Here now");
  await expect(row.locator('[data-test="daycare-pack"]')).toContainText("5 of 10 days left · 1 booked");
  await expect(row.locator('[data-test="daycare-note"]')).toContainText("Prepaid in the old system");
  await snapshot(page, "daycare-day-1024");

  await row.locator('[data-test="daycare-check-out"]').click();
  await finalizeCheckOut(page, "Daycare day");
  await page.goto("/daycare");
  await hydrated(page);
  await expect(page.locator('[data-test="daycare-row"]', { hasText: dog.name })).toContainText("Checked out");
  const now = await counts(page, dog.client_id, "Daycare 10-day pack");
  expect([now.used, now.booked, now.available]).toEqual([6, 0, 4]);
});

test("a daycare dog checked in by mistake is cancelled on the daycare page and its day goes back", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, MANAGER);
  const dog = await dogWithoutPack(page);
  await carryOver(page, dog.client_id, "Daycare 10-day pack (10 days)", "5", "Brought over for the mistake");

  await signIn(page, RECEPTIONIST);
  const form = await findForCheckIn(page, dog);
  await form.locator('[data-test="daycare-check-in-now"]').click();
  const row = page.locator('[data-test="daycare-row"]', { hasText: dog.name });
  await expect(row).toContainText("Here now");
  await expect(row.locator('[data-test="daycare-no-show"]')).toHaveCount(0);
  await snapshot(page, "daycare-cancel-1024");
  await row.locator('[data-test="daycare-cancel"]').click();
  await expect(page.locator('[data-test="daycare-notice"]')).toContainText("Cancelled");
  await expect(row).toContainText("Cancelled");
  await expect(row.locator('[data-test="daycare-cancel"]')).toHaveCount(0);

  // The day before is a link away, and back to today.
  await page.locator('[data-test="daycare-day-before"]').click();
  await expect(page).toHaveURL(/\/daycare\?day=\d{4}-\d{2}-\d{2}$/);
  await expect(page.locator('[data-test="daycare-today"]')).toBeVisible();
  await expect(page.locator('[data-test="daycare-check-in-form"]')).toHaveCount(0);

  const now = await counts(page, dog.client_id, "Daycare 10-day pack");
  expect([now.used, now.booked, now.available]).toEqual([5, 0, 5]);
});
