#!/bin/sh
# The configuration corpus, through the real binary:
#   valid/NAME.qvmconf    dryrun exits 0; stdout equals NAME.out when that file exists
#   invalid/NAME.qvmconf  exits 2; stderr equals NAME.err (required)
# A "# args: WORDS" line in a configuration adds command-line words after @FILE.
# Prints PASS/FAIL lines. Run from the repository root.
KQVM=${KQVM:-build/kqvm}
dir=tests/configs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_case() { # $1 file, $2 expected exit status, $3 golden file, $4 stream to compare
    file=$1
    args=$(sed -n 's/^# args: //p' "$file")
    # shellcheck disable=SC2086
    "$KQVM" "@$file" $args dryrun >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$2" ]; then
        echo "FAIL $file: exit status $rc, expected $2"
        sed 's/^/    /' "$tmp/err" | head -5
        return
    fi
    if [ -n "$3" ] && [ -f "$3" ] && ! diff -u "$3" "$tmp/$4" >"$tmp/diff"; then
        echo "FAIL $file: $4 differs from $3"
        sed 's/^/    /' "$tmp/diff" | head -20
        return
    fi
    if [ "$2" -eq 2 ] && [ ! -f "$3" ]; then
        echo "FAIL $file: missing $3"
        return
    fi
    echo "PASS $file"
}

for f in "$dir"/valid/*.qvmconf; do
    [ -e "$f" ] || continue
    run_case "$f" 0 "${f%.qvmconf}.out" out
done
for f in "$dir"/invalid/*.qvmconf; do
    [ -e "$f" ] || continue
    run_case "$f" 2 "${f%.qvmconf}.err" err
done
# Every example must resolve.
for f in examples/*.qvmconf; do
    [ -e "$f" ] || continue
    case $f in examples/arm64-*) continue ;; esac # their guests: tests/arm64/run.sh
    # the Linux example's kernel and initramfs are fetched, not in the tree
    if grep -q 'build/linux/' "$f" && ! scripts/linux-guest.sh >/dev/null 2>&1; then
        echo "SKIP $f: scripts/linux-guest.sh could not fetch the Linux guest"
        continue
    fi
    run_case "$f" 0 "" out
done
