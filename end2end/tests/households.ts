import { Page, expect } from "@playwright/test";
import { hydrated } from "./helpers";

/** Households the specs that change packs may use, and how they make a pack. */

export type PatientRow = { id: number; name: string; species: string; client_id: number; client_name: string; plans: { plan_name: string }[] };

/** The demo's patients as the patient list reads them. */
export async function patients(page: Page): Promise<PatientRow[]> {
  const response = await page.request.post("/api/patients", { form: {} });
  expect(response.status()).toBe(200);
  return (await response.json()).patients;
}

/** Pets the other specs look at: their households are left alone here, so
 * a pack added here never changes what those specs see (a member tag). */
export const OTHER_SPECS = ["Rex", "Mimi", "Bella", "Luna", "Max", "Charlie", "Bobbie", "Kiki", "Lola", "Loki", "Guus", "Rocky"];

/** Households this spec may change: none of their pets is another spec's. */
export function spareHouseholds(all: PatientRow[]): Set<number> {
  const taken = new Set(all.filter((p) => OTHER_SPECS.includes(p.name)).map((p) => p.client_id));
  return new Set(all.map((p) => p.client_id).filter((c) => !taken.has(c)));
}

/** A dog whose household has no package or session pack yet. */
export async function dogWithoutPack(page: Page): Promise<PatientRow> {
  const all = await patients(page);
  const spare = spareHouseholds(all);
  const packed = new Set(
    all.filter((p) => p.plans.some((plan) => /pack/i.test(plan.plan_name))).map((p) => p.client_id),
  );
  const dog = all.find((p) => p.species === "dog" && spare.has(p.client_id) && !packed.has(p.client_id));
  expect(dog, "a demo dog whose household has no pack").toBeTruthy();
  return dog!;
}

/** Carries a pack over on the client's Packs tab. */
export async function carryOver(page: Page, clientId: number, template: string, left: string, note: string, ends = "") {
  await page.goto(`/clients/${clientId}/packs`);
  await hydrated(page);
  const form = page.locator('[data-test="carry-over"]');
  await form.locator("summary").click();
  await form.locator('[data-test="carry-template"]').selectOption({ label: template });
  await form.locator('[data-test="carry-left"]').fill(left);
  if (ends) await form.locator('[data-test="carry-ends"]').fill(ends);
  await form.locator('[data-test="carry-note"]').fill(note);
  // Without a reason it is refused, and what was typed stays.
  await form.locator('[data-test="carry-submit"]').click();
  await expect(form.locator('[data-test="carry-problem"]')).toContainText("why this balance is carried over");
  await expect(form.locator('[data-test="carry-left"]')).toHaveValue(left);
  await form.locator('[data-test="carry-reason"]').fill("Moving from the previous practice system");
  await form.locator('[data-test="carry-submit"]').click();
  await expect(page.locator('[data-test="packs-notice"]')).toContainText(`carried over with ${left} left.`);
}

