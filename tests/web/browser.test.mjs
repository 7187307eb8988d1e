// browser.test.mjs - the `ndrscan serve` page in Debian's headless chromium,
// driven by playwright-core (no browser download).
//
//   node browser.test.mjs NDRSCAN_BINARY SOURCE_DIR OUTPUT_DIR
//
// Starts `ndrscan serve --listen 127.0.0.1:0` (the server prints the port it
// got), pastes corpus/hybrid/hybrid-01.eml, submits, and checks the verdict
// sentence, the route SVG with the refusing hop marked, the tables and the
// causes section; then a file upload, and a message whose headers hold
// <script> and <img onerror> (shown as text, never run or parsed). Screenshots
// at 1280 and 800 px go to OUTPUT_DIR. Any request that leaves 127.0.0.1, any
// page error or console error fails the test. The server is stopped at the end.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const [bin, src, outDir] = process.argv.slice(2);
if (!bin || !src || !outDir) {
  console.error("usage: node browser.test.mjs NDRSCAN_BINARY SOURCE_DIR OUTPUT_DIR");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const CHROMIUM = process.env.NDRSCAN_CHROMIUM || "/usr/bin/chromium";
const sample = join(src, "corpus/hybrid/hybrid-01.eml");
const EXPECTED_VERDICT = "d.ross@example.com was refused by mail.contoso.com (on-premises) with 550 5.7.1 Unable to relay.";

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e && e.stack ? e.stack : e).split("\n").join("\n  ")}`);
  }
}

/** startServer - spawn `ndrscan serve` on a free loopback port; resolves with its URL. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--listen", "127.0.0.1:0", "--domain", "contoso.com"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let log = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in 15 s: ${out} ${log}`)), 15000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], log: () => log });
      }
    });
    child.stderr.on("data", (d) => (log += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${log}`));
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.removeAllListeners("exit");
    child.on("exit", (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

const profile = mkdtempSync(join(tmpdir(), "ndrscan-web-chromium-"));
const server = await startServer();
console.log(`server at ${server.url}`);
const external = [];
const problems = [];
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    timeout: 60000,
  });
  // Nothing may leave loopback: record and refuse any other request.
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === "127.0.0.1" || u.protocol === "data:") return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    d.dismiss();
  });

  const t0 = Date.now();
  await page.goto(server.url, { waitUntil: "load" });
  console.log(`page loaded in ${Date.now() - t0} ms`);

  await check("page loads with a paste box and a file input", async () => {
    assert.equal(await page.title(), "ndrscan - explain a bounce");
    assert.equal(await page.locator("#paste").count(), 1);
    assert.equal(await page.locator("#file").getAttribute("accept"), ".eml,.txt,.msg.txt,message/rfc822,text/plain");
    assert.equal(await page.locator("#results").isHidden(), true);
  });

  await page.fill("#paste", readFileSync(sample, "utf8"));
  await page.click("#analyze");
  await page.waitForSelector("#results:not([hidden])", { timeout: 15000 });

  await check("verdict names the recipient, the refusing server, its network and the reply", async () => {
    assert.equal((await page.textContent("#verdict-text")).trim(), EXPECTED_VERDICT);
    const facts = await page.textContent("#verdict-facts");
    assert.match(facts, /5\.7\.1 - Delivery not authorized, message refused/);
    assert.match(facts, /Refused by\s*mail\.contoso\.com - on-premises/);
  });

  await check("route SVG exists, oldest first, with the refusing hop marked", async () => {
    const svgs = page.locator("#route svg.route-svg");
    assert.ok((await svgs.count()) >= 1, "no route SVG");
    const rejected = page.locator('#route g.seg[data-rejected="true"]');
    assert.equal(await rejected.count(), 1, "exactly one refusing box");
    assert.equal(await rejected.getAttribute("data-class"), "onprem");
    const text = await rejected.textContent();
    assert.match(text, /mail\.contoso\.com/);
    assert.match(text, /refused here/);
    // The original's route: Exchange Online first, the refusing on-premises server last.
    const classes = await page.locator('#route figure[data-chain="original"] g.seg').evaluateAll((gs) => gs.map((g) => g.getAttribute("data-class")));
    assert.deepEqual(classes, ["exchange-online", "onprem"]);
  });

  await check("recipients and hop tables are filled", async () => {
    assert.match(await page.textContent("#recipients"), /d\.ross@example\.com/);
    assert.match(await page.textContent("#recipients"), /550 5\.7\.1 Unable to relay/);
    const rows = await page.locator("#hops table.hops tbody tr").count();
    assert.ok(rows >= 2, `hop rows: ${rows}`);
    assert.match(await page.textContent("#hops"), /TLS1_2/);
  });

  await check("causes section renders (ranked causes with copyable commands, or a note)", async () => {
    const json = JSON.parse(await page.textContent("#json"));
    const causes = page.locator("#causes li.cause");
    if (Array.isArray(json.causes) && json.causes.length) {
      assert.equal(await causes.count(), json.causes.length);
      assert.equal(await causes.first().getAttribute("data-cause"), json.causes[0].id);
      const withCommand = json.causes.flatMap((c) => c.steps || []).filter((s) => s.command).length;
      assert.equal(await page.locator("#causes button.copy").count(), withCommand);
    } else {
      assert.ok((await page.textContent("#causes")).length > 10);
    }
  });

  await check("findings section and JSON view", async () => {
    assert.ok((await page.textContent("#findings")).length > 0);
    const json = JSON.parse(await page.textContent("#json"));
    assert.equal(json.schema_version, 1);
    assert.equal(json.source, "-");
  });

  await page.screenshot({ path: join(outDir, "screenshot.png"), fullPage: true });
  await page.setViewportSize({ width: 800, height: 900 });
  await page.screenshot({ path: join(outDir, "screenshot-800.png"), fullPage: true });
  await check("no horizontal page overflow at 800 px", async () => {
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(sw <= cw + 1, `page is ${sw} px wide in a ${cw} px window`);
  });
  await page.setViewportSize({ width: 1280, height: 900 });

  await check("a file chosen in the file input is analysed", async () => {
    await page.click("#clear");
    assert.equal(await page.locator("#results").isHidden(), true);
    await page.setInputFiles("#file", sample);
    await page.waitForSelector("#results:not([hidden])", { timeout: 15000 });
    assert.equal((await page.textContent("#verdict-text")).trim(), EXPECTED_VERDICT);
    assert.match(await page.textContent("#status"), /hybrid-01\.eml/);
  });

  await check("markup in headers is shown as text, never run or parsed", async () => {
    const payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    const msg =
      "Received: from a.example.com (a.example.com [192.0.2.1]) by b.example.net with ESMTPS; Tue, 12 Nov 2024 09:15:02 +0000\n" +
      `From: "${payload}" <evil@example.com>\nTo: x@example.com\nSubject: ${payload}\n\nbody\n`;
    await page.fill("#paste", msg);
    await page.click("#analyze");
    await page.waitForFunction(() => document.getElementById("json").textContent.includes("pwned"), null, { timeout: 15000 });
    assert.match(await page.textContent("#message"), /<script>window\.__pwned=1<\/script>/);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator("#results script, #results img, main script").count(), 0);
  });

  await check("an oversized paste is refused with a clear message", async () => {
    await page.evaluate(() => {
      document.getElementById("paste").value = "x".repeat(17 * 1024 * 1024);
    });
    await page.click("#analyze");
    await page.waitForFunction(() => /larger than/.test(document.getElementById("status").textContent), null, { timeout: 15000 });
  });

  await check("no request left 127.0.0.1, no page or console error", async () => {
    assert.deepEqual(external, []);
    assert.deepEqual(problems, []);
  });
} catch (e) {
  failed++;
  console.log(`not ok - browser session\n  ${e && e.stack ? e.stack : e}`);
} finally {
  if (context) await context.close().catch(() => {});
  const code = await stopServer(server.child);
  writeFileSync(join(outDir, "server.log"), server.log());
  rmSync(profile, { recursive: true, force: true });
  console.log(`server stopped (exit ${code})`);
}
console.log(`screenshots: ${join(outDir, "screenshot.png")}, ${join(outDir, "screenshot-800.png")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
