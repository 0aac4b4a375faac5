import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// Browser benchmarks: same server set-up as the tests, against the release
// build (E2E_PROFILE=release), one run, results printed to the console.
export default defineConfig({ ...base, testDir: "./bench", timeout: 120_000, reporter: [["list"]] });
