import { test, expect } from "@playwright/test";
import { VET, signIn } from "../tests/helpers";

// BENCH_SMOKE=1 (make test) types once: the benchmark must still run.
const KEYSTROKES = process.env.BENCH_SMOKE ? 1 : 200;

// Time from a quantity keystroke to the updated badge, price and tracker on
// a 50-line SOAP plan: the shared counting core runs in the browser.
test("badge recompute on a 50-line SOAP plan", async ({ page }) => {
  // The desk's server functions need a signed-in vet.
  await signIn(page, VET);
  const request = page.request;
  const start = await request.post("/api/soap/start", { form: { patient_id: "1" } });
  expect(start.ok(), await start.text()).toBe(true);
  const soap = Number(await start.text());
  const items = [1, 2, 3, 7, 8, 9, 10, 12, 13, 18];
  const lines = Array.from({ length: 50 }, (_, n) => ({
    patient_id: 1, item_id: items[n % items.length], quantity_text: "1", unit: "Unit", discount_text: "",
  }));
  const saved = await request.post("/api/soap/save", { data: { id: soap, plan_notes: "", lines } });
  expect(saved.ok(), await saved.text()).toBe(true);
  await page.goto(`/soap/${soap}`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator('[data-test="line"]')).toHaveCount(50);

  const samples: number[] = await page.evaluate(async (keystrokes) => {
    const inputs = Array.from(document.querySelectorAll<HTMLInputElement>('[data-test="line-qty"]'));
    const times: number[] = [];
    for (let i = 0; i < keystrokes; i++) {
      const input = inputs[i % inputs.length];
      const row = input.closest("tbody")!;
      const changed = new Promise<number>((resolve) => {
        const seen = new MutationObserver(() => {
          seen.disconnect();
          resolve(performance.now());
        });
        seen.observe(row, { subtree: true, childList: true, characterData: true });
      });
      const t0 = performance.now();
      input.value = input.value === "1" ? "2" : "1";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      times.push((await changed) - t0);
    }
    return times;
  }, KEYSTROKES);
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const p95 = samples[Math.floor(samples.length * 0.95)];
  console.log(`badge recompute, 50-line SOAP (${samples.length} keystrokes): median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`);
});
