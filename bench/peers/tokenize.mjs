// Tokenizer peers for bench/tokenizer.sh. Prints one JSON line: seconds of encoding only (corpus already in memory),
// bytes, documents, tokens and a sha256 over all ids (int32 little-endian, document by document), so the ids of
// different implementations can be compared without storing them.
//   node tokenize.mjs tiktoken CORPUS.jsonl ENCODING
//   node tokenize.mjs hf CORPUS.jsonl TOKENIZER.json
//   node tokenize.mjs make-hf ENCODING OUT.json     (the encoding as a Hugging Face tokenizer.json)
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const [mode, a, b] = process.argv.slice(2);

// Every implementation gets what DataForge.Bench gets: one whole warm-up pass (JIT / WASM tier-up, allocator), then
// BENCH_PASSES (default 5) measured passes, the median reported.
const passes = Number(process.env.BENCH_PASSES ?? 5);
const measure = async encodeAll => {
  await encodeAll();
  const seconds = [];
  let out;
  for (let pass = 0; pass < passes; pass++) {
    const start = process.hrtime.bigint();
    out = await encodeAll();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((x, y) => x - y);
  return { seconds: seconds[Math.floor(passes / 2)], out };
};

const load = corpus => readFileSync(corpus, "utf8").split("\n").filter(Boolean).map(line => JSON.parse(line).text);
const report = (name, texts, seconds, idsPerDoc) => {
  const hash = createHash("sha256");
  let tokens = 0;
  for (const ids of idsPerDoc) { tokens += ids.length; hash.update(Buffer.from(Int32Array.from(ids).buffer)); }
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  console.log(JSON.stringify({ name, seconds, bytes, documents: texts.length, tokens, mb_per_s: bytes / 1048576 / seconds, tokens_per_s: tokens / seconds, ids_sha256: hash.digest("hex") }));
};

if (mode === "tiktoken") {
  const { get_encoding } = require("tiktoken");
  const texts = load(a), encoding = get_encoding(b);
  const { seconds, out } = await measure(() => texts.map(text => encoding.encode(text, [], [])));
  report(`tiktoken (npm, WASM, 1 thread) ${b}`, texts, seconds, out);
} else if (mode === "hf") {
  const { Tokenizer } = require("tokenizers");
  const texts = load(a), tokenizer = Tokenizer.fromFile(b);
  // encodeBatch runs in Rust on all cores (rayon); batches keep memory bounded.
  const { seconds, out } = await measure(async () => {
    const ids = [];
    for (let i = 0; i < texts.length; i += 2048) for (const e of await tokenizer.encodeBatch(texts.slice(i, i + 2048))) ids.push(e.getIds());
    return ids;
  });
  report(`Hugging Face tokenizers (npm, native, all cores) ${b.split("/").pop()}`, texts, seconds, out);
} else if (mode === "make-hf") {
  // tiktoken ranks → tokenizer.json: vocab through GPT-2's byte-to-unicode map, each token's merge being the split
  // that byte-pair merging with lower ranks ends with. The cl100k pattern (as the tiktoken package ships it).
  const encoder = require(`tiktoken/encoders/${a}.json`);
  const packed = encoder.bpe_ranks.split(" "), tokens = [];
  for (let i = 0; i < packed.length; i++) { if (packed[i] === "!") { i++; continue; } tokens.push(Buffer.from(packed[i], "base64")); }
  const rankOf = new Map(tokens.map((t, r) => [t.toString("latin1"), r]));
  const byteToChar = [];
  { const keep = b => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff); let n = 0;
    for (let c = 0; c < 256; c++) byteToChar[c] = keep(c) ? String.fromCodePoint(c) : String.fromCodePoint(256 + n++); }
  const uni = bytes => Array.from(bytes, c => byteToChar[c]).join("");
  const vocab = {}, merges = [];
  tokens.forEach((t, r) => { vocab[uni(t)] = r; });
  tokens.forEach((t, r) => {
    if (t.length < 2) return;
    let parts = Array.from(t, c => Buffer.from([c]));
    while (parts.length > 2) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) { const x = rankOf.get(Buffer.concat([parts[i], parts[i + 1]]).toString("latin1")); if (x !== undefined && x < r && x < bestRank) { bestRank = x; best = i; } }
      if (best < 0) return;
      parts.splice(best, 2, Buffer.concat([parts[best], parts[best + 1]]));
    }
    merges.push([uni(parts[0]), uni(parts[1])]);
  });
  const added = Object.entries(encoder.special_tokens).map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  writeFileSync(b, JSON.stringify({ version: "1.0", truncation: null, padding: null, added_tokens: added, normalizer: null,
    pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: encoder.pat_str }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false }] },
    post_processor: null, decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges } }));
  console.error(`wrote ${b}: ${tokens.length} tokens, ${merges.length} merges`);
} else {
  console.error("usage: tokenize.mjs tiktoken|hf|make-hf …"); process.exit(2);
}
