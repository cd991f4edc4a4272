// Writes expected.jsonl: every document of corpus.jsonl plus seeded random ("fuzz") documents, each with the
// token ids OpenAI's tiktoken gives for cl100k_base and o200k_base. Special-looking text is encoded as plain
// text (allowed_special = none, disallowed_special = none), as DataForge must.
// Run: npm ci && node make-expected.mjs   (from tests/tokenizer-reference)
import { readFileSync, writeFileSync } from "node:fs";
import { get_encoding } from "tiktoken";

const corpus = readFileSync("corpus.jsonl", "utf8").split("\n").filter(line => line.length > 0).map(line => JSON.parse(line).text);

// Mulberry32: a tiny seeded PRNG, so the fuzz documents are the same on every run.
let state = 20261124;
const random = () => {
  state |= 0; state = (state + 0x6D2B79F5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const alphabets = [
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " ", "  \t", "\n", "\r\n", "'", "'s'S'll'VE're'd'm'T",
  ".,;:!?-_()[]{}<>|/\\\"@#$%^&*+=~`", "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年", "ひらがなカタカナ", "한국어",
  "éèêëàâäôöûüçñßſK", "\u0301\u0308\u0327", "\u00a0\u3000\u2009\u200b", "🚀🌏👍🏽❤️", "𠊎𠀀𝐀𝑥", "ภาษาไทยहिन्दी", "<|endoftext|>",
];
const fuzz = [];
for (let doc = 0; doc < 400; doc++) {
  const length = 1 + Math.floor(random() * 80);
  let text = "";
  for (let i = 0; i < length; i++) {
    const alphabet = [...alphabets[Math.floor(random() * alphabets.length)]];
    text += alphabet[Math.floor(random() * alphabet.length)];
    if (random() < 0.3) text += alphabet[Math.floor(random() * alphabet.length)];
  }
  fuzz.push(text);
}

const encodings = ["cl100k_base", "o200k_base"].map(name => [name, get_encoding(name)]);
const lines = [...corpus, ...fuzz].map(text => {
  const record = { text };
  for (const [name, encoding] of encodings) record[name] = Array.from(encoding.encode(text, [], []));
  return JSON.stringify(record);
});
for (const [, encoding] of encodings) encoding.free();
writeFileSync("expected.jsonl", lines.join("\n") + "\n");
console.log(`wrote expected.jsonl: ${corpus.length} corpus + ${fuzz.length} fuzz documents`);
