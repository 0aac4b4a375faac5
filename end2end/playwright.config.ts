import { defineConfig, devices } from "@playwright/test";

// The server under test: the binary cargo-leptos built, on its own port and
// a fresh demo database, started and stopped by Playwright itself.
const port = process.env.E2E_PORT ?? "3107";
const baseURL = `http://127.0.0.1:${port}`;
const profile = process.env.E2E_PROFILE ?? "debug";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/results.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: `rm -f target/e2e/carecount.db* && exec target/${profile}/carecount`,
    cwd: "..",
    url: `${baseURL}/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      CARECOUNT_DATABASE: "target/e2e/carecount.db",
      CARECOUNT_ADDR: `127.0.0.1:${port}`,
      CARECOUNT_DEMO_DATA: "1",
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
    },
  },
});
