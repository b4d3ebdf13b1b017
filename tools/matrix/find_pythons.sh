#!/usr/bin/env bash
# Print the interpreter of each Python version given (e.g. 3.11 3.12), for tox's --discover
# (make test-matrix): tox finds python3.12 on PATH only if it runs, and a pyenv shim is on PATH
# for every installed version but runs only the enabled ones. So each candidate must prove its
# version: the one on PATH, else the newest pyenv build. A version not found is left out (tox
# then fails that environment with "could not find python interpreter").
set -euo pipefail
for version in "$@"; do
    candidates=("python$version")
    mapfile -t -O 1 candidates < <(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version" | sort -rV)
    for candidate in "${candidates[@]}"; do
        if [[ $("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) == "$version" ]]; then
            command -v "$candidate"
            break
        fi
    done
done
