# Speed of the ONNX engine: `nerbench bench` (end-to-end time over bare ONNX
# Runtime time on the same batches, measured in the same run; medians of
# several runs). The figures are in BENCHMARKS.md.

PYTHON3 ?= /usr/bin/python3
# The committed 4-layer random BERT fixture, on the DaNE test split.
BENCH_ONNX_FLAGS ?= --repeat 7 --threads 1
# The base-size random BERT (12 layers, hidden 768, 12 heads, 512
# positions, about 340 MB) is slow on a small machine: a few sentences.
BENCH_BASE_FLAGS ?= --sentences 16 --batch-size 8 --warmup 1 --repeat 5 --threads 1

.PHONY: bench-onnx bench-onnx-base

bench-onnx: build ## nerbench bench on the committed random BERT fixture (overhead ratio, about 1 min)
	$(NERBENCH) bench --model-dir adapters/internal/ort/testdata/bert-random $(BENCH_ONNX_FLAGS)

bench-onnx-base: build ## nerbench bench on a base-size random BERT generated into a temporary folder (5-10 min on 2 cores)
	@$(PYTHON3) -c 'import numpy, onnx' 2>/dev/null || { \
	  echo "bench-onnx-base needs Debian's python3-onnx and python3-numpy: apt-get install python3-onnx python3-numpy" >&2; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  echo "generating a base-size random BERT in $$tmp (about 1 min, 340 MB)" && \
	  $(PYTHON3) adapters/internal/ort/testdata/generate.py --size base --out "$$tmp/bert-base-random" && \
	  $(NERBENCH) bench --model-dir "$$tmp/bert-base-random" $(BENCH_BASE_FLAGS)
