# nerbench build, setup and test targets. `make help` lists them.

GO        ?= go
BIN       := bin
NERBENCH  := $(BIN)/nerbench
# ONNX Runtime shared library, taken from the onnxruntime-node npm package
# (its install scripts are never run). nerbench finds it beside its binary.
ORT_VERSION := 1.30.0
ORT_LIB     := $(BIN)/libonnxruntime.so.1
ORT_TGZ     := $(BIN)/.cache/onnxruntime-node-$(ORT_VERSION).tgz
# Full-corpus tests read the data here; they skip when it is empty (and fail
# under CI=true).
NERBENCH_DATA ?= $(abspath $(wildcard ../shared/data))
export NERBENCH_DATA
export ONNXRUNTIME_SHARED_LIBRARY_PATH ?= $(abspath $(ORT_LIB))
# Version stamped into bin/nerbench: `nerbench version` and the
# nerbench_version of every result file name the code that made them.
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)$(if $(findstring -dirty,$(VERSION)),-dirty)
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

include mk/torch.mk
include mk/bench-onnx.mk

.PHONY: help setup build run test vet fmt-check golden fuzz bench bench-compare baseline-model clean slurm-deps slurm-test experiments

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: $(ORT_LIB) ## fetch the ONNX Runtime library (once)

$(ORT_LIB):
	@mkdir -p $(BIN)/.cache
	cd $(BIN)/.cache && npm pack --silent --ignore-scripts onnxruntime-node@$(ORT_VERSION) >/dev/null
	tar -xzf $(ORT_TGZ) -C $(BIN)/.cache package/bin/napi-v6/linux/x64/libonnxruntime.so.1
	mv $(BIN)/.cache/package/bin/napi-v6/linux/x64/libonnxruntime.so.1 $@.tmp && mv $@.tmp $@
	rm -rf $(BIN)/.cache/package $(ORT_TGZ)

build: setup ## build bin/nerbench
	$(GO) build -ldflags "$(LDFLAGS)" -o $(NERBENCH) ./cmd/nerbench

run: build ## set up, build and run the main job: nerbench run --dataset dane
	$(NERBENCH) run --dataset dane

vet: ## go vet, with and without build tags
	$(GO) vet ./...
	$(GO) vet -tags ort ./...

fmt-check: ## fail if gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

test: setup fmt-check vet ## run every test: ONNX Runtime and libtorch (DaLUKE) ones included
	CGO_ENABLED=0 $(GO) build ./seqeval/... ./confidence/... ./benchmarks/...
	$(GO) build ./...
	$(GO) test -tags ort -count=1 ./...
	$(MAKE) torch-test

golden: setup ## rewrite the golden files (review the diff)
	$(GO) test -tags ort -count=1 $$($(GO) list -tags ort -f '{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
	  | awk '$$1 !~ /internal\/golden$$/ && / github.com\/nerbench\/nerbench\/internal\/golden( |$$)/ {print $$1}') -update

fuzz: ## fuzz every target for FUZZTIME each (default 1m)
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $${FUZZTIME:-1m} $$pkg || exit 1; \
	  done; \
	done

baseline-model: ## retrain the embedded baseline model from NERBENCH_DATA (deterministic)
	cd adapters/baseline && $(GO) generate

slurm-deps: ## install Debian's slurm-wlm and munge if missing (apt)
	@if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm munge; \
	fi

slurm-test: slurm-deps ## start a local Slurm cluster (root), run the experiment Slurm test, stop it
	tools/slurm/start-cluster.sh
	SLURM_CONF=$${NERBENCH_SLURM_DIR:-/tmp/nerbench-slurm}/slurm.conf $(GO) test -count=1 -run TestExperimentSlurm ./cmd/nerbench; \
	  rc=$$?; tools/slurm/stop-cluster.sh; exit $$rc

experiments: build ## run and collect the baseline experiment specs (experiments/baseline-*.toml)
	for s in experiments/baseline-*.toml; do \
	  $(NERBENCH) experiment run $$s --jobs 2 && $(NERBENCH) experiment collect $$s -o markdown || exit 1; \
	done

bench: ## run the Go benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-compare: ## scoring speed beside conlleval.pl and Python seqeval 1.2.2 (../shared/tools), same corpus, one run
	@/usr/bin/python3 -c 'import numpy, sklearn' 2>/dev/null || { echo "installing python3-numpy python3-sklearn (apt) for seqeval"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-numpy python3-sklearn; }
	@command -v perl >/dev/null || { echo "bench-compare: conlleval.pl needs perl (apt-get install perl)"; exit 1; }
	$(GO) build -o $(NERBENCH) ./cmd/nerbench
	$(GO) run ./tools/benchcompare -nerbench $(NERBENCH) $(BENCH_COMPARE_FLAGS)

clean: ## remove build outputs (keeps nothing from setup)
	rm -rf $(BIN)
