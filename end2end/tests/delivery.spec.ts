import { test, expect } from "./fixtures";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// A bundle travels as its difference from one the browser keeps
// (src/server/bundle_deltas.rs). The release build writes the differences
// of the real bundles; here two small bundles of the same shape have theirs
// written by the same command, so the browser itself is the judge of the
// format, in the suite every change runs.

const ROOT = path.resolve(__dirname, "../..");
const PROFILE = process.env.E2E_PROFILE ?? "debug";
const PKG = path.join(ROOT, "target/site/pkg");

/** Bytes no compressor can shorten on their own. */
function noise(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

test("the browser rebuilds a bundle from its difference to the one it keeps", async ({ page }) => {
  test.setTimeout(60_000);
  // Probes a run that was stopped halfway left behind.
  for (const name of fs.readdirSync(PKG)) if (name.startsWith("probe-")) fs.rmSync(path.join(PKG, name));
  const stamp = Date.now().toString(36).padStart(22, "0").slice(-22);
  const kept = `probe-kept.${stamp}.wasm`;
  // The browser files a bundle as a dictionary some time after reading it:
  // each try asks for a bundle it never saw, so none is in its cache.
  const tries = [1, 2, 3].map((n) => `probe-next${n}.${stamp}.wasm`);
  const shared = noise(1, 200_000);
  const bundles: Record<string, Buffer> = { [kept]: Buffer.concat([shared, noise(2, 10_000)]) };
  tries.forEach((name, n) => (bundles[name] = Buffer.concat([shared, noise(3 + n, 30_000)])));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "deltas-"));
  const served: string[] = [];
  try {
    for (const [name, bytes] of Object.entries(bundles)) fs.writeFileSync(path.join(work, name), bytes);
    execFileSync(path.join(ROOT, `target/${PROFILE}/carecount`), ["deltas", work]);
    for (const name of fs.readdirSync(work)) {
      fs.copyFileSync(path.join(work, name), path.join(PKG, name));
      served.push(name);
    }
    expect(served.filter((n) => n.endsWith(".dcb")), "each bundle from each other one").toHaveLength(12);

    await page.goto("/login");
    let seen = { name: "", encoding: null as string | null, sha: "", transferred: -1 };
    for (const [n, next] of tries.entries()) {
      seen = await page.evaluate(
        async ({ kept, next, wait }) => {
          // Read again from the network, so the kept bundle is the last one read.
          await (await fetch(`/pkg/${kept}`, { cache: "reload" })).arrayBuffer();
          await new Promise((done) => setTimeout(done, wait));
          const response = await fetch(`/pkg/${next}`);
          const bytes = await response.arrayBuffer();
          const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
          const timing = performance.getEntriesByName(new URL(`/pkg/${next}`, location.href).href)[0] as
            | PerformanceResourceTiming
            | undefined;
          return {
            name: next,
            encoding: response.headers.get("content-encoding"),
            sha: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
            transferred: timing?.encodedBodySize ?? -1,
          };
        },
        { kept, next, wait: 300 * (n + 1) },
      );
      if (seen.encoding === "dcb") break;
    }
    expect(seen.encoding, "sent as its difference from the kept bundle").toBe("dcb");
    expect(seen.sha, "and rebuilt exactly").toBe(createHash("sha256").update(bundles[seen.name]).digest("hex"));
    expect(seen.transferred, "only what differs travels").toBeLessThan(40_000);
    expect(seen.transferred).toBeGreaterThan(0);
  } finally {
    for (const name of served) fs.rmSync(path.join(PKG, name), { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
});
