# DaLUKE on libtorch (issue 7): included by the Makefile.
#
# gotch links libtorch at build time, so everything that imports it carries
# the `torch` build tag and builds against a patched copy of gotch in
# bin/gotch, selected through bin/torch.mod (go.mod plus a replace directive).
# go.mod itself never points there, so plain `go build ./...` keeps working
# without libtorch. See tools/gotch/build.sh.

TORCH_MOD  := $(BIN)/torch.mod
TORCH_PKGS := ./luke/... ./adapters/daluke/... ./adapters/dacy/...
TORCH_HDR  := /usr/include/torch/csrc/api/include/torch/torch.h
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: torch torch-deps torch-gotch torch-vet torch-test torch-bench torch-bench-deps daluke-train-bench daluke-train-demo dacy-bench

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

# cmd/nerbench's torch tests are picked by name: not the Slurm and baseline
# experiment tests, which the plain `make test` runs already.
torch-test: torch-vet ## run the torch-tagged tests (luke, adapters/daluke, adapters/dacy, nerbench daluke and experiment)
	$(GO) test -tags torch -modfile=$(TORCH_MOD) -count=1 $(TORCH_PKGS)
	$(GO) test -tags torch -modfile=$(TORCH_MOD) -count=1 -run 'Daluke|Pretrain|ShippedSpecsPlan|ExperimentCommandErrors' ./cmd/nerbench

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

# DaLUKE fine-tuning (issue 11): training speed against the PyTorch
# reference on the same batches, one thread and then all threads.
TRAIN_BENCH_DIR   := $(BIN)/daluke-train-bench
TRAIN_BENCH_STEPS ?= 10

daluke-train-bench: torch-gotch ## DaLUKE fine-tuning updates/s, Go against the PyTorch reference (1 thread, then all)
	@mkdir -p $(TRAIN_BENCH_DIR)
	@for th in 1 0; do \
	  if [ $$th = 1 ]; then env="OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1"; else env=; fi; \
	  echo "== threads: $${env:-all}"; \
	  env $$env /usr/bin/python3 luke/finetune/testdata/reference_train.py bench $(TRAIN_BENCH_DIR) $(TRAIN_BENCH_STEPS) $$th || exit 1; \
	  env $$env NERBENCH_TRAIN_BENCH=$(abspath $(TRAIN_BENCH_DIR)) $(GO) test -tags torch -modfile=$(TORCH_MOD) \
	    -run '^$$' -bench '^BenchmarkTrainStep$$' -benchtime 1x -count 1 ./luke/finetune/ | grep Benchmark || exit 1; \
	done

# From a random initialisation with a WordPiece vocabulary trained on DaNE
# train (sugarme/tokenizer's trainer, see tools/wordpiece), on all of DaNE
# train, within a CPU budget: DEMO_EPOCHS epochs of a DEMO_SIZE model on
# DEMO_THREADS threads (one: 16 min of CPU time, README "Fine-tuning
# DaLUKE"). The best-dev model is then scored on DaNE dev and test next to
# the baseline, MISC on and off.
DEMO_DIR     ?= $(BIN)/daluke-train-demo
DEMO_THREADS ?= 1
DEMO_EPOCHS  ?= 4
DEMO_SIZE    ?= --layers 1 --hidden 64 --heads 4 --entity-size 32
DEMO_FLAGS   ?= --lr 3e-3 --max-entity-span 8
DEMO_VOCAB   ?= 8000
DEMO_ENV     := OMP_NUM_THREADS=$(DEMO_THREADS) OPENBLAS_NUM_THREADS=$(DEMO_THREADS)
DEMO_TIME    := $(if $(wildcard /usr/bin/time),/usr/bin/time -f 'CPU time %U s user + %S s system; wall %e s')

daluke-train-demo: torch ## train a small DaLUKE from scratch on DaNE (bounded CPU budget) and score dev and test
	@mkdir -p $(DEMO_DIR)/model
	$(GO) run ./tools/wordpiece -data-dir $(NERBENCH_DATA) -size $(DEMO_VOCAB) -out $(DEMO_DIR)/model/vocab.txt
	rm -rf $(DEMO_DIR)/run $(DEMO_DIR)/results
	$(DEMO_ENV) $(DEMO_TIME) $(NERBENCH) train daluke --random $(DEMO_SIZE) --vocab $(DEMO_DIR)/model --dataset dane \
	  --epochs $(DEMO_EPOCHS) $(DEMO_FLAGS) --out $(DEMO_DIR)/run
	mkdir -p $(DEMO_DIR)/models/daluke && cp $(DEMO_DIR)/run/best.tar.gz $(DEMO_DIR)/models/daluke/daluke-ner.tar.gz && \
	  cp $(DEMO_DIR)/model/vocab.txt $(DEMO_DIR)/models/daluke/
	for split in dev test; do $(DEMO_ENV) $(NERBENCH) run --dataset dane --split $$split --model baseline --model daluke \
	  --models-dir $(DEMO_DIR)/models --results-dir $(DEMO_DIR)/results || exit 1; done
	@echo "learning curve: $(DEMO_DIR)/run/learning-curve.png (.svg); log: $(DEMO_DIR)/run/train-log.jsonl; results: $(DEMO_DIR)/results"

# DaCy at real size (issue 12): random-weight packages written at bench
# time (XLM-R large 2.2 GB, BERT base 0.4 GB plus its ONNX export; never
# committed), timed on the first DACY_BENCH_SENTENCES sentences of DaNE
# test on one thread: large on libtorch, medium on libtorch and on ONNX
# Runtime. Needs about 5 GB of memory and 3 GB of disk; deleted afterwards.
DACY_BENCH_DIR       ?= $(BIN)/dacy-bench
DACY_BENCH_SENTENCES ?= 200
DACY_BENCH_RUN       := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(NERBENCH) bench --models-dir $(DACY_BENCH_DIR) \
  --sentences $(DACY_BENCH_SENTENCES) --batch-size 1 --warmup 2 --repeat 1 --threads 1 -o markdown

dacy-bench: torch ## DaCy large and medium at real size (random weights): sentences per CPU-second on DaNE test, one thread
	for size in large medium; do /usr/bin/python3 adapters/dacy/testdata/generate.py bench $(DACY_BENCH_DIR) \
	  $(NERBENCH_DATA)/dane/ddt.train.conllu $$size || exit 1; done
	NERBENCH_DACY_ENGINE=torch $(DACY_BENCH_RUN) --model dacy-large
	NERBENCH_DACY_ENGINE=torch $(DACY_BENCH_RUN) --model dacy-medium
	NERBENCH_DACY_ENGINE=onnxruntime $(DACY_BENCH_RUN) --model dacy-medium
	rm -rf $(DACY_BENCH_DIR)
