// Lighthouse against a fresh demo clinic served by the built binary, with
// Debian's Chromium: the portal as a throttled phone (Lighthouse's default),
// the desk pages with the desktop preset. Prints the performance score and
// the largest contentful paint per page; writes test-results/lighthouse.json.
//
//   node lighthouse.cjs            every page, against target/$E2E_PROFILE
//   node lighthouse.cjs --smoke    the sign-in page only (make test)

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const smoke = process.argv.includes("--smoke");
const profile = process.env.E2E_PROFILE ?? "release";
const port = process.env.LIGHTHOUSE_PORT ?? "3108";
const base = `http://127.0.0.1:${port}`;
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const root = path.resolve(__dirname, "..");

const pages = [
  { name: "sign-in", url: "/login", preset: "mobile" },
  { name: "portal", url: "/portal", who: "emma.devries@example.com", preset: "mobile" },
  { name: "patient", url: "/patients/1", who: "pieter@maple.example", preset: "desktop" },
  { name: "SOAP", url: "/soap/{soap}", who: "pieter@maple.example", preset: "desktop" },
  { name: "invoice", url: "/invoices/{invoice}", who: "marloes@maple.example", preset: "desktop" },
  { name: "templates", url: "/templates/1", who: "sarah@maple.example", preset: "desktop" },
];

async function waitForHealth(deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${base}/health`);
}

async function signIn(email) {
  const response = await fetch(`${base}/api/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: "carecount-demo", next: "" }),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("carecount_session="));
  if (!cookie) throw new Error(`sign-in of ${email} gave no session (${response.status})`);
  return cookie.split(";")[0];
}

async function post(cookie, endpoint, body) {
  const response = await fetch(`${base}/api/${endpoint}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A SOAP plan and an invoice of ten lines for Rex, so the desk pages have content. */
async function drafts() {
  const cookie = await signIn("marloes@maple.example");
  const soapStart = await fetch(`${base}/api/soap/start`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ patient_id: "1" }),
  });
  const soap = Number(await soapStart.text());
  const lines = [1, 2, 3, 7, 8, 9, 10, 12, 13, 18].map((item_id) => ({
    patient_id: 1,
    item_id,
    quantity_text: "1",
    unit: "Unit",
    discount_text: "",
  }));
  await post(cookie, "soap/save", { id: soap, plan_notes: "", lines });
  const invoice = await post(cookie, "invoice/start", { client_id: 1, soap_ids: [] });
  await post(cookie, "invoice/save", { id: invoice, lines });
  return { soap, invoice };
}

function lighthouse(page, url, cookie) {
  const args = [
    url,
    "--quiet",
    "--only-categories=performance",
    "--output=json",
    `--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run`,
  ];
  if (page.preset === "desktop") args.push("--preset=desktop");
  let headers;
  if (cookie) {
    headers = path.join(root, "target", "e2e", `lighthouse-${page.name}.json`);
    fs.writeFileSync(headers, JSON.stringify({ Cookie: cookie }));
    args.push(`--extra-headers=${headers}`);
  }
  const run = () =>
    execFileSync(path.join(__dirname, "node_modules", ".bin", "lighthouse"), args, {
      env: { ...process.env, CHROME_PATH: chromium },
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
    });
  let out;
  try {
    out = run();
  } catch (error) {
    // Lighthouse now and then fails to record its own trace (NO_NAVSTART)
    // on a page it measured fine the run before: one more try, then fail.
    console.log(`lighthouse ${page.name}: Lighthouse itself failed (status ${error.status}); trying once more`);
    out = run();
  }
  const report = JSON.parse(out.toString());
  const audits = report.audits;
  return {
    score: Math.round(report.categories.performance.score * 100),
    lcpMs: Math.round(audits["largest-contentful-paint"].numericValue),
    tbtMs: Math.round(audits["total-blocking-time"].numericValue),
    bytes: Math.round(audits["total-byte-weight"].numericValue),
    lcpElement: lcpElement(audits),
  };
}

/** Which element Lighthouse took as the largest paint, to know what to make faster. */
function lcpElement(audits) {
  const items = audits["largest-contentful-paint-element"]?.details?.items ?? [];
  const node = items.flatMap((item) => item.items ?? [item]).find((item) => item.node)?.node;
  return node ? `${node.nodeLabel ?? ""} (${node.selector ?? "?"})`.slice(0, 120) : "unknown";
}

async function main() {
  fs.mkdirSync(path.join(root, "target", "e2e"), { recursive: true });
  fs.rmSync(path.join(root, "target", "e2e", "lighthouse.db"), { force: true });
  const server = spawn(path.join(root, "target", profile, "carecount"), [], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      CARECOUNT_DATABASE: "target/e2e/lighthouse.db",
      CARECOUNT_ADDR: `127.0.0.1:${port}`,
      CARECOUNT_DEMO_DATA: "1",
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
    },
  });
  const results = {};
  try {
    await waitForHealth(Date.now() + 120_000);
    const ids = smoke ? {} : await drafts();
    for (const page of smoke ? pages.slice(0, 1) : pages) {
      const url = base + page.url.replace("{soap}", ids.soap).replace("{invoice}", ids.invoice);
      const cookie = page.who ? await signIn(page.who) : undefined;
      const r = lighthouse(page, url, cookie);
      results[page.name] = { preset: page.preset, ...r };
      console.log(
        `lighthouse ${page.name.padEnd(10)} ${page.preset.padEnd(8)} performance ${r.score}, LCP ${(r.lcpMs / 1000).toFixed(
          2,
        )} s, TBT ${r.tbtMs} ms, ${(r.bytes / 1024).toFixed(0)} KB; largest paint: ${r.lcpElement}`,
      );
    }
  } finally {
    server.kill();
  }
  fs.mkdirSync(path.join(__dirname, "test-results"), { recursive: true });
  fs.writeFileSync(path.join(__dirname, "test-results", "lighthouse.json"), JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
