#!/usr/bin/env bash
# Stop the daemons that start-cluster.sh started (by their pid files) and
# cancel any job left. Never fails, so it can run from a trap.
dir=${NERBENCH_SLURM_DIR:-/tmp/nerbench-slurm}
export SLURM_CONF="$dir/slurm.conf"
[ -f "$SLURM_CONF" ] && scancel --full --user=root >/dev/null 2>&1
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
exit 0
