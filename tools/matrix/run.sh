#!/usr/bin/env bash
# Support matrix (`make test-matrix`): each ansible-core line below gets its own
# virtualenv under .build/matrix/<line>/ (reused while its requirements are
# unchanged) and runs the suites listed, from the same working tree:
#   sanity       tools/sanity/run.sh with that line's ansible-test
#   unit         pytest tests/unit
#   integration  pytest tests/e2e (the modules against the emulator)
#
# Usage: tools/matrix/run.sh [LINE ...]     (default: every line in the table)
#   MATRIX_JOBS  lines run at once (default 2; each line's suites run in order)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$repo"

# ansible-core  Python  suites
# 2.19 on 3.11 is the line of .venv: `make test` runs it (with lint and docs), so
# it is listed for completeness and skipped here. The newest line needs 3.12.
# meta/runtime.yml's requires_ansible starts at the first line (a test checks).
TABLE='
  2.16  3.11  sanity unit integration
  2.17  3.11  sanity unit
  2.18  3.11  sanity unit
  2.19  3.11  make-test
  2.21  3.12  sanity unit integration
'

jobs=${MATRIX_JOBS:-2}
base=$repo/.build/matrix
mkdir -p "$base"

log() { printf '==> test-matrix: %s\n' "$*"; }

# The interpreter for a Python version: on PATH, else the newest pyenv build. A
# pyenv shim is on PATH for every installed version but only runs the enabled
# ones, so each candidate must prove its version.
find_python() {
    local version=$1 candidate
    local candidates=("python$version")
    mapfile -t -O 1 candidates < <(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version" | sort -rV)
    for candidate in "${candidates[@]}"; do
        if [[ $("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) == "$version" ]]; then
            command -v "$candidate"
            return
        fi
    done
    echo "test-matrix: no Python $version found (PATH or pyenv)" >&2
    return 1
}

# Create or reuse the line's virtualenv; its stamp records what it was built from.
make_venv() {
    local line=$1 python=$2 venv=$base/$1/venv stamp
    stamp="ansible-core==$line.* $("$python" --version 2>&1) $(cat tools/matrix/requirements.txt requirements.txt | sha256sum | cut -c1-16)"
    if [[ -f $venv/.stamp && $(cat "$venv/.stamp") == "$stamp" ]]; then
        return
    fi
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "ansible-core==$line.*" -r tools/matrix/requirements.txt
    echo "$stamp" >"$venv/.stamp"
}

run_suite() {
    local line=$1 python_version=$2 suite=$3 venv=$base/$1/venv
    case $suite in
        sanity)
            # ansible-test keeps its sanity venvs in ~/.ansible/test, named by requirements, which two
            # lines can share: a HOME per line keeps parallel lines apart (and those venvs cached).
            mkdir -p "$base/$line/home"
            local pip_cache=${PIP_CACHE_DIR:-$HOME/.cache/pip}
            HOME=$base/$line/home PIP_CACHE_DIR=$pip_cache \
                ANSIBLE_TEST=$venv/bin/ansible-test SANITY_PYTHON=$python_version SANITY_DIR=$base/$line/sanity \
                PATH="$venv/bin:$PATH" bash tools/sanity/run.sh ;;
        unit)
            "$venv/bin/python" -m pytest -p no:cacheprovider tests/unit ;;
        integration)
            # TEST_MATRIX_LINE: suites needing what only `make test` installs (ansible-rulebook) skip here.
            TEST_MATRIX_LINE=$line "$venv/bin/python" -m pytest -p no:cacheprovider tests/e2e ;;
        *)
            echo "unknown suite $suite" >&2
            return 2 ;;
    esac
}

# One line: venv, then its suites in order. Writes <line>/result: "suite status seconds" per suite.
run_line() {
    local line=$1 python_version=$2 python suite start status
    shift 2
    local dir=$base/$line
    : >"$dir/result"
    start=$SECONDS
    if ! python=$(find_python "$python_version" 2>>"$dir/log") || ! make_venv "$line" "$python" >>"$dir/log" 2>&1; then
        echo "venv failed $((SECONDS - start))" >>"$dir/result"
        return 1
    fi
    echo "venv ok $((SECONDS - start))" >>"$dir/result"
    for suite in "$@"; do
        start=$SECONDS
        echo "===== ansible-core $line / Python $python_version: $suite =====" >>"$dir/log"
        if run_suite "$line" "$python_version" "$suite" >>"$dir/log" 2>&1; then status=passed; else status=failed; fi
        echo "$suite $status $((SECONDS - start))" >>"$dir/result"
    done
}

wanted=("$@")
long=()
short=()
declare -A pythons suites
while read -r line python_version line_suites; do
    [[ -n $line ]] || continue
    if ((${#wanted[@]})) && [[ " ${wanted[*]} " != *" $line "* ]]; then
        continue
    fi
    if [[ $line_suites == make-test ]]; then
        log "ansible-core $line / Python $python_version: run by 'make test'"
        continue
    fi
    # Lines with integration tests take longest: start them first, so the others fill in beside them.
    if [[ " $line_suites " == *" integration "* ]]; then long+=("$line"); else short+=("$line"); fi
    pythons[$line]=$python_version
    suites[$line]=$line_suites
done <<<"$TABLE"
lines=("${long[@]}" "${short[@]}")
((${#lines[@]})) || { echo "test-matrix: no line matches: ${wanted[*]}" >&2; exit 2; }

started=$SECONDS
pids=()
for line in "${lines[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do
        wait -n || true
    done
    mkdir -p "$base/$line"
    rm -f "$base/$line/log"
    log "ansible-core $line / Python ${pythons[$line]}: ${suites[$line]} (log: .build/matrix/$line/log)"
    # shellcheck disable=SC2086 # the suites are words
    run_line "$line" "${pythons[$line]}" ${suites[$line]} &
    pids+=($!)
done
for pid in "${pids[@]}"; do
    wait "$pid" || true
done

passed=0
failed=0
for line in "${lines[@]}"; do
    while read -r suite status seconds; do
        log "ansible-core $line / Python ${pythons[$line]}: $suite $status (${seconds}s)"
        if [[ $suite == venv ]]; then
            [[ $status == ok ]] && continue
        fi
        if [[ $status == passed ]]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "----- end of .build/matrix/$line/log -----"
            tail -n 60 "$base/$line/log" 2>/dev/null || true
        fi
    done <"$base/$line/result"
done
log "finished in $((SECONDS - started))s"
echo "test-matrix: $passed passed, $failed failed"
((failed == 0))
