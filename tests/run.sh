#!/bin/sh
# Runs every test and ends with "N passed, N failed[, N skipped]".
# Arguments: the unit-test binaries. Exit status 1 when anything failed.
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Adds up a suite's PASS/FAIL/SKIP lines (file $1) and shows all but PASS.
tally() {
    grep -v '^PASS' "$1"
    pass=$((pass + $(grep -c '^PASS' "$1")))
    fail=$((fail + $(grep -c '^FAIL' "$1")))
    skip=$((skip + $(grep -c '^SKIP' "$1")))
}

for bin in "$@"; do
    name=$(basename "$bin")
    # cmocka's TAP output: "ok N - test", "not ok N - test", "ok N # SKIP ...".
    CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$tmp/raw" 2>&1
    rc=$?
    while IFS= read -r line; do
        case "$line" in
        "not ok"*) echo "FAIL $name: ${line#not ok }" ;;
        ok*"# SKIP"*) echo "SKIP $name: ${line#ok }" ;;
        ok*) echo "PASS $name" ;;
        "# ok"* | "# not ok"*) ;;
        "#"*) echo "    $line" ;;
        esac
    done <"$tmp/raw" >"$tmp/lines"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$tmp/lines"; then
        echo "FAIL $name: exited with status $rc" >>"$tmp/lines"
        sed 's/^/    /' "$tmp/raw" >>"$tmp/lines"
    fi
    tally "$tmp/lines"
done

# Suites that print PASS/FAIL/SKIP lines themselves.
for suite in tests/cli.sh tests/configs/run.sh tests/guest/run.sh tests/linux/run.sh tests/make-run.sh \
    tests/arm64/run.sh; do
    "$suite" >"$tmp/lines" 2>&1 || grep -q '^FAIL' "$tmp/lines" ||
        echo "FAIL $suite: exited with an error" >>"$tmp/lines"
    tally "$tmp/lines"
done

if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
