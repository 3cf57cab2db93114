#!/usr/bin/env bash
# Totals the results of a test run: reads RESULTS/PROJECT.trx for each PROJECT named and prints
# one line, "N passed, N failed" (", N skipped" when some were). A project that left no results
# file counts as one failure (its test host crashed, or it did not build), and so does a dotnet
# test that failed (DOTNET_STATUS non-zero) although no test did. Exits 1 when anything failed or
# nothing passed. Usage: totals.sh RESULTS DOTNET_STATUS PROJECT...
set -euo pipefail

if (($# < 3)); then
    echo "usage: totals.sh RESULTS DOTNET_STATUS PROJECT..." >&2
    exit 2
fi
results=$1
dotnet_status=$2
shift 2

passed=0
failed=0
skipped=0
# The value of one attribute of the run's <Counters .../> element, 0 when it is absent.
counter() {
    local value
    value=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters")
    echo "${value:-0}"
}
for project in "$@"; do
    trx=$results/$project.trx
    if [[ ! -f $trx ]]; then
        echo "$project left no results (it did not build, or its test host crashed)" >&2
        failed=$((failed + 1))
        continue
    fi
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
    passed=$((passed + $(counter passed)))
    failed=$((failed + $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted)))
    skipped=$((skipped + $(counter notExecuted)))
done
if ((dotnet_status != 0 && failed == 0)); then
    echo "dotnet test exited with $dotnet_status although no test failed" >&2
    failed=1
fi

if ((skipped > 0)); then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
((failed == 0 && passed > 0))
