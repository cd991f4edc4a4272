// The peer of read-chat -> pack --chat-template qwen2: the same ShareGPT JSON Lines rendered with Qwen2's template
// (ChatML turns, the default system prompt; string concatenation, as apply_chat_template's output is) and tokenized by
// Hugging Face tokenizers (npm 0.23.2, native, encodeBatch on every core) with the same tokenizer.json. No packing:
// only the work both must do. Prints seconds and documents.
// Run: node chat_peer.mjs CHATS.jsonl TOKENIZER.json   (after npm ci in tests/tokenizer-released, whose tokenizers it uses)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(new URL("../../../tests/tokenizer-released/package.json", import.meta.url));
const { Tokenizer } = require("tokenizers");
const [file, tokenizerFile] = process.argv.slice(2);
const start = process.hrtime.bigint();
const tokenizer = Tokenizer.fromFile(tokenizerFile);
const roles = { system: "system", human: "user", gpt: "assistant" };
const texts = readFileSync(file, "utf8").split("\n").filter(Boolean).map(line => {
  const turns = JSON.parse(line).conversations;
  const system = turns[0].from === "system" ? "" : "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n";
  return system + turns.map(turn => `<|im_start|>${roles[turn.from]}\n${turn.value}<|im_end|>\n`).join("");
});
let tokens = 0;
for (let i = 0; i < texts.length; i += 4096) {
  for (const encoding of await tokenizer.encodeBatch(texts.slice(i, i + 4096), { addSpecialTokens: false })) tokens += encoding.getIds().length;
}
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9, documents: texts.length, tokens }));
