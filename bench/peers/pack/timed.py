#!/usr/bin/env python3
"""Runs a command and prints one JSON line: its wall seconds and the peak RSS of its process tree's largest member
(getrusage of the children), for machines without GNU time. Usage: python3 timed.py CMD ARGS..."""
import json, resource, subprocess, sys, time

started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - started
print(json.dumps({"exit": code, "seconds": round(seconds, 3), "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}))
sys.exit(code)
