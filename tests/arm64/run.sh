#!/bin/sh
# The arm64 tests on any host: cross-build kqvm and the arm64 test guests
# (scripts/arm64-build.sh), check that examples/arm64-*.qvmconf pass dryrun
# here, then run each tests/arm64/*.qvmconf with tests/guest/suite.sh: on an
# arm64 host with /dev/kvm directly, else inside qemu-system-aarch64
# (scripts/kvm-sandbox.sh --arch arm64: QEMU's virt board with EL2, Debian's
# cloud-arm64 kernel, KVM in VHE mode). Prints PASS/FAIL/SKIP lines;
# --summary adds the "N passed, N failed" line (make test-arm64).
cd "$(dirname "$0")/../.." || exit 1
summary=$1
out=$(mktemp)
trap 'rm -f "$out" "$out.lines"' EXIT

skip_all() {
    for conf in tests/arm64/*.qvmconf examples/arm64-*.qvmconf; do
        name=${conf##*/}
        echo "SKIP arm64 ${name%.qvmconf}: $1"
    done
}

run_all() {
    if ! scripts/arm64-build.sh >"$out" 2>&1; then
        if tail -n 1 "$out" | grep -q '^arm64 cross build unavailable'; then
            skip_all "$(tail -n 1 "$out")"
        else
            echo "FAIL arm64 build: scripts/arm64-build.sh failed"
            grep -E 'error|Error' "$out" | head -n 10 | sed 's/^/    /'
        fi
        return
    fi
    # the examples say `set arch arm64`: dryrun resolves them on any host
    for conf in examples/arm64-*.qvmconf; do
        [ -e "$conf" ] || continue
        if build/kqvm "@$conf" dryrun >"$out" 2>&1; then
            echo "PASS arm64 dryrun ${conf#examples/}"
        else
            echo "FAIL arm64 dryrun ${conf#examples/}:"
            tail -n 5 "$out" | sed 's/^/    /'
        fi
    done
    stage=build/arm64/stage
    rm -rf "$stage"
    mkdir -p "$stage/tests" "$stage/build"
    cp build/arm64/kqvm.static "$stage/kqvm"
    cp build/arm64/passmodel.static "$stage/passmodel" # the pass*.qvmconf run-with
    cp tests/guest/suite.sh "$stage/"
    cp -r tests/arm64 "$stage/tests/"
    cp -r build/arm64/guests-arm64 "$stage/build/"
    scripts/kvm-sandbox.sh --arch arm64 --timeout 900 "$stage" -- \
        env GUEST_CONFIGS=tests/arm64 SUITE=arm64 sh suite.sh >"$out" 2>&1
    rc=$?
    if [ "$rc" -eq 77 ]; then
        for conf in tests/arm64/*.qvmconf; do
            name=${conf##*/}
            echo "SKIP arm64 ${name%.qvmconf}: no arm64 KVM here and no sandbox ($(tail -n 1 "$out"))"
        done
        return
    fi
    grep -v '^# running' "$out"
    if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$out"; then
        echo "FAIL arm64 suite: the sandbox exited with status $rc (last: $(grep '^# running' "$out" | tail -n 1))"
    fi
}

run_all >"$out.lines"
cat "$out.lines"
if [ "$summary" = --summary ]; then
    p=$(grep -c '^PASS' "$out.lines") f=$(grep -c '^FAIL' "$out.lines") s=$(grep -c '^SKIP' "$out.lines")
    if [ "$s" -gt 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
    [ "$f" -eq 0 ]
fi
exit 0
