// Drives Debian's Chromium (playwright-core, no browser download) through `dataforge inspect --serve`, as a user
// would: every view loads without console errors, a thumbnail decodes, an audio element reports its duration, a
// search finds a sample by id that is on a later page, the rejects view lists every reason of the manifest, and
// traversal URLs get 404. Screenshots of each view go to OUT for a person to look at (never compared by pixel).
// Usage: node check.mjs URL EXPECTED.json OUT   (EXPECTED: {chromium, targets: {path: kind}, images: shards path,
//        audio: sample set path, rejectReasons: {path: [reason…]}, laterId: {path, id}, video?: {path: shards path, frames}});
//        prints one line per check, exit 1 if any failed.
import { chromium } from "playwright-core";
import fs from "node:fs";
import http from "node:http";

const [url, expectedFile, out] = process.argv.slice(2);
const expected = JSON.parse(fs.readFileSync(expectedFile, "utf8"));
fs.mkdirSync(out, { recursive: true });
const base = url.replace(/\/$/, "");
const failures = [];
const check = (ok, what) => { console.log(`${ok ? "ok  " : "FAIL"} ${what}`); if (!ok) failures.push(what); };

// A raw request, so that ".." and its encodings reach the server as written (fetch and browsers normalise them).
const raw = path => new Promise((resolve, reject) => {
  const target = new URL(base);
  http.get({ host: target.hostname, port: target.port, path, headers: { host: target.host } }, response => { response.resume(); resolve(response.statusCode); }).on("error", reject);
});

const browser = await chromium.launch({ executablePath: expected.chromium, args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("console", message => { if (message.type() === "error") errors.push(message.text()); });
  page.on("pageerror", error => errors.push(String(error)));
  const visit = async (hash, name, ready) => {
    errors.length = 0;
    await page.goto(`${base}/${hash}`);
    await page.waitForSelector(ready, { timeout: 20000 });
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
    check(errors.length === 0, `${name}: no console errors${errors.length ? ` (${errors.join(" | ")})` : ""}`);
  };

  const targets = await (await fetch(`${base}/api/targets`)).json();
  const idOf = path => targets.find(t => t.path === path)?.id;
  for (const [path, kind] of Object.entries(expected.targets)) check(targets.some(t => t.path === path && t.kind === kind), `target ${kind} ${path} is listed`);

  await visit("", "home", "table a");
  for (const target of targets) {
    const tabs = target.kind === "run" ? ["summary", "curves", "config"] : ["summary", "rows", "rejects"];
    for (const tab of tabs) {
      const ready = { summary: ".card", rows: ".card.row, .card.sample, p.muted", rejects: ".card.reasons, p.muted", curves: "svg.chart", config: "pre.config" }[tab];
      await visit(`#/t/${target.id}/${tab}`, `${target.path.replaceAll("/", "_")}-${tab}`, ready);
      if (tab === "curves") {
        const charts = await page.$$eval("svg.chart", nodes => nodes.map(n => n.getAttribute("aria-label")));
        check(["loss", "learning rate", "gradient norm", "throughput (tokens/s)"].every(c => charts.includes(c)), `${target.path}: loss, lr, grad norm and tokens/s curves (${charts.join(", ")})`);
        const ticks = await page.$$eval("svg.chart text", nodes => nodes.length);
        check(ticks > 40, `${target.path}: the curves have labelled axes (${ticks} labels)`);
        check(await page.$$eval("svg.heatmap rect", nodes => nodes.length) > 0, `${target.path}: an expert-load heatmap`);
      }
    }
  }

  // A thumbnail decodes: the first image of the shards' rows.
  await visit(`#/t/${idOf(expected.images)}/rows`, "thumbnail", ".media img");
  await page.waitForFunction(() => { const img = document.querySelector(".media img"); return img && img.complete; }, null, { timeout: 20000 });
  const width = await page.$eval(".media img", img => img.naturalWidth);
  check(width > 0, `a thumbnail at an image placeholder decodes (naturalWidth ${width})`);

  // An audio element reports its duration: the speech set's first sample.
  const speech = idOf(expected.audio);
  await visit(`#/t/${speech}/rows`, "audio", ".media audio");
  const duration = await page.waitForFunction(() => { const audio = document.querySelector(".media audio"); return audio && audio.duration > 0 ? audio.duration : null; }, null, { timeout: 20000 }).then(handle => handle.jsonValue());
  check(duration > 0, `an audio player reports its duration (${duration} s)`);

  // A clip's strip of frames: every frame of the first clip of the video shards decodes.
  const stripDecodes = async label => {
    await page.waitForFunction(n => { const frames = [...document.querySelectorAll(".media.video img.frame")]; return frames.length >= n && frames.slice(0, n).every(img => img.complete); }, expected.video.frames, { timeout: 20000 });
    const widths = await page.$$eval(".media.video img.frame", nodes => nodes.map(img => img.naturalWidth));
    check(widths.slice(0, expected.video.frames).every(w => w > 0), `${label}a clip's strip shows its ${expected.video.frames} frames (${widths.length} frames on the page)`);
  };
  if (expected.video) {
    await visit(`#/t/${idOf(expected.video.path)}/rows`, "video", ".media.video");
    await stripDecodes("");
  }

  // A search finds, by id, a sample that is on a later page.
  const later = expected.laterId;
  await visit(`#/t/${idOf(later.path)}/rows`, "search-before", ".card.sample");
  const firstPage = await page.$$eval(".card.sample", nodes => nodes.map(n => n.dataset.id));
  check(!firstPage.includes(later.id), `${later.id} is not on the first page`);
  await page.fill("input[type=search]", later.id);
  await page.press("input[type=search]", "Enter");
  await page.waitForSelector(`.card.sample[data-id="${later.id}"]`, { timeout: 20000 });
  await page.screenshot({ path: `${out}/search.png`, fullPage: true });
  check(true, `the search finds ${later.id}`);

  // The rejects view lists every reason of the manifest.
  for (const [path, reasons] of Object.entries(expected.rejectReasons)) {
    await visit(`#/t/${idOf(path)}/rejects`, `rejects-${path.replaceAll("/", "_")}`, ".card.reasons");
    const shown = await page.$$eval(".card.reasons a", nodes => nodes.map(n => n.textContent));
    check(reasons.every(reason => shown.includes(reason)) && shown.length === reasons.length, `${path}: the rejects view lists the manifest's ${reasons.length} reasons (${shown.join(", ")})`);
  }

  // The same views written into one file by `inspect --html`: read with no server at all (file://).
  if (expected.staticFile) {
    const file = `file://${expected.staticFile}`;
    const visitFile = async (hash, name, ready) => {
      errors.length = 0;
      await page.goto(`${file}${hash}`);
      await page.reload(); // a hash change alone does not reload a file: make each view a fresh load
      await page.waitForSelector(ready, { timeout: 20000 });
      await page.screenshot({ path: `${out}/file-${name}.png`, fullPage: true });
      check(errors.length === 0, `file ${name}: no console errors${errors.length ? ` (${errors.join(" | ")})` : ""}`);
    };
    await visitFile("", "home", "table a");
    await visitFile(`#/t/${idOf(expected.images)}/rows`, "thumbnail", ".media img");
    await page.waitForFunction(() => { const img = document.querySelector(".media img"); return img && img.complete; }, null, { timeout: 20000 });
    check(await page.$eval(".media img", img => img.naturalWidth) > 0 && (await page.$eval(".media img", img => img.src)).startsWith("data:image/"), "file: an inlined thumbnail decodes");
    if (expected.video) {
      await visitFile(`#/t/${idOf(expected.video.path)}/rows`, "video", ".media.video");
      await stripDecodes("file: ");
    }
    await visitFile(`#/t/${idOf(expected.audio)}/rows`, "audio", ".media audio");
    const fileDuration = await page.waitForFunction(() => { const audio = document.querySelector(".media audio"); return audio && audio.duration > 0 ? audio.duration : null; }, null, { timeout: 20000 }).then(handle => handle.jsonValue());
    check(fileDuration > 0, `file: an inlined audio player reports its duration (${fileDuration} s)`);
    const run = targets.find(t => t.kind === "run");
    await visitFile(`#/t/${run.id}/curves`, "curves", "svg.chart");
    check(await page.$$eval("svg.heatmap rect", nodes => nodes.length) > 0, "file: curves and an expert-load heatmap");
    for (const [path, reasons] of Object.entries(expected.rejectReasons)) {
      await visitFile(`#/t/${idOf(path)}/rejects`, `rejects-${path.replaceAll("/", "_")}`, ".card.reasons");
      const shown = await page.$$eval(".card.reasons a", nodes => nodes.map(n => n.textContent));
      check(reasons.every(reason => shown.includes(reason)), `file ${path}: the rejects view lists the manifest's reasons`);
    }
  }

  // A medium is served by its sha256 (control), but a media entry that is a symlink leaving the set is not.
  if (expected.symlinkMedia) {
    const { path, sha, realSha } = expected.symlinkMedia;
    check(await raw(`/media/${idOf(path)}/${realSha}`) === 200, `a real medium of ${path} is served (200)`);
    check(await raw(`/media/${idOf(path)}/${sha}`) === 404, `a symlink in ${path}/media leaving the set is refused (404)`);
  }

  for (const path of ["/../_manifest.json", "/%2e%2e/%2e%2e/etc/passwd", "/media/0/..%2f_manifest.json", "/media/0/../../_manifest.json", "/assets/..%2f..%2f_manifest.json", "/demo/_manifest.json", "/api/targets/99"]) {
    const status = await raw(path);
    check(status === 404, `${path} is refused (${status})`);
  }
} finally {
  await browser.close();
}
console.log(`${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
