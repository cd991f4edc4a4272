#!/usr/bin/env bash
# Stops the cluster start.sh started in DIR (slurmd, slurmctld; munged stays for other users of it).
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
sleep 1
exit 0
