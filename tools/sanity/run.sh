#!/usr/bin/env bash
# Run `ansible-test sanity` on a real copy of the collection.
#
# ansible-test refuses a symlinked collection and must see the collection at
# .../ansible_collections/<namespace>/<name>, so the working tree's files
# (git-tracked plus untracked-but-not-ignored) are copied to
# .build/sanity/ansible_collections/mimecast/gateway and tested there.
#
# Usage: tools/sanity/run.sh [extra ansible-test sanity arguments]
#   ANSIBLE_TEST  ansible-test to run (default: .venv/bin/ansible-test, else PATH)
#   SANITY_PYTHON controller/target Python version (default: 3.11)
#   SANITY_DIR    where the copy goes (default: .build/sanity); the support
#                 matrix gives each ansible-core line its own, to run them at once
#   COPY_ONLY     if set, stop once the copy and the pip stand-in are ready: the
#                 other ansible-test commands (make units-ansible-test,
#                 make integration) run in the copy themselves
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$repo"

namespace=mimecast
name=gateway
python_version=${SANITY_PYTHON:-3.11}

if [[ -n ${ANSIBLE_TEST:-} ]]; then
    ansible_test=$ANSIBLE_TEST
elif [[ -x $repo/.venv/bin/ansible-test ]]; then
    ansible_test=$repo/.venv/bin/ansible-test
else
    ansible_test=$(command -v ansible-test) || {
        echo "sanity: ansible-test not found (run 'make venv' first)" >&2
        exit 2
    }
fi
# The Python that has ansible_test importable: the one beside the entry point.
ansible_test_python=$(dirname "$ansible_test")/python
[[ -x $ansible_test_python ]] || ansible_test_python=python3

log() { printf '==> sanity: %s\n' "$*"; }

# --- 1. pip bootstrap stand-in -------------------------------------------
# `ansible-test --venv` bootstraps pip in each new virtual environment with a
# get-pip script it downloads from a host we cannot reach, unless the script is
# already in its cache. Put our offline stand-in there.
pip_version=$("$ansible_test_python" -c '
import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="'"$python_version"'"))["pip"])
')
cache_file="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache_file")"
if ! cmp -s tools/sanity/get_pip_standin.py "$cache_file"; then
    # Copy then rename, so a run in parallel (make test-matrix) never reads half a file.
    cp tools/sanity/get_pip_standin.py "$cache_file.$$"
    mv "$cache_file.$$" "$cache_file"
    log "installed pip $pip_version bootstrap stand-in at $cache_file"
fi

# --- 2. fresh copy of the collection --------------------------------------
sanity_dir=${SANITY_DIR:-$repo/.build/sanity}
dest=$sanity_dir/ansible_collections/$namespace/$name
rm -rf "$sanity_dir"
mkdir -p "$dest"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
    [[ $(git -C "$repo" rev-parse --show-toplevel) == "$repo" ]]; then
    # Tracked + untracked-not-ignored files; skip tracked files deleted from
    # the work tree. .venv/.build/tests/output are ignored so never copied.
    git ls-files -z -co --exclude-standard |
        while IFS= read -r -d '' f; do
            if [[ -e $f || -L $f ]]; then printf '%s\0' "$f"; fi
        done |
        tar --null --files-from=- -cf - | tar -xf - -C "$dest"
    log "copied $(find "$dest" -type f | wc -l) files (git tracked + untracked, not ignored) to $dest"
else
    tar --exclude=./.git --exclude=./.venv --exclude=./.build \
        --exclude=./tests/output --exclude=./.ansible --exclude=./.pytest_cache \
        --exclude=./.hypothesis --exclude='__pycache__' --exclude='*.pyc' \
        -cf - . | tar -xf - -C "$dest"
    log "not a git checkout: copied the tree (minus .git/.venv/.build) to $dest"
fi

# ansible-test lists a collection's files with git when it finds a .git
# directory at or *above* the collection root. The copy lives inside this
# repository's ignored .build/, so without a repository of its own it would be
# seen as empty. Give it one (untracked files are listed too, so no commit).
git -C "$dest" init -q
git -C "$dest" add -A
if [[ -n ${COPY_ONLY:-} ]]; then
    exit 0
fi

# --- 3. run -------------------------------------------------------------
cd "$dest"
log "$("$ansible_test" --version)"
log "ansible-test sanity --venv --python $python_version $*"
set +e
"$ansible_test" sanity --venv --python "$python_version" --color no "$@"
rc=$?
set -e
if [[ $rc -eq 0 ]]; then
    log "PASSED"
else
    log "FAILED (exit $rc); results: $dest/tests/output/"
fi
exit "$rc"
