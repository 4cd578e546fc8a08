#!/bin/bash
# tests/fuzz/triage.sh - minimizes every failure of a sched_fuzz run.
# Usage: tests/fuzz/triage.sh LOG [EXTRA_ARGS...]   (LOG: the output of sched_fuzz)
# Reruns each failing case's replay command with --minimize (and EXTRA_ARGS,
# e.g. -O 0) and prints the smallest schedule that still fails the same way.
set -u
log=${1:?usage: tests/fuzz/triage.sh LOG [EXTRA_ARGS...]}
shift
grep -o 'replay: .*' "$log" | sed 's/^replay: //' | sort -u | while read -r cmd; do
    echo "== $cmd"
    # shellcheck disable=SC2086
    $cmd --minimize "$@" 2>&1 | grep -v '^legal draws\|^[0-9]* cases:' | sed 's/^/   /'
done
