// Builds two small Hugging Face tokenizer.json files from the first 4000 tokens of cl100k_base (as shipped by the
// npm tiktoken package): merges are derived the way tiktoken-to-HF converters do (each token's last merge is the
// split that byte-pair merging of its bytes, using only lower ranks, ends with). One is Llama-3 style (cl100k split
// pattern, ignore_merges), one Qwen2 style (single digits, NFC normalizer). Then writes expected-hf.jsonl with the
// ids the npm "tokenizers" package (Hugging Face tokenizers, native) gives for every reference document.
// Run: npm ci && node make-expected.mjs && node make-hf-fixtures.mjs   (from tests/tokenizer-reference)
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { Tokenizer } = require("tokenizers");

const VOCAB = 4000;
const packed = require("tiktoken/encoders/cl100k_base.json").bpe_ranks.split(" ");
const tokens = [];
for (let i = 0; i < packed.length && tokens.length < VOCAB; i++) {
  if (packed[i] === "!") { i++; continue; } // "! offset" starts a run of consecutive ranks
  tokens.push(Buffer.from(packed[i], "base64"));
}
const rankOf = new Map(tokens.map((bytes, rank) => [bytes.toString("latin1"), rank]));

// GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards.
const byteToChar = [];
{
  const printable = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  let next = 0;
  for (let b = 0; b < 256; b++) byteToChar[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + next++);
}
const unicode = bytes => Array.from(bytes, b => byteToChar[b]).join("");

// The last merge of a token: byte-pair merge its bytes with ranks below its own until two parts remain.
function lastMerge(bytes, rank) {
  let parts = Array.from(bytes, b => Buffer.from([b]));
  while (parts.length > 2) {
    let best = -1, bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = rankOf.get(Buffer.concat([parts[i], parts[i + 1]]).toString("latin1"));
      if (r !== undefined && r < rank && r < bestRank) { bestRank = r; best = i; }
    }
    if (best < 0) return null;
    parts.splice(best, 2, Buffer.concat([parts[best], parts[best + 1]]));
  }
  return parts.length === 2 ? parts : null;
}

const vocab = {};
tokens.forEach((bytes, rank) => { vocab[unicode(bytes)] = rank; });
const merges = [];
tokens.forEach((bytes, rank) => {
  if (bytes.length < 2) return;
  const split = lastMerge(bytes, rank);
  if (split) merges.push([unicode(split[0]), unicode(split[1])]);
});
const added = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"].map((content, k) => ({
  id: VOCAB + k, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
}));
const cl100kPattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const qwenPattern = cl100kPattern.replace("\\p{N}{1,3}", "\\p{N}");
const fixture = (pattern, normalizer, ignoreMerges) => ({
  version: "1.0", truncation: null, padding: null, added_tokens: added, normalizer,
  pre_tokenizer: { type: "Sequence", pretokenizers: [
    { type: "Split", pattern: { Regex: pattern }, behavior: "Isolated", invert: false },
    { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
  ] },
  post_processor: null,
  decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
  model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, ignore_merges: ignoreMerges, vocab, merges },
});
const fixtures = {
  "llama3-style": fixture(cl100kPattern, null, true),
  "qwen2-style": fixture(qwenPattern, { type: "NFC" }, false),
};
for (const [name, json] of Object.entries(fixtures)) writeFileSync(`${name}.tokenizer.json`, JSON.stringify(json));

// Expected ids: documents holding an added token's text are left out, since Hugging Face tokenizers turns that text
// into the special token and DataForge must not (tested separately).
const texts = readFileSync("expected.jsonl", "utf8").split("\n").filter(Boolean).map(line => JSON.parse(line).text)
  .filter(text => !added.some(token => text.includes(token.content)));
const loaded = Object.fromEntries(Object.keys(fixtures).map(name => [name, Tokenizer.fromFile(`${name}.tokenizer.json`)]));
const lines = [];
for (const text of texts) {
  const record = { text };
  for (const [name, tokenizer] of Object.entries(loaded)) record[name] = Array.from((await tokenizer.encode(text)).getIds());
  lines.push(JSON.stringify(record));
}
writeFileSync("expected-hf.jsonl", lines.join("\n") + "\n");
console.log(`wrote ${Object.keys(fixtures).length} tokenizer.json fixtures (${merges.length} merges) and ${lines.length} documents to expected-hf.jsonl`);
