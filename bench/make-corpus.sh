#!/usr/bin/env bash
# Builds a mixed English / Chinese / code JSONL corpus (about 13 MB of text, the size GPU.md's anchors used) from
# text that every Debian machine has: package documentation (English prose), the Simplified-Chinese message
# catalogues of installed programs (msgunfmt, from gettext), and Python sources. Nothing is downloaded.
# Usage: bash bench/make-corpus.sh OUT.jsonl [TARGET_MB]
set -euo pipefail
out=${1:?usage: make-corpus.sh OUT.jsonl [TARGET_MB]}
target_mb=${2:-13}
command -v msgunfmt >/dev/null || { echo "needs msgunfmt (apt-get install gettext)"; exit 1; }
python_dir=$(ls -d /usr/lib/python3*/ 2>/dev/null | head -n 1)
node - "$out" "$target_mb" "$python_dir" <<'JS'
const fs = require("fs"), path = require("path"), { execFileSync } = require("child_process");
const [out, targetMb, pythonDir] = process.argv.slice(2);
const walk = (dir, keep, found = []) => {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return found; }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, found); else if (e.isFile() && keep(p)) found.push(p);
  }
  return found;
};
const budget = { en: 0.5, zh: 0.3, code: 0.2 };
const target = Number(targetMb) * 1024 * 1024;
const docs = [];
const take = (kind, texts) => {
  let bytes = 0;
  for (const text of texts) {
    if (bytes > budget[kind] * target) break;
    if (text.trim().length < 40) continue;
    docs.push({ text, kind });
    bytes += Buffer.byteLength(text);
  }
  return bytes;
};
const english = function* () {
  for (const f of walk("/usr/share/doc", p => /(README|NEWS|copyright|changelog)[^/]*$/i.test(p) && !p.endsWith(".gz")))
    yield* fs.readFileSync(f, "utf8").split(/\n\s*\n/).map(s => s.trim());
};
// A PO string line: "…" with C escapes (\n, \t, \", \\, and a few JSON lacks such as \a).
const unquote = line => line.slice(1, -1).replace(/\\(.)/g, (_, c) => ({ n: "\n", t: "\t", r: "\r", a: "", b: "", f: "", v: "" }[c] ?? c));
const chinese = function* () {
  for (const f of walk("/usr/share/locale", p => p.includes("/zh_CN/") && p.endsWith(".mo"))) {
    let po = "";
    try { po = execFileSync("msgunfmt", [f], { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] }); } catch { continue; }
    const strings = [...po.matchAll(/^msgstr(?:\[\d\])? ((?:".*"\n?)+)/gm)].map(m => m[1].split("\n").filter(Boolean).map(unquote).join(""));
    for (let i = 0; i < strings.length; i += 20) yield strings.slice(i, i + 20).join("\n");
  }
};
const code = function* () {
  if (!pythonDir) return;
  for (const f of walk(pythonDir, p => p.endsWith(".py"))) yield fs.readFileSync(f, "utf8");
};
const sizes = { en: take("en", english()), zh: take("zh", chinese()), code: take("code", code()) };
fs.writeFileSync(out, docs.map(d => JSON.stringify(d)).join("\n") + "\n");
console.log(`${out}: ${docs.length} documents, ${(Object.values(sizes).reduce((a, b) => a + b) / 1048576).toFixed(1)} MB (en ${(sizes.en / 1048576).toFixed(1)}, zh ${(sizes.zh / 1048576).toFixed(1)}, code ${(sizes.code / 1048576).toFixed(1)})`);
JS
