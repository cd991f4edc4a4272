"""Hostile inputs for DataForge (issue 18, item 10): each case builds its input in a folder of its own and returns the
dataforge command line to run on it. The campaign (bench/hostile.sh) runs every case under /usr/bin/time -v with a
deadline and a memory watchdog and prints a table. A case passes when DataForge ends with exit 0, 1 or 2, prints no
internal error or stack trace, stays under the RSS bound and the deadline, and meets the case's own check (a reject
with the named reason, or an error line naming the problem).

Every input here is generated: no file of another project is copied.
"""
import base64
import glob
import gzip
import json
import os
import shutil
import subprocess
import zlib

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(REPO, "samples")
JPEG = os.path.join(SAMPLES, "images", "scene-01.jpg")  # 477x374
WAV = os.path.join(SAMPLES, "speech", "audio", "hak-006.wav")
HAN = "\u4f60\u597d\u4e16\u754c\u4eca\u5929\u5929\u6c14\u5f88\u597d"

CASES = []


def case(name, check=None, timeout=None):
    """Registers a builder. check(result) returns None when the case's own expectation holds, else what went wrong."""
    def register(build):
        CASES.append({"name": name, "build": build, "check": check, "timeout": timeout})
        return build
    return register


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def pipeline(folder, stages, output="out", head=""):
    return write(os.path.join(folder, "p.yaml"), f"name: hostile\noutput: {output}\n{head}stages:\n{stages}")


def run(folder, stages, *extra, output="out", head=""):
    return ["run", pipeline(folder, stages, output, head), *extra]


def images_folder(folder, names):
    imgs = os.path.join(folder, "imgs")
    os.makedirs(imgs, exist_ok=True)
    shutil.copy(JPEG, os.path.join(imgs, "ok.jpg"))
    for name in names:
        shutil.copy(JPEG, os.path.join(imgs, name))
    return imgs


READ_IMAGES = "  - read-images:\n      inputs: [imgs]\n  - write\n"


def rejects(result, reason):
    """None when the output's rejects hold the reason, else a message."""
    found = result.reasons()
    return None if reason in found else f"no {reason} reject (rejects: {sorted(set(found)) or 'none'})"


def error_naming(*words):
    def check(result):
        line = result.stderr.strip().splitlines()[-1:] or [""]
        if result.exit_code not in (1, 2):
            return f"exit {result.exit_code}, expected an error"
        return None if all(w.lower() in result.stderr.lower() for w in words) else f"error does not name {words}: {line[0][:120]}"
    return check


def reject(reason):
    return lambda result: rejects(result, reason) if result.exit_code == 0 else f"exit {result.exit_code}: {result.last_line()}"


def kept_and_rejected(reason, at_least=1):
    def check(result):
        if result.exit_code != 0:
            return f"exit {result.exit_code}: {result.last_line()}"
        if result.samples() < at_least:
            return f"only {result.samples()} samples kept: one bad record stopped the rest"
        return rejects(result, reason)
    return check


# --- internal errors -------------------------------------------------------------------------------------------

@case("image name with a backslash", kept_and_rejected("input.unsupported_name"))
def _(d):
    images_folder(d, ["back\\slash.jpg"])
    return run(d, READ_IMAGES)


@case("image names with '..'", lambda r: None if r.exit_code == 0 and r.samples() == 3 else f"exit {r.exit_code}, {r.samples()} samples: {r.last_line()}")
def _(d):
    images_folder(d, ["..x.jpg", "a..b.jpg"])
    return run(d, READ_IMAGES)


def coco(d, images=None, annotations=None, categories=None, image_size=(477, 374)):
    folder = os.path.join(d, "coco")
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    shutil.copy(JPEG, os.path.join(folder, "images", "a.jpg"))
    w, h = image_size
    square = [[10, 10, 200, 10, 200, 200, 10, 200]]
    document = {
        "images": images if images is not None else [{"id": 1, "file_name": "a.jpg", "width": w, "height": h}],
        "annotations": annotations if annotations is not None else [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": square, "area": 36100, "bbox": [10, 10, 190, 190], "iscrowd": 0}],
        "categories": categories if categories is not None else [{"id": 1, "name": "cup"}],
    }
    write(os.path.join(folder, "instances.json"), json.dumps(document))
    return run(d, "  - seg2edit:\n      inputs: [coco/instances.json]\n      images: coco/images\n  - write\n")


def square_annotation(i, image_id=1, category_id=1, x=10, y=10, side=150):
    return {"id": i, "image_id": image_id, "category_id": category_id, "iscrowd": 0, "area": side * side, "bbox": [x, y, side, side],
            "segmentation": [[x, y, x + side, y, x + side, y + side, x, y + side]]}


@case("COCO file_name with backslashes and '..'", kept_and_rejected("image.path_outside"))
def _(d):
    images = [{"id": 1, "file_name": "a.jpg", "width": 477, "height": 374},
              {"id": 2, "file_name": "..\\..\\etc\\passwd", "width": 477, "height": 374},
              {"id": 3, "file_name": "x/../../a.jpg", "width": 477, "height": 374}]
    return coco(d, images=images, annotations=[square_annotation(1), square_annotation(2, image_id=2), square_annotation(3, image_id=3)])


@case("COCO category_id given as a string", kept_and_rejected("annotation.invalid"))
def _(d):
    return coco(d, annotations=[square_annotation(1), square_annotation(2, category_id="1")])


@case("COCO image_id given as a string", kept_and_rejected("annotation.unknown_image"))
def _(d):
    return coco(d, annotations=[square_annotation(1), square_annotation(2, image_id="1")])


@case("COCO polygon of 110 000 points", lambda r: None if r.exit_code == 0 and r.samples() >= 2 else f"exit {r.exit_code}, {r.samples()} samples: {r.last_line()}")
def _(d):
    import math
    points = []
    for k in range(110_000):
        a = 2 * math.pi * k / 110_000
        points += [round(238 + 150 * math.cos(a), 2), round(187 + 150 * math.sin(a), 2)]
    big = {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 70000, "bbox": [88, 37, 300, 300], "segmentation": [points]}
    return coco(d, annotations=[square_annotation(1), big])


@case("COCO duplicate image and annotation ids", lambda r: rejects(r, "annotation.duplicate_id") or rejects(r, "image.duplicate_id"))
def _(d):
    images = [{"id": 1, "file_name": "a.jpg", "width": 477, "height": 374}, {"id": 1, "file_name": "a.jpg", "width": 477, "height": 374}]
    return coco(d, images=images, annotations=[square_annotation(1), square_annotation(1, x=250)])


@case("200 small COCO masks on one large image")
def _(d):
    folder = os.path.join(d, "coco", "images")
    os.makedirs(folder, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=6000x4000", "-frames:v", "1", os.path.join(folder, "big.jpg")], check=True)
    annotations = [square_annotation(i + 1, x=20 + 280 * (i % 20), y=20 + 380 * (i // 20), side=60) for i in range(200)]
    document = {"images": [{"id": 1, "file_name": "big.jpg", "width": 6000, "height": 4000}], "annotations": annotations, "categories": [{"id": 1, "name": "cup"}]}
    write(os.path.join(d, "coco", "instances.json"), json.dumps(document))
    return run(d, "  - seg2edit:\n      inputs: [coco/instances.json]\n      images: coco/images\n  - write\n")


@case("one COCO polygon of 25 000 points on a large image")
def _(d):
    import math
    folder = os.path.join(d, "coco", "images")
    os.makedirs(folder, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=6000x4000", "-frames:v", "1", os.path.join(folder, "big.jpg")], check=True)
    points = []
    for k in range(25_000):
        a = 2 * math.pi * k / 25_000
        r = 1500 + (300 if k % 2 else 0)
        points += [round(3000 + r * math.cos(a), 2), round(2000 + r * math.sin(a), 2)]
    document = {"images": [{"id": 1, "file_name": "big.jpg", "width": 6000, "height": 4000}],
                "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 7e6, "bbox": [1200, 200, 3600, 3600], "segmentation": [points]}],
                "categories": [{"id": 1, "name": "cup"}]}
    write(os.path.join(d, "coco", "instances.json"), json.dumps(document))
    return run(d, "  - seg2edit:\n      inputs: [coco/instances.json]\n      images: coco/images\n  - write\n")


# --- WARC and HTML ---------------------------------------------------------------------------------------------

def warc_record(kind, uri, block, headers=""):
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri + kind)):032x}>\r\n"
            f"WARC-Date: 2026-01-01T00:00:00Z\r\n{headers}Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def http_response(body, headers=""):
    return f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{headers}\r\n".encode() + body


PAGE = ("<html><body><h1>A page</h1><p>" + "Prose long enough to be a document, about cups and tea. " * 4 + "</p></body></html>").encode()


def warc(d, *records):
    write(os.path.join(d, "a.warc"), b"".join(records))
    return run(d, "  - interleave:\n      inputs: [a.warc]\n      keep_text_only: true\n  - write\n")


def good_record():
    return warc_record("response", "http://example.com/good", http_response(PAGE), "Content-Type: application/http; msgtype=response\r\n")


@case("WARC chunked body whose chunk size overflows", kept_and_rejected("http.invalid_response"))
def _(d):
    body = b"FFFFFFFFFFFFFFFFFFFFFFFF\r\n" + PAGE + b"\r\n0\r\n\r\n"
    bad = warc_record("response", "http://example.com/bad", http_response(body, "Transfer-Encoding: chunked\r\n"), "Content-Type: application/http; msgtype=response\r\n")
    return warc(d, bad, good_record())


@case("WARC invalid brotli body", kept_and_rejected("http.invalid_response"))
def _(d):
    bad = warc_record("response", "http://example.com/bad", http_response(b"\xff\xfe not brotli at all" * 20, "Content-Encoding: br\r\n"), "Content-Type: application/http; msgtype=response\r\n")
    return warc(d, bad, good_record())


@case("WARC gzip content-encoding bomb (2 GB of zeros)", kept_and_rejected("http.invalid_response"), timeout=300)
def _(d):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(2048)]
    parts.append(compressor.flush())
    bad = warc_record("response", "http://example.com/bomb", http_response(b"".join(parts), "Content-Encoding: gzip\r\n"), "Content-Type: application/http; msgtype=response\r\n")
    return warc(d, bad, good_record())


def html_folder(d, pages, extra="", fetch=False):
    for name, text in pages.items():
        write(os.path.join(d, "html", name), text)
    stage = "  - interleave:\n      inputs: [html]\n      keep_text_only: true\n" + extra + "  - write\n"
    return run(d, stage)


@case("<img src=\"//host/x\"> (protocol-relative, no fetch)", lambda r: None if r.exit_code == 0 and r.samples() >= 1 else f"exit {r.exit_code}: {r.last_line()}")
def _(d):
    return html_folder(d, {"a.html": PAGE.decode().replace("</p>", '</p><img src="//host/x"><img src="//host"><img src="///x">')})


@case("a sparse 1.2 GB HTML page", kept_and_rejected("input.too_large"))
def _(d):
    html_folder(d, {"ok.html": PAGE.decode()})
    with open(os.path.join(d, "html", "huge.html"), "wb") as f:
        f.truncate(1_200_000_000)
    return run(d, "  - interleave:\n      inputs: [html]\n      keep_text_only: true\n  - write\n")


@case("a 110 MB data: URI image", kept_and_rejected("input.too_large"), timeout=300)
def _(d):
    payload = base64.b64encode(os.urandom(82_000_000)).decode()
    return html_folder(d, {"a.html": PAGE.decode().replace("</p>", f'</p><img src="data:image/jpeg;base64,{payload}">'), "ok.html": PAGE.decode()})


def divs(count):
    return PAGE.decode().replace("</p>", "</p>" + "<div/>" * count)


@case("20 000 self-closing <div/>")
def _(d):
    return html_folder(d, {"a.html": divs(20_000)})


@case("200 000 self-closing <div/>", timeout=120)
def _(d):
    return html_folder(d, {"a.html": divs(200_000)})


# --- images ----------------------------------------------------------------------------------------------------

@case("a symlink to /dev/zero named x.jpg", kept_and_rejected("input.not_a_regular_file"), timeout=60)
def _(d):
    imgs = images_folder(d, [])
    os.symlink("/dev/zero", os.path.join(imgs, "x.jpg"))
    return run(d, READ_IMAGES)


@case("a FIFO in an image folder", kept_and_rejected("input.not_a_regular_file"), timeout=60)
def _(d):
    imgs = images_folder(d, [])
    os.mkfifo(os.path.join(imgs, "p.jpg"))
    return run(d, READ_IMAGES)


@case("a dangling symlink in an image folder", kept_and_rejected("input.not_a_regular_file"))
def _(d):
    imgs = images_folder(d, [])
    os.symlink(os.path.join(d, "nowhere.jpg"), os.path.join(imgs, "gone.jpg"))
    return run(d, READ_IMAGES)


@case("a symlink loop under an image folder", lambda r: None if r.exit_code == 0 and r.samples() == 1 else f"exit {r.exit_code}, {r.samples()} samples (1 expected): {r.last_line()}", timeout=60)
def _(d):
    imgs = images_folder(d, [])
    os.symlink(".", os.path.join(imgs, "loop"))
    return run(d, READ_IMAGES)


@case("a sparse 3 GB file named as an image", kept_and_rejected("input.too_large"))
def _(d):
    imgs = images_folder(d, [])
    with open(os.path.join(imgs, "big.jpg"), "wb") as f:
        f.truncate(3_000_000_000)
    return run(d, READ_IMAGES)


# --- YAML and options ------------------------------------------------------------------------------------------

@case("YAML nested 100 000 deep", error_naming("nests deeper"))
def _(d):
    return ["run", write(os.path.join(d, "p.yaml"), "name: x\noutput: out\nstages: " + "[" * 100_000 + "]" * 100_000 + "\n")]


@case("a self-referencing YAML alias", error_naming("alias"))
def _(d):
    return ["run", write(os.path.join(d, "p.yaml"), "name: x\noutput: out\nstages: &a\n  - read-images:\n      inputs: *a\n")]


@case("YAML billion laughs", error_naming("alias"))
def _(d):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ["run", write(os.path.join(d, "p.yaml"), "name: x\noutput: out\nstages:\n  - read-images:\n      inputs: [imgs]\n      caption_extension:\n" + "\n".join("        " + l for l in lines) + "\n")]


@case("--tasks 2147483647", error_naming("task count"))
def _(d):
    images_folder(d, [])
    return run(d, READ_IMAGES, "--tasks", "2147483647")


@case("--workers 2147483647", lambda r: None if r.exit_code in (0, 2) else f"exit {r.exit_code}: {r.last_line()}")
def _(d):
    images_folder(d, [])
    return run(d, READ_IMAGES, "--workers", "2147483647")


@case("an option value of 1e400", error_naming("1e400"))
def _(d):
    images_folder(d, [])
    return run(d, "  - read-images:\n      inputs: [imgs]\n  - filter:\n      min_text_chars: 1e400\n  - write\n")


@case("a pipeline without write", error_naming("write"))
def _(d):
    images_folder(d, [])
    return run(d, "  - read-images:\n      inputs: [imgs]\n")


@case("a pipeline with two write stages", error_naming("write"))
def _(d):
    images_folder(d, [])
    return run(d, READ_IMAGES + "  - write\n")


@case("output: /", error_naming("output"))
def _(d):
    images_folder(d, [])
    return run(d, READ_IMAGES, output="/")


@case("an output inside an input folder", error_naming("output"))
def _(d):
    images_folder(d, [])
    return run(d, READ_IMAGES, output="imgs/out")


# --- text ------------------------------------------------------------------------------------------------------

@case("a JSONL line with a duplicate key", kept_and_rejected("jsonl.invalid_json"))
def _(d):
    write(os.path.join(d, "t", "a.jsonl"), '{"text": "a fine first record of text"}\n{"text": "one", "text": "two"}\n{"text": "a fine third record of text"}\n')
    return run(d, "  - read-text:\n      inputs: [t]\n  - write\n")


@case("one document of 1 000 000 identical letters, packed", timeout=120)
def _(d):
    write(os.path.join(d, "t", "a.jsonl"), json.dumps({"text": "a" * 1_000_000}) + "\n")
    return run(d, "  - read-text:\n      inputs: [t]\n  - pack:\n      seq_len: 1024\n      tokenizer: cl100k_base\n")


# --- speech ----------------------------------------------------------------------------------------------------

def manifest(d, rows, header="audio\ttext\tspeaker\tdialect\tstart\tend", extra=""):
    shutil.copy(WAV, os.path.join(d, "ok.wav")) if os.path.isdir(d) else None
    write(os.path.join(d, "m.tsv"), header + "\n" + "".join(r + "\n" for r in rows))
    return run(d, "  - asr:\n      inputs: [m.tsv]\n      dev_fraction: 0\n      test_fraction: 0\n" + extra + "  - write\n")


@case("asr rows with a negative start, an end of -1, NaN and malformed fields", kept_and_rejected("entry.invalid"))
def _(d):
    os.makedirs(d, exist_ok=True)
    return manifest(d, [f"ok.wav\t{HAN}\ts1\thak\t\t", f"ok.wav\t{HAN}\ts2\thak\t-1\t2", f"ok.wav\t{HAN}\ts3\thak\t0\t-1",
                        f"ok.wav\t{HAN}\ts4\thak\t0\tNaN", f"ok.wav\t{HAN}\ts5\thak\tx\ty", "ok.wav", f"ok.wav\t{HAN}\ts6\thak\t1e400\t2e400\textra"])


@case("asr rows with http://, az:// and file:// audio", kept_and_rejected("audio.path_outside"))
def _(d):
    os.makedirs(d, exist_ok=True)
    return manifest(d, [f"ok.wav\t{HAN}\ts1\thak\t\t", f"http://example.com/a.wav\t{HAN}\ts2\thak\t\t", f"az://c/a.wav\t{HAN}\ts3\thak\t\t",
                        f"file://{os.path.join(d, 'ok.wav')}\t{HAN}\ts4\thak\t\t"])


@case("a FIFO given as audio", kept_and_rejected("input.not_a_regular_file"), timeout=60)
def _(d):
    os.makedirs(d, exist_ok=True)
    os.mkfifo(os.path.join(d, "p.wav"))
    return manifest(d, [f"ok.wav\t{HAN}\ts1\thak\t\t", f"p.wav\t{HAN}\ts2\thak\t\t"])


@case("a 10-hour silent FLAC", timeout=300)
def _(d):
    os.makedirs(d, exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "36000", "-c:a", "flac", os.path.join(d, "long.flac")], check=True)
    return manifest(d, [f"ok.wav\t{HAN}\ts1\thak\t\t", f"long.flac\t{HAN}\ts2\thak\t\t"])


def srt(d, cues):
    # A recording as long as the cues (a tone, so no cue is silence): one recording, thousands of utterances.
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=16000:duration={cues + 1}", os.path.join(d, "talk.wav")], check=True)
    text = "".join(f"{i + 1}\n{i // 3600:02d}:{(i // 60) % 60:02d}:{i % 60:02d},000 --> {i // 3600:02d}:{(i // 60) % 60:02d}:{i % 60:02d},900\n{HAN}\n\n" for i in range(cues))
    write(os.path.join(d, "talk.srt"), text)
    return run(d, "  - asr:\n      inputs: [talk.srt]\n      dialect: hak\n      min_duration: 0.1\n      min_speech_ratio: 0\n      characters_per_second: [0.1, 100]\n  - write\n")


@case("an SRT of 300 cues", timeout=300)
def _(d):
    os.makedirs(d, exist_ok=True)
    return srt(d, 300)


@case("an SRT of 3 000 cues", timeout=300)
def _(d):
    os.makedirs(d, exist_ok=True)
    return srt(d, 3000)


@case("a Kaldi directory with a duplicated utterance id", kept_and_rejected("entry.duplicate"))
def _(d):
    kaldi = os.path.join(d, "k")
    os.makedirs(kaldi)
    shutil.copy(WAV, os.path.join(kaldi, "a.wav"))
    write(os.path.join(kaldi, "wav.scp"), "rec a.wav\n")
    write(os.path.join(kaldi, "segments"), "u1 rec 0 1.5\nu1 rec 1.5 3.0\nu2 rec 0 1.5\n")
    write(os.path.join(kaldi, "text"), f"u1 {HAN}\nu1 {HAN}\nu2 {HAN}\n")
    write(os.path.join(kaldi, "utt2spk"), "u1 s1\nu1 s1\nu2 s2\n")
    return run(d, "  - asr:\n      inputs: [k]\n      dialect: hak\n      dev_fraction: 0\n      test_fraction: 0\n  - write\n")


# --- crafted files from elsewhere ------------------------------------------------------------------------------

@case("status of a run whose _plan.json claims 10^9 tasks", error_naming("_plan.json"), timeout=60)
def _(d):
    write(os.path.join(d, "out", "_tasks", "_plan.json"), json.dumps({"pipeline": "x", "tasks": 1_000_000_000, "config_hash": "0" * 64}))
    return ["status", os.path.join(d, "out")]


@case("inspect a sample set whose _manifest.json lies", lambda r: None if r.exit_code in (0, 1) else f"exit {r.exit_code}")
def _(d):
    write(os.path.join(d, "out", "_manifest.json"), json.dumps({"samples": "many", "files": [{"path": "../../etc/passwd", "samples": -4}]}))
    write(os.path.join(d, "out", "_SUCCESS"), "")
    return ["inspect", os.path.join(d, "out"), "--show", "3"]


@case("inspect shards whose index.json lies", error_naming("index.json"))
def _(d):
    write(os.path.join(d, "s", "index.json"), json.dumps({"version": 1, "seq_len": -1, "shards": [{"path": "/etc/passwd", "rows": 1e12, "tokens": "x"}]}))
    return ["inspect", os.path.join(d, "s"), "--decode", "0"]


@case("export shards whose index.json lies", error_naming("index.json"))
def _(d):
    write(os.path.join(d, "s", "index.json"), json.dumps({"version": 1, "seq_len": 1024, "shards": [{"path": "../x.parquet", "rows": -1}]}))
    return ["export", "megatron", "--shards", os.path.join(d, "s"), "--out", os.path.join(d, "m")]


@case("a rejects file of junk lines, inspected", lambda r: None if r.exit_code in (0, 1) else f"exit {r.exit_code}: {r.last_line()}")
def _(d):
    images_folder(d, [])
    command = run(d, READ_IMAGES)
    subprocess.run(["dotnet", DLL, *command], capture_output=True, check=True)
    write(os.path.join(d, "out", "rejects", "task-00000.jsonl"), '{"reason": 5}\nnot json\n{"reason": "x", "source": {"a": 1}}\n' + "[" * 10000 + "\n")
    return ["inspect", os.path.join(d, "out")]


def packed_shards(d):
    write(os.path.join(d, "t", "a.jsonl"), "".join(json.dumps({"text": f"document {i} about cups of tea and coffee, " * 8}) + "\n" for i in range(64)))
    command = run(d, "  - read-text:\n      inputs: [t]\n  - pack:\n      seq_len: 128\n      tokenizer: cl100k_base\n", output="packed")
    subprocess.run(["dotnet", DLL, *command], capture_output=True, check=True, cwd=d)
    return os.path.join(d, "packed")


@case("train --resume from a checkpoint whose header lies", error_naming("model.safetensors"), timeout=300)
def _(d):
    shards = packed_shards(d)
    run_dir = os.path.join(d, "run")
    subprocess.run(["dotnet", DLL, "train", "--shards", shards, "--out", run_dir, "--steps", "2", "--checkpoint-every", "2", "--preset", "tiny"], capture_output=True, check=True, cwd=d)
    import struct
    header = json.dumps({"blocks.0.attention.key.weight": {"dtype": "F32", "shape": [1 << 30, 1 << 30], "data_offsets": [0, 1 << 62]}}).encode()
    for model in glob.glob(os.path.join(run_dir, "checkpoints", "*", "model.safetensors")):
        write(model, struct.pack("<Q", len(header)) + header)
    return ["train", "--shards", shards, "--out", run_dir, "--resume", "--steps", "4", "--preset", "tiny"]


@case("train --resume from a checkpoint whose state.json lies", error_naming("state.json"), timeout=300)
def _(d):
    shards = packed_shards(d)
    run_dir = os.path.join(d, "run")
    subprocess.run(["dotnet", DLL, "train", "--shards", shards, "--out", run_dir, "--steps", "2", "--checkpoint-every", "2", "--preset", "tiny"], capture_output=True, check=True, cwd=d)
    for state in glob.glob(os.path.join(run_dir, "checkpoints", "*", "state.json")):
        write(state, json.dumps({"step": "two", "rng": [1, 2], "tokens_seen": -5}))
    return ["train", "--shards", shards, "--out", run_dir, "--resume", "--steps", "4", "--preset", "tiny"]


def tokenizer_with_end(d, end_id, content="<|endoftext|>"):
    with open(os.path.join(REPO, "tests", "tokenizer-reference", "qwen2-style.tokenizer.json")) as f:
        t = json.load(f)
    t["added_tokens"] = [{"id": end_id, "content": content, "special": True}]
    path = write(os.path.join(d, "tok.json"), json.dumps(t))
    write(os.path.join(d, "t", "a.jsonl"), json.dumps({"text": "some text to pack"}) + "\n")
    return run(d, f"  - read-text:\n      inputs: [t]\n  - pack:\n      seq_len: 64\n      tokenizer: {path}\n")


@case("a tokenizer whose end-of-document id is 2^31-1", error_naming("tok.json"))
def _(d):
    return tokenizer_with_end(d, 2**31 - 1)


@case("a tokenizer whose end-of-document token is the byte 'a'", error_naming("tok.json"))
def _(d):
    return tokenizer_with_end(d, 64, "<|endoftext|>")


def hotword_corpus(d, count):
    os.makedirs(d, exist_ok=True)
    shutil.copy(WAV, os.path.join(d, "ok.wav"))
    # Distinct transcripts so the hotword miner sees many candidate terms.
    chars = [chr(0x4E00 + k) for k in range(2000)]
    rows = [f"ok.wav\t{''.join(chars[(i * 7 + j) % 2000] for j in range(12))}\ts{i % 50}\thak" for i in range(count)]
    write(os.path.join(d, "m.tsv"), "audio\ttext\tspeaker\tdialect\n" + "\n".join(rows) + "\n")
    return run(d, "  - asr:\n      inputs: [m.tsv]\n      characters_per_second: [0.1, 100]\n  - write\n")


@case("hotwords over 400 utterances", timeout=300)
def _(d):
    return hotword_corpus(d, 400)


@case("hotwords over 4 000 utterances", timeout=600)
def _(d):
    return hotword_corpus(d, 4000)


DLL = os.path.join(REPO, "cli", "DataForge.Cli", "bin", "Release", "net10.0", "dataforge.dll")
