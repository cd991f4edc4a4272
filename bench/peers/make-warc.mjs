// Writes a benchmark WARC.gz of N HTML pages (with navigation, footer and ads to strip) and their images, made
// from the sample pages and images: each page shows three of 300 images, so the catalogue, the frequent-image
// rule and dedup all do real work. Usage: node make-warc.mjs OUT.warc.gz [PAGES]
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { WARCRecord, WARCSerializer } from "warcio";

const [out, pagesArg] = process.argv.slice(2);
const pages = Number(pagesArg ?? 3000);
const imageDir = new URL("../../samples/html/img/", import.meta.url);
const pictures = readdirSync(imageDir).filter(name => name.endsWith(".jpg")).map(name => readFileSync(new URL(name, imageDir)));
const words = readFileSync(new URL("../../samples/html/page0.html", import.meta.url), "utf8").replace(/<[^>]+>/g, " ").split(/\s+/).filter(Boolean);
async function* once(buffer) { yield buffer; }
const records = [];
const response = async (url, type, body) => records.push(await WARCRecord.create(
  { url, type: "response", date: "2026-11-24T00:00:00Z", statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": type, "Content-Length": String(body.length) } }, once(body)));
for (let i = 0; i < 300; i++) {
  // Distinct bytes per URL: a comment segment after the JPEG's start marker changes the hash, not the picture.
  const picture = pictures[i % pictures.length];
  const marker = Buffer.from(`image ${i}`);
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, marker.length + 2]), marker]);
  await response(`http://bench.example.org/img/${i}.jpg`, "image/jpeg", Buffer.concat([picture.subarray(0, 2), comment, picture.subarray(2)]));
}
for (let p = 0; p < pages; p++) {
  const paragraph = k => Array.from({ length: 60 }, (_, w) => words[(p * 7 + k * 13 + w) % words.length]).join(" ");
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Page ${p}</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav><div class="ad-banner"><img src="/img/ad.jpg"></div>
<article><h1>Page ${p}</h1><p>${paragraph(0)}</p><img src="/img/${p % 300}.jpg" alt="figure ${p}">
<p>${paragraph(1)}</p><figure><img src="img/${(p * 7) % 300}.jpg"><figcaption>Figure of page ${p}</figcaption></figure>
<p>${paragraph(2)}</p><img srcset="/img/${(p * 13) % 300}.jpg 640w"></article><footer>© 2026</footer></body></html>`;
  await response(`http://bench.example.org/page${p}.html`, "text/html; charset=utf-8", Buffer.from(html));
}
const parts = await Promise.all(records.map(r => WARCSerializer.serialize(r, { gzip: true })));
writeFileSync(out, Buffer.concat(parts));
console.log(`${out}: ${pages} pages, 300 images, ${(parts.reduce((s, b) => s + b.length, 0) / 1048576).toFixed(1)} MB`);
