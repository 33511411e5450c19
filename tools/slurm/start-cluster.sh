#!/usr/bin/env bash
# Start a single-node Slurm cluster on this machine from Debian's packages
# (slurm-wlm, munge), for the Slurm tests: a minimal slurm.conf for
# localhost, munged (as the munge user), slurmctld and slurmd (as root),
# then wait until sinfo shows the node idle. Run as root. State, logs and
# the config live in $NERBENCH_SLURM_DIR (default /tmp/nerbench-slurm);
# stop-cluster.sh stops what this started. Prints the environment to use
# (SLURM_CONF) on its last line.
set -euo pipefail
dir=${NERBENCH_SLURM_DIR:-/tmp/nerbench-slurm}
for tool in munged slurmctld slurmd sinfo sbatch; do
  command -v "$tool" >/dev/null || { echo "start-cluster: $tool not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "start-cluster: must run as root" >&2; exit 1; }
mkdir -p "$dir"/{state,spool,log,munge}
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
[ "$mem" -gt 1024 ] || mem=1024

# munge: a key, and munged run as the munge user with its own socket.
key=/etc/munge/munge.key
if [ ! -s "$key" ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of="$key" status=none
fi
chown munge:munge "$key" "$dir/munge" && chmod 0400 "$key" && chmod 0700 "$dir/munge"
sock="$dir/munge/munge.socket.2"
if [ ! -S "$sock" ] || ! munge -n -S "$sock" >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- munged --socket="$sock" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" --force
fi

cat >"$dir/slurm.conf" <<CONF
ClusterName=nerbench
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=${NERBENCH_SLURMCTLD_PORT:-6817}
SlurmdPort=${NERBENCH_SLURMD_PORT:-6818}
MinJobAge=300
MaxArraySize=10001
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -c -f "$SLURM_CONF"  # -c: start with no job state left from an earlier run
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  state=$(sinfo --noheader --nodes="$host" --format=%t 2>/dev/null || true)
  case "$state" in
    idle*|mix*|alloc*) echo "start-cluster: node $host $state ($cpus CPUs, ${mem} MB)" >&2; echo "SLURM_CONF=$SLURM_CONF"; exit 0 ;;
    down*|drain*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
echo "start-cluster: node $host did not become idle; sinfo says '${state:-nothing}'; logs in $dir/log" >&2
exit 1
