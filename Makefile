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
.PHONY: help venv collection-link demo test unit integration sanity lint changelog clean

help: ## Show this help
	@echo "Targets (tools are installed into $(VENV) automatically):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-16s %s\n", $$1, $$2}'

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
demo unit integration lint: export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_DIR)

demo: $(VENV_STAMP) collection-link ## Run playbooks/queue_report.yml against the local API emulator
	ANSIBLE_CALLBACK_RESULT_FORMAT=yaml ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		$(VENV)/bin/python tests/emulator/with_emulator.py --quiet -- \
		$(VENV)/bin/ansible-playbook playbooks/queue_report.yml

test: unit integration sanity lint changelog ## Run unit, integration, sanity, lint and changelog lint, in order

unit: $(VENV_STAMP) collection-link ## Run the unit tests (pytest tests/unit)
	$(PYTEST) tests/unit

integration: $(VENV_STAMP) collection-link ## Run the integration tests against the emulator (pytest tests/integration)
	$(PYTEST) tests/integration

sanity: $(VENV_STAMP) ## Run ansible-test sanity on a copy of the collection
	ANSIBLE_TEST="$(abspath $(VENV))/bin/ansible-test" PATH="$(abspath $(VENV))/bin:$$PATH" \
		bash tests/sanity/run.sh

# ansible-lint puts $ANSIBLE_HOME/collections (default ~/.ansible/collections)
# ahead of ANSIBLE_COLLECTIONS_PATH; point ANSIBLE_HOME into .build so a copy
# installed in the user's home can never shadow the working tree.
lint: $(VENV_STAMP) collection-link ## Run ansible-lint (production profile)
	ANSIBLE_HOME="$(CURDIR)/.build/ansible-home" PATH="$(abspath $(VENV))/bin:$$PATH" \
		$(VENV)/bin/ansible-lint $$([ -t 1 ] || echo --nocolor)

changelog: $(VENV_STAMP) ## Check the changelog fragments (antsibull-changelog lint)
	$(VENV)/bin/antsibull-changelog lint

clean: ## Remove the virtualenv, build tree and test outputs
	rm -rf $(VENV) .build .ansible tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
