// Writes the WARC test files with warcio.js (Webrecorder), an independent implementation of WARC 1.0/1.1:
//   pages.warc.gz      WARC/1.1, one gzip member per record: warcinfo, request/response pairs of HTML pages
//                      (UTF-8; GBK Chinese declared in <meta charset>; chunked transfer encoding; gzip content
//                      encoding), image responses, a PDF response, metadata and revisit records
//   pages.warc         the same records as WARC/1.0, uncompressed
//   truncated.warc.gz  pages.warc.gz cut in the middle of its last record
// Images come from samples/html/img. Run: npm ci && node make-warcs.mjs   (from tests/warc-reference)
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { WARCRecord, WARCSerializer } from "warcio";

const site = "http://shapes.example.org/";
const images = ["page0-figure0.jpg", "page0-figure1.jpg", "page1-figure0.jpg"].map(name => [name, readFileSync(`../../samples/html/img/${name}`)]);
const pixel = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64"); // 1×1 GIF

const utf8Page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Shapes and colours</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Shapes and colours</h1><p>A figure with a relative URL:</p>
<img src="img/page0-figure0.jpg" alt="a red circle">
<p>One with a srcset whose largest candidate is in the archive:</p>
<img src="img/small.jpg" srcset="img/small.jpg 320w, /img/page0-figure1.jpg 640w" alt="squares">
<img src="/pixel.gif" width="1" height="1"><p>混合专家模型 in UTF-8.</p></article>
<footer>© 2026</footer></body></html>`;
const gbkPage = execFileSync("iconv", ["-f", "utf-8", "-t", "gbk"], { input: `<html><head><meta charset="gbk"><title>形状</title></head><body>
<p>这是一个用GBK编码的中文网页。</p><img src="img/page1-figure0.jpg" alt="蓝色三角形"><p>图像之后的文字。</p></body></html>` });

function chunked(body) {
  const parts = [];
  for (let i = 0; i < body.length; i += 100) {
    const piece = body.subarray(i, i + 100);
    parts.push(Buffer.from(piece.length.toString(16) + "\r\n"), piece, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
}

async function* once(buffer) { yield buffer; }

async function records(warcVersion) {
  const made = [];
  const add = async (type, url, content, http) => made.push(await WARCRecord.create(
    { url, type, warcVersion, date: "2026-11-24T00:00:00Z", ...(http ?? {}) }, once(content)));
  made.push(await WARCRecord.createWARCInfo({ filename: "pages.warc.gz", warcVersion }, { software: "warcio.js", format: `WARC File Format ${warcVersion.slice(5)}` }));
  const page = Buffer.from(utf8Page);
  await add("request", site + "page0.html", Buffer.alloc(0), { statusline: "GET /page0.html HTTP/1.1", httpHeaders: { Host: "shapes.example.org" } });
  await add("response", site + "page0.html", page, { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html; charset=utf-8", "Content-Length": String(page.length) } });
  await add("response", site + "gbk.html", chunked(gbkPage), { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html", "Transfer-Encoding": "chunked" } });
  const zipped = gzipSync(Buffer.from("<html><head><title>Zipped</title></head><body><p>Served with gzip content encoding.</p></body></html>"));
  await add("response", site + "zipped.html", zipped, { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip", "Content-Length": String(zipped.length) } });
  for (const [name, bytes] of images)
    await add("response", site + "img/" + name, bytes, { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "image/jpeg", "Content-Length": String(bytes.length) } });
  await add("response", site + "pixel.gif", pixel, { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "image/gif", "Content-Length": String(pixel.length) } });
  const pdf = Buffer.from("%PDF-1.4\n% not a page\n");
  await add("response", site + "paper.pdf", pdf, { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "application/pdf", "Content-Length": String(pdf.length) } });
  await add("metadata", site + "page0.html", Buffer.from("outlink: img/page0-figure0.jpg\n"), { warcHeaders: { "Content-Type": "application/warc-fields" } });
  await add("revisit", site + "page0.html", Buffer.alloc(0), { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html" }, warcHeaders: { "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest" } });
  const last = Buffer.from("<html><body><p>The last page, cut off in truncated.warc.gz.</p>" + "<p>padding</p>".repeat(200) + "</body></html>");
  await add("response", site + "last.html", last, { statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html", "Content-Length": String(last.length) } });
  return made;
}

const serialize = async (list, gzip) => Promise.all(list.map(r => WARCSerializer.serialize(r, { gzip })));
const members = await serialize(await records("WARC/1.1"), true);
const gz = Buffer.concat(members);
writeFileSync("pages.warc.gz", gz);
writeFileSync("pages.warc", Buffer.concat(await serialize(await records("WARC/1.0"), false)));
// Cut in the middle of the last record's gzip member, so every record before it is whole.
writeFileSync("truncated.warc.gz", gz.subarray(0, gz.length - Math.floor(members.at(-1).length / 2)));
console.log(`pages.warc.gz ${gz.length} bytes, pages.warc, truncated.warc.gz`);
