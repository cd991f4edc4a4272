#!/usr/bin/env python3
"""Writes pipelines/DataForge.Speech/Text/languages.tsv, the ISO 639 table asr resolves language labels with.

Origin: Debian's iso-codes package (salsa.debian.org/iso-codes-team/iso-codes, version 4.15.0 on the machine that made
the committed file; LGPL-2.1-or-later), which carries SIL's ISO 639-3 code tables: /usr/share/iso-codes/json/iso_639-3.json
(alpha-3, alpha-2, name, scope, type), iso_639-2.json (bibliographic codes such as fre, ger, chi) and the Simplified
Chinese names of its translation catalogue /usr/share/locale/zh_CN/LC_MESSAGES/iso_639-3.mo (read with gettext's
msgunfmt). Living languages (type L) of individual or macrolanguage scope.
Columns: alpha3, alpha2 (or empty), bibliographic (or empty), English name, Chinese name (or empty).
Usage: python3 tools/make-languages.py"""
import json, subprocess

codes = json.load(open("/usr/share/iso-codes/json/iso_639-3.json"))["639-3"]
part2 = json.load(open("/usr/share/iso-codes/json/iso_639-2.json"))["639-2"]
bibliographic = {entry["alpha_3"]: entry["bibliographic"] for entry in part2 if "bibliographic" in entry}
catalogue = subprocess.run(["msgunfmt", "/usr/share/locale/zh_CN/LC_MESSAGES/iso_639-3.mo"], capture_output=True, text=True, check=True).stdout
chinese, msgid = {}, None
for line in catalogue.splitlines():
    if line.startswith('msgid "'):
        msgid = line[7:-1]
    elif line.startswith('msgstr "') and msgid:
        chinese[msgid] = line[8:-1]
with open("pipelines/DataForge.Speech/Text/languages.tsv", "w", encoding="utf-8", newline="\n") as out:
    for entry in sorted(codes, key=lambda e: e["alpha_3"]):
        if entry.get("type") != "L" or entry.get("scope") not in ("I", "M"):
            continue
        name = entry["name"].replace("\t", " ")
        out.write("\t".join([entry["alpha_3"], entry.get("alpha_2", ""), bibliographic.get(entry["alpha_3"], ""), name, chinese.get(entry["name"], "")]) + "\n")
