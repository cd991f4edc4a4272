#!/usr/bin/env bash
# Stops the cluster start.sh started in DIR: slurmd, slurmctld, and munged when start.sh was the one to start it.
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
if [ -f "$dir/munged.started" ]; then
  pkill -x munged 2>/dev/null
fi
sleep 1
exit 0
