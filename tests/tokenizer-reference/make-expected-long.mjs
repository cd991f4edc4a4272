// Writes expected-long.jsonl: documents that are one long piece each (a run of one letter, a long word of
// random letters, a long number, a long run of punctuation), with the ids OpenAI's tiktoken gives for cl100k_base and
// o200k_base. They hold pieces over 1024 bytes, which DataForge merges through a heap (MergeTable.MergeLong)
// instead of the quadratic scan.
// Run: npm ci && node make-expected-long.mjs   (from tests/tokenizer-reference)
import { writeFileSync } from "node:fs";
import { get_encoding } from "tiktoken";

let state = 20261201;
const random = () => {
  state |= 0; state = (state + 0x6D2B79F5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (alphabet, length) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
const texts = [
  "a".repeat(5000),
  "ab".repeat(3000),
  pick("abcdefghijklmnopqrstuvwxyz", 4000),
  pick("etaoinshr", 6000),
  pick("的一是不了人我在有他这中大来", 2000),
  "!".repeat(3000) + pick(".,;:!?-_()[]", 2000),
  " " + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 3000),
];
const encodings = ["cl100k_base", "o200k_base"].map(name => [name, get_encoding(name)]);
const lines = texts.map(text => {
  const record = { text };
  for (const [name, encoding] of encodings) record[name] = Array.from(encoding.encode(text, [], []));
  return JSON.stringify(record);
});
writeFileSync("expected-long.jsonl", lines.join("\n") + "\n");
console.log(`wrote ${lines.length} documents to expected-long.jsonl`);
