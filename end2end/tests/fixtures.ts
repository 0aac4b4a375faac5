import { test as base, expect } from "@playwright/test";

/**
 * Every test's page is watched for Content-Security-Policy violations: the
 * app must hydrate and work under its own policy, so any "Refused to ..."
 * report in the console fails the test that caused it.
 */
export const test = base.extend<{ cspWatch: void }>({
  cspWatch: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        const text = message.text();
        if (text.includes("Content Security Policy") || text.includes("Content-Security-Policy")) {
          violations.push(text);
        }
      });
      await use();
      expect(violations, "CSP violations in the console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
