# DaLUKE on libtorch (issue 7): included by the Makefile.
#
# gotch links libtorch at build time, so everything that imports it carries
# the `torch` build tag and builds against a patched copy of gotch in
# bin/gotch, selected through bin/torch.mod (go.mod plus a replace directive).
# go.mod itself never points there, so plain `go build ./...` keeps working
# without libtorch. See tools/gotch/build.sh.

TORCH_MOD  := $(BIN)/torch.mod
TORCH_PKGS := ./luke/... ./adapters/daluke/...
TORCH_HDR  := /usr/include/torch/csrc/api/include/torch/torch.h
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: torch torch-deps torch-gotch torch-vet torch-test torch-bench torch-bench-deps

torch-deps: ## install Debian's libtorch and OpenBLAS if missing (apt, about 664 MB)
	@if [ -z "$$LIBTORCH" ] && { [ ! -e $(TORCH_HDR) ] || ! ldconfig -p | grep -q libopenblas; }; then \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y libtorch-dev libopenblas0-pthread; \
	fi

torch-gotch: torch-deps ## build the patched gotch (bin/gotch) and bin/torch.mod
	tools/gotch/build.sh

torch: torch-gotch ## build bin/nerbench with DaLUKE (libtorch) support
	$(GO) build -tags torch -modfile=$(TORCH_MOD) -o $(NERBENCH) ./cmd/nerbench

torch-vet: torch-gotch ## go vet the torch-tagged packages
	$(GO) vet -tags torch -modfile=$(TORCH_MOD) $(TORCH_PKGS) ./cmd/nerbench

torch-test: torch-vet ## run the torch-tagged tests (luke, adapters/daluke, nerbench daluke)
	$(GO) test -tags torch -modfile=$(TORCH_MOD) -count=1 $(TORCH_PKGS)
	$(GO) test -tags torch -modfile=$(TORCH_MOD) -count=1 -run Daluke ./cmd/nerbench

DALUKE_BENCH := $(BIN)/daluke-bench

# Both sides run single-threaded (BENCH_THREADS) so that CPU time measures
# the work even on a shared machine; BENCH_THREADS=all leaves libtorch its
# default thread count, for wall time. BENCH_RUNS runs on each side give
# medians; needs python3-torch and python3-numpy.
BENCH_THREADS ?= 1
BENCH_RUNS    ?= 3
BENCH_ENV     := $(if $(filter all,$(BENCH_THREADS)),,OPENBLAS_NUM_THREADS=$(BENCH_THREADS) OMP_NUM_THREADS=$(BENCH_THREADS))

torch-bench-deps: ## install Debian's python3-torch and python3-numpy if the reference needs them (apt)
	@if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch python3-numpy; \
	fi

torch-bench: torch-gotch torch-bench-deps ## DaLUKE NER speed at base size, Go against the PyTorch reference
	$(BENCH_ENV) /usr/bin/python3 luke/testdata/reference.py bench $(DALUKE_BENCH) $${BENCH_SENTENCES:-40} $(BENCH_RUNS)
	$(BENCH_ENV) NERBENCH_DALUKE_BENCH=$(abspath $(DALUKE_BENCH)) $(GO) test -tags torch -modfile=$(TORCH_MOD) \
	  -run '^$$' -bench '^BenchmarkNER$$' -benchtime 1x -count $(BENCH_RUNS) ./luke/
