#!/bin/sh
# The guest tests, run where /dev/kvm works (the host, or scripts/kvm-sandbox.sh's
# VM): each configuration here boots a guest under kqvm; its header says what
# must happen:
#   # expect-status: N       kqvm's exit status
#   # expect-output: TEXT    a line containing TEXT in kqvm's output (guest and log)
#   # reject-output: TEXT    no line contains TEXT
#   # expect-once: TEXT      exactly one line contains TEXT
#   # expect-boots: N        (reset tests) wait for N boot lines, then SIGTERM kqvm
# Prints PASS/FAIL lines. Run from the staging root: ./kqvm, tests/guest/, build/guests/.
KQVM=${KQVM:-./kqvm}
TIMEOUT=${GUEST_TIMEOUT:-60}
out=${TMPDIR:-/tmp}/guest-out.$$

header() { sed -n "s/^# $1: //p" "$2"; }

run_until_boots() { # $1 config, $2 boots wanted: kqvm runs in the background
    "$KQVM" "@$1" >"$out" 2>&1 &
    pid=$!
    i=0
    while [ "$i" -lt $((TIMEOUT * 5)) ]; do
        [ "$(grep -c 'test_reset: boot' "$out")" -ge "$2" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
        i=$((i + 1))
    done
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    boots=$(grep -c 'test_reset: boot' "$out")
    [ "$boots" -ge "$2" ] || why="$why; $boots boot(s), expected $2"
}

for conf in tests/guest/*.qvmconf; do
    name=${conf#tests/guest/}
    name=${name%.qvmconf}
    echo "# running $name (uptime $(cut -d' ' -f1 /proc/uptime) s)"
    why=""
    boots=$(header expect-boots "$conf")
    if [ -n "$boots" ]; then
        run_until_boots "$conf" "$boots"
    else
        timeout -s KILL "$TIMEOUT" "$KQVM" "@$conf" >"$out" 2>&1
        rc=$?
    fi
    want=$(header expect-status "$conf")
    [ "$rc" = "${want:-0}" ] || why="$why; exit status $rc, expected ${want:-0}"
    while IFS= read -r text; do
        grep -qF -- "$text" "$out" || why="$why; no line with '$text'"
    done <<EOT
$(header expect-output "$conf")
EOT
    while IFS= read -r text; do
        [ -z "$text" ] || ! grep -qF -- "$text" "$out" || why="$why; a line with '$text'"
    done <<EOT
$(header reject-output "$conf")
EOT
    while IFS= read -r text; do
        [ -z "$text" ] || [ "$(grep -cF -- "$text" "$out")" -eq 1 ] ||
            why="$why; '$text' not exactly once"
    done <<EOT
$(header expect-once "$conf")
EOT
    # a guest that reports a failed check fails its test
    grep -q '^KQVM-TEST: FAIL' "$out" && why="$why; the guest reported a failure"
    if [ -z "$why" ]; then
        echo "PASS guest $name"
    else
        echo "FAIL guest $name:${why#;}"
        tail -n 15 "$out" | sed 's/^/    /'
    fi
done
rm -f "$out"
