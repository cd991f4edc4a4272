"""Runs the hostile cases of cases.py (see its docstring) and prints one table row per case.
Usage: python3 bench/hostile/campaign.py [--rss-mb 1024] [--timeout 120] [--only SUBSTRING] [--keep DIR]"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import cases  # noqa: E402


class Result:
    def __init__(self, folder, exit_code, stderr, stdout):
        self.folder, self.exit_code, self.stderr, self.stdout = folder, exit_code, stderr, stdout

    def last_line(self):
        lines = [l for l in self.stderr.strip().splitlines() if l.strip()]
        return lines[-1][:140] if lines else ""

    def reasons(self):
        found = []
        for path in glob.glob(os.path.join(self.folder, "**", "rejects", "*.jsonl"), recursive=True):
            with open(path, errors="replace") as f:
                for line in f:
                    try:
                        found.append(json.loads(line)["reason"])
                    except (ValueError, KeyError, TypeError):
                        pass
        return found

    def samples(self):
        for path in glob.glob(os.path.join(self.folder, "**", "_manifest.json"), recursive=True):
            try:
                with open(path) as f:
                    return int(json.load(f).get("samples", 0))
            except (ValueError, TypeError):
                return 0
        return 0


def tree_rss_kb(root_pid):
    """Summed VmRSS of the process group rooted at root_pid (the case's session)."""
    total = 0
    for status in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(status) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == root_pid:  # process group id
                with open(status.replace("stat", "status")) as f:
                    m = re.search(r"VmRSS:\s+(\d+)", f.read())
                    total += int(m.group(1)) if m else 0
        except (OSError, IndexError, ValueError):
            pass
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rss-mb", type=int, default=1024, help="the bound a case must stay under")
    parser.add_argument("--kill-mb", type=int, default=4096, help="the watchdog kills a case above this")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--only", default="")
    parser.add_argument("--keep", default="")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="dataforge-hostile-")
    rows, failures = [], 0
    print(f"{'case':<58} {'exit':>4} {'wall s':>7} {'max RSS MB':>10}  verdict")
    for number, entry in enumerate(cases.CASES, 1):
        if args.only and args.only.lower() not in entry["name"].lower():
            continue
        folder = os.path.join(root, f"case-{number:02d}")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            command = entry["build"](folder)
        finally:
            os.chdir(cwd)
        deadline = entry["timeout"] or args.timeout
        timing = os.path.join(folder, "time.txt")
        started = time.monotonic()
        process = subprocess.Popen(["/usr/bin/time", "-v", "-o", timing, "dotnet", cases.DLL, *command], cwd=folder,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        killed = []

        def watch():
            while process.poll() is None:
                if time.monotonic() - started > deadline:
                    killed.append("deadline")
                elif tree_rss_kb(process.pid) > args.kill_mb * 1024:
                    killed.append(f"RSS over {args.kill_mb} MB")
                if killed:
                    os.killpg(process.pid, signal.SIGKILL)
                    return
                time.sleep(0.2)

        watcher = threading.Thread(target=watch)
        watcher.start()
        stdout, stderr = process.communicate()
        watcher.join()
        wall = time.monotonic() - started
        stderr_text = stderr.decode(errors="replace")
        rss_mb = 0
        code = process.returncode
        if os.path.exists(timing):
            with open(timing) as f:
                text = f.read()
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            rss_mb = int(m.group(1)) // 1024 if m else 0
            m = re.search(r"Exit status: (\d+)", text)
            code = int(m.group(1)) if m else code
        result = Result(folder, code, stderr_text, stdout.decode(errors="replace"))
        problems = []
        if killed:
            problems.append(f"killed: {killed[0]}")
        elif code not in (0, 1, 2):
            problems.append(f"exit {code}")
        if "internal error" in stderr_text or re.search(r"^\s+at \S+\(", stderr_text, re.M):
            problems.append("internal error / stack trace")
        if rss_mb > args.rss_mb:
            problems.append(f"RSS {rss_mb} MB over {args.rss_mb}")
        if not problems and entry["check"]:
            message = entry["check"](result)
            if message:
                problems.append(message)
        verdict = "ok" if not problems else "FAIL " + "; ".join(problems)
        if not problems and code != 0:
            verdict += f" ({result.last_line()[:90]})"
        failures += bool(problems)
        print(f"{entry['name'][:58]:<58} {code:>4} {wall:>7.1f} {rss_mb:>10}  {verdict}", flush=True)
    print(f"{failures} of {len([c for c in cases.CASES if args.only.lower() in c['name'].lower()])} cases failed (inputs under {root})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
