import { test, expect } from "./fixtures";
import { hydrated, signIn, snapshot, MANAGER, RECEPTIONIST } from "./helpers";

test("a manager edits a template; plans already sold keep what they were sold with", async ({ page }) => {
  await signIn(page, MANAGER);
  await page.goto("/templates");
  await hydrated(page);
  await snapshot(page, "templates");
  await page.locator('[data-test="template-row"] a', { hasText: "Senior Cat Plan" }).click();
  await expect(page.getByRole("heading", { name: "Edit plan template" })).toBeVisible();
  await hydrated(page);
  const price = page.locator('[data-test="t-price"]');
  await price.fill("");
  await page.locator('[data-test="save-template"]').click();
  await expect(page.locator('[data-test="template-error"]')).toContainText("The price is an amount in EUR");
  // The message keeps to the panel's edges, in line with the button below it.
  const errorBox = await page.locator('[data-test="template-error"]').boundingBox();
  const saveBox = await page.locator('[data-test="save-template"]').boundingBox();
  expect(Math.abs(errorBox!.x - saveBox!.x)).toBeLessThan(1);
  await price.fill("399.00");
  // The message was about the empty price: once fixed, it steps aside.
  await expect(page.locator('[data-test="template-error"]')).toHaveCount(0);
  await expect(page.locator('[data-test="apply-price"]')).toBeVisible();
  await page.locator('[data-test="add-benefit"]').click();
  const added = page.locator('[data-test="benefit-row"]').last();
  await added.locator('[data-test="b-label"]').fill("Nail trims");
  await added.locator('[data-test="b-target"]').selectOption("NAIL");
  await snapshot(page, "template-editor");
  // An empty limit reads "Unlimited" whole, on a laptop and on a tablet.
  const limit = added.locator('[data-test="b-limit"]');
  const placeholderFits = () => limit.evaluate((input: HTMLInputElement) => {
    const style = getComputedStyle(input);
    const pen = document.createElement("canvas").getContext("2d")!;
    pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return pen.measureText(input.placeholder).width <= room;
  });
  expect(await placeholderFits()).toBe(true);
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await placeholderFits()).toBe(true);
  await snapshot(page, "template-editor-1024");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('[data-test="save-template"]').click();
  await expect(page.locator('[data-test="template-saved"]')).toContainText("Plans already sold are unchanged");
  // The renewal-price choice went with that save: it is not offered again
  // for a price that is now the stored one.
  await expect(page.locator('[data-test="apply-price"]')).toHaveCount(0);
  // An edit after saving is not saved yet, and the page no longer says it is.
  await page.locator('[data-test="t-fee"]').fill("5.00");
  await expect(page.locator('[data-test="template-saved"]')).toHaveCount(0);
  await page.locator('[data-test="t-fee"]').fill("0");
  await expect(page.locator('[data-test="template-saved"]')).toBeVisible();
  await expect(page.locator('[data-test="b-label"]').last()).toHaveValue("Nail trims");
});

test("a manager changes the member tag in the settings and the desk shows it", async ({ page }) => {
  await signIn(page, MANAGER);
  await page.goto("/settings");
  await hydrated(page);
  const tag = page.locator('[data-test="clinic-settings"] [data-test="member-tag"]');
  const zone = page.locator('[data-test="clinic-settings"] [data-test="time-zone"]');
  // A clinic's full name shows whole in its field, not cut at the edge.
  const name = page.locator('[data-test="clinic-settings"] input[name="name"]');
  const saved = await name.inputValue();
  await name.fill("Maple Street Veterinary Clinic, Utrecht Centrum");
  expect(await name.evaluate((e: HTMLInputElement) => e.scrollWidth <= e.clientWidth)).toBe(true);
  await name.fill(saved);
  await tag.fill("Wellness club");
  await zone.fill("Mars/Olympus");
  await page.locator('[data-test="clinic-settings"] button[type="submit"]').click();
  await expect(page.locator('[data-test="clinic-settings"] .banner.error')).toContainText("Europe/Amsterdam");
  // The rejected form keeps what was typed.
  await expect(tag).toHaveValue("Wellness club");
  await zone.fill("Europe/Brussels");
  await page.locator('[data-test="clinic-settings"] button[type="submit"]').click();
  await expect(page.locator('[data-test="clinic-settings"] .banner.success')).toHaveText("Clinic saved.");
  await snapshot(page, "settings");
  await page.goto("/");
  await expect(page.locator(".member-tag").first()).toContainText("Wellness club");
  // Put the demo's label back for the tests that follow.
  await page.goto("/settings");
  await hydrated(page);
  await page.locator('[data-test="clinic-settings"] [data-test="member-tag"]').fill("Plan member");
  await page.locator('[data-test="clinic-settings"] button[type="submit"]').click();
  await expect(page.locator('[data-test="clinic-settings"] .banner.success')).toBeVisible();
  await page.goto("/staff");
  await expect(page.locator('[data-test="staff-row"]')).toHaveCount(3);
  // The invitation's fields stand in one line: same height, labels level.
  const fields = ["invite-name", "invite-email", "invite-role"].map((name) => page.locator(`[data-test="${name}"]`));
  const boxes = await Promise.all(fields.map((field) => field.boundingBox()));
  const labels = await Promise.all(fields.map((field) => field.locator("xpath=../span").boundingBox()));
  for (const [i, box] of boxes.entries()) {
    expect(Math.abs(box!.height - boxes[0]!.height), "field height").toBeLessThan(1);
    expect(Math.abs(box!.y - boxes[0]!.y), "field top").toBeLessThan(1);
    expect(Math.abs(labels[i]!.y - labels[0]!.y), "label top").toBeLessThan(1);
  }
  await snapshot(page, "staff");
});

test("a receptionist has no manager pages, and signing out ends the session", async ({ page }) => {
  await signIn(page, RECEPTIONIST);
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator('[data-test="signed-in-as"]')).toHaveText("Marloes Bakker");
  await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await page.locator('[data-test="sign-out"]').click();
  await expect(page).toHaveURL(/\/login$/);
  // The sign-in page belongs to another bundle: it loads in full after the
  // address changes. Going on before it has would be cut short by that load.
  await hydrated(page);
  await page.goto("/lists");
  await expect(page).toHaveURL(/\/login\?next=/);
  await snapshot(page, "login");
});

test("when a pet dies its plan holds, and what is left moves to the household's other dog", async ({ page }) => {
  await signIn(page, MANAGER);
  await page.goto("/");
  await page.getByRole("link", { name: "Loki", exact: true }).click();
  // The home page is hydrated too: wait for the patient page's own marker.
  await expect(page).toHaveURL(/\/patients\/\d+$/);
  await hydrated(page);
  await page.locator(".death-panel summary").click();
  await page.locator('[data-test="record-death"]').click();
  await expect(page.locator('[data-test="deceased"]')).toContainText("Loki died on");
  await expect(page.locator('[data-test="plan-card"][data-plan="Puppy Plan"] .pill').first()).toHaveText("On hold");
  await hydrated(page);
  await expect(page.locator('[data-test="transfer-to"]')).toContainText("Saar");
  await snapshot(page, "patient-deceased");
  await page.locator('[data-test="transfer-go"]').click();
  await expect(page).toHaveURL(/\/plans\/\d+$/);
  // The address changes before the plan page has loaded: wait for the page itself.
  await expect(page.locator('[data-test="history"]')).toBeVisible();
  await expect(page.locator('[data-test="plan-card"]')).toContainText("Wellness plan for Saar");
  await expect(page.locator('[data-test="history"]')).toContainText("Transfer");
  await snapshot(page, "plan-transferred");
});

test("a manager sets the plan rules and invites a colleague; a wrong value is refused and what was typed stays", async ({ page }) => {
  await signIn(page, MANAGER);
  await page.goto("/settings");
  await hydrated(page);
  const rules = page.locator('[data-test="plan-rules"]');
  const grace = rules.locator('[data-test="grace"]');
  const before = await grace.inputValue();
  await grace.fill("many");
  await rules.locator('[data-test="save-rules"]').click();
  await expect(rules.locator(".banner.error")).toBeVisible();
  await expect(grace).toHaveValue("many");
  await grace.fill(before);
  // The message was about "many": once the field is edited, it steps aside.
  await expect(rules.locator(".banner.error")).toHaveCount(0);
  await rules.locator('[data-test="save-rules"]').click();
  await expect(rules.locator(".banner.success")).toHaveText("Plan rules saved.");
  await grace.fill("8");
  await expect(rules.locator(".banner.success")).toHaveCount(0);
  await grace.fill(before);

  await page.goto("/staff");
  await hydrated(page);
  await page.locator('[data-test="invite-name"]').fill("Anouk Visser");
  await page.locator('[data-test="invite-email"]').fill("anouk@maple.example");
  await page.locator('[data-test="invite-role"]').selectOption("vet");
  await page.locator('[data-test="invite"]').click();
  await expect(page.locator('.banner.success[role="status"]')).toContainText("Invitation sent");
  await expect(page.locator('[data-test="staff-row"]', { hasText: "Anouk Visser" })).toHaveCount(1);
});

test("a manager's menu keeps every link, the name and sign-out in sight on a laptop and a tablet", async ({ page }) => {
  await signIn(page, MANAGER);
  for (const width of [1280, 1024, 820]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto("/lists");
    await hydrated(page);
    const links = page.locator("nav.topnav a");
    await expect(links).toHaveCount(8);
    const lineHeight = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize) * 2);
    for (const link of await links.all()) {
      const box = (await link.boundingBox())!;
      const name = await link.innerText();
      expect(box.x, `${name} at ${width} px`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} at ${width} px`).toBeLessThanOrEqual(width);
      // One line: "Plans & payments" broke over two at 1280 px.
      expect(box.height, `${name} at ${width} px`).toBeLessThan(lineHeight + 16);
    }
    for (const part of ['[data-test="signed-in-as"]', '[data-test="sign-out"]']) {
      const box = (await page.locator(part).boundingBox())!;
      expect(box.x + box.width, `${part} at ${width} px`).toBeLessThanOrEqual(width);
    }
    if (width === 1024) await snapshot(page, "manager-menu-1024");
  }
  await page.locator("nav.topnav a", { hasText: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
});

test("the staff list gives a sign-in on the clinic's clock, not in UTC", async ({ page }) => {
  const before = Date.now();
  await signIn(page, MANAGER);
  await page.goto("/staff");
  await hydrated(page);
  const shown = await page.locator('[data-test="staff-row"]', { hasText: "(you)" }).locator("td").nth(3).innerText();
  // The demo clinic keeps Amsterdam's clock (Brussels', once the settings
  // test ran: the same all year), an hour or two ahead of UTC.
  const clock = (t: number) =>
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);
  const possible = new Set<string>();
  for (let t = before - 60_000; t <= Date.now() + 60_000; t += 15_000) possible.add(clock(t));
  expect(shown).not.toContain("UTC");
  expect([...possible].some((hm) => shown.endsWith(hm)), `"${shown}" ends in one of ${[...possible]}`).toBe(true);
});
