import { Page, expect } from "@playwright/test";
import * as fs from "node:fs";

/** Waits until the WebAssembly has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Saves a screenshot under end2end/screenshots/ for people to look at. */
export async function snapshot(page: Page, name: string) {
  fs.mkdirSync("screenshots", { recursive: true });
  // From the top: a page scrolled down drew its sticky header across the
  // middle of the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** The demo's accounts (password for all: carecount-demo). */
export const MANAGER = "sarah@maple.example";
export const VET = "pieter@maple.example";
export const RECEPTIONIST = "marloes@maple.example";
export const OWNER = "emma.devries@example.com";

/** Signs the page's browser context in, as the sign-in form would. */
export async function signIn(page: Page, email: string = MANAGER) {
  const response = await page.request.post("/api/sign-in", {
    form: { email, password: "carecount-demo", next: "" },
    maxRedirects: 0,
  });
  expect(response.status(), await response.text()).toBeLessThan(400);
}
