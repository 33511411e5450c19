#!/bin/sh
# DaLUKE fine-tuning on a GPU machine without Go (issue 11): 50-odd updates
# of a base-size DaLUKE on CUDA in fp32 and in bf16 and on the CPU, from the
# same random initialisation on the same batches, with their losses compared,
# and the updates per second against the PyTorch reference on the same GPU.
#
# On the machine with Go, first:   tools/device/build.sh
# then carry bin/device with the worktree and run, from the repository root:
#   sh tools/device/daluke-gpu.sh            (results in $OUT, default /tmp/daluke-gpu)
#
# The machine needs python3 with torch (CUDA), g++, and nothing else. The
# script compiles gotch's C wrapper (bin/device/src) against that torch as
# libgotchtch.so, stubbing the wrapper functions it cannot compile with
# bin/device/stub, and runs bin/device/nerbench against it.
#
# Environment: PYTHON (python3), OUT, SENTENCES (280: the first sentences of
# the embedded DaNE test split, about 50 updates of 8 examples), SKIP_CPU=1
# to leave out the CPU run.
set -eu
D=bin/device
PY=${PYTHON:-python3}
OUT=${OUT:-/tmp/daluke-gpu}
SENTENCES=${SENTENCES:-280}
for f in $D/nerbench $D/stub $D/src/torch_api.cpp; do
	[ -e "$f" ] || { echo "daluke-gpu.sh: $f missing: run tools/device/build.sh on the machine with Go and carry bin/device" >&2; exit 1; }
done
mkdir -p "$OUT/nodata"
TORCH=$($PY -c 'import os, torch; print(os.path.dirname(torch.__file__))')
ABI=$($PY -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
echo "torch $($PY -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA")') in $TORCH"

# 1. gotch's C wrapper against this torch: pass 1 checks the syntax and
#    stubs what fails, pass 2 compiles.
W=$OUT/shim
rm -rf "$W"
cp -r $D/src "$W"
FLAGS="-std=c++17 -O2 -w -fPIC -D_GLIBCXX_USE_CXX11_ABI=$ABI -I$W -I$TORCH/include -I$TORCH/include/torch/csrc/api/include"
LIBS="-L$TORCH/lib -Wl,-rpath,$TORCH/lib -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10"
if [ -e "$TORCH/lib/libtorch_cuda.so" ]; then LIBS="$LIBS -ltorch_cuda -lc10_cuda"; fi
t0=$(date +%s)
if ! g++ $FLAGS -fsyntax-only "$W/torch_api.cpp" 2> "$W/pass1.log"; then
	$D/stub -src "$W/torch_api_generated.cpp.h" -log "$W/pass1.log" | cut -c1-200
fi
g++ $FLAGS -shared -o "$W/libgotchtch.so" "$W/torch_api.cpp" $LIBS
echo "compiled libgotchtch.so in $(( $(date +%s) - t0 )) s"
export LD_LIBRARY_PATH="$W:$TORCH/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# 2. The same updates three ways. --deterministic: no shuffling, no
#    dropout, so the runs differ only in device and arithmetic.
status=0
for run in "cuda fp32" "cuda bf16" "cpu fp32"; do
	set -- $run
	[ "$1" = cpu ] && [ "${SKIP_CPU:-}" = 1 ] && continue
	rm -rf "$OUT/$1-$2"
	echo "== nerbench train daluke --device $1 --precision $2"
	if ! $D/nerbench train daluke --random --layers 12 --hidden 768 --heads 12 --entity-size 256 --vocab luke/testdata \
		--dataset dane --data-dir "$OUT/nodata" --train-split test --dev-split none --max-sentences "$SENTENCES" \
		--epochs 1 --batch-size 8 --lr 1e-4 --deterministic --device "$1" --precision "$2" --out "$OUT/$1-$2"; then
		status=1
	fi
done

# 3. PyTorch on the same GPU: the same model size and batch size (its own
#    synthetic batches of 8 examples).
$PY luke/finetune/testdata/reference_train.py bench "$OUT/torch" 20 0 cuda base || status=1

# 4. Losses and speed.
$PY - "$OUT" <<'PYEOF' || status=1
import json, os, sys
out = sys.argv[1]
def read(run):
    f = os.path.join(out, run, "train-log.jsonl")
    if not os.path.exists(f):
        return None
    recs = [json.loads(l) for l in open(f)]
    steps = [r for r in recs if r["kind"] == "step"]
    epoch = [r for r in recs if r["kind"] == "epoch"][-1]
    return [r["loss"] for r in steps], len(steps) / epoch["seconds"]
runs = {r: read(r) for r in ("cuda-fp32", "cuda-bf16", "cpu-fp32")}
for r, v in runs.items():
    if v:
        print(f"{r}: {len(v[0])} updates, {v[1]:.2f} updates/s (including the first, warm-up update), last loss {v[0][-1]:.6f}")
def cmp(a, b):
    if runs[a] and runs[b]:
        d = max(abs(x - y) / abs(y) for x, y in zip(runs[a][0], runs[b][0]))
        print(f"largest relative loss difference {a} vs {b}: {d:.3g}")
cmp("cuda-fp32", "cpu-fp32")
cmp("cuda-bf16", "cuda-fp32")
t = json.load(open(os.path.join(out, "torch", "bench.json")))
print(f"PyTorch on the GPU: {1 / t['torch_seconds_per_update']:.2f} updates/s")
if runs["cuda-fp32"]:
    print(f"Go/PyTorch on the GPU (fp32): {runs['cuda-fp32'][1] * t['torch_seconds_per_update']:.2f}x")
PYEOF
exit $status
