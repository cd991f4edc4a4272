#!/usr/bin/env bash
# Starts a single-node Slurm cluster (munge + slurmctld + slurmd, Debian's slurm-wlm) for the executor tests, with
# its configuration, state and logs under DIR, on ports 16817/16818. Needs root (munged, slurmd). Prints the path of
# slurm.conf (export it as SLURM_CONF). Stop it with stop.sh DIR. Usage: bash tests/slurm/start.sh DIR
set -euo pipefail
dir=$(mkdir -p "${1:?usage: start.sh DIR}" && cd "$1" && pwd)
for tool in munged slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install slurm-wlm munge" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "starting munged and slurmd needs root" >&2; exit 1; }
host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$dir/state" "$dir/spool" /etc/munge /var/log/munge /run/munge /var/lib/munge
cat > "$dir/slurm.conf" <<CONF
ClusterName=dataforge-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge 2>/dev/null || true
  chmod 400 /etc/munge/munge.key
  munged --force 2>/dev/null || runuser -u munge -- munged --force
  touch "$dir/munged.started"
fi
export SLURM_CONF="$dir/slurm.conf"
slurmctld
slurmd
for _ in $(seq 1 30); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then echo "$SLURM_CONF"; exit 0; fi
  sleep 1
done
echo "the Slurm node did not come up: see $dir/slurmctld.log and $dir/slurmd.log" >&2
exit 1
