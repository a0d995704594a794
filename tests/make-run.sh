#!/bin/sh
# `make run` on this checkout: the demo VM boots, shows its banner, and kqvm
# exits 0. Prints a PASS/FAIL/SKIP line.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
make --no-print-directory run >"$log" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "SKIP make run: no KVM here and no sandbox ($(tail -n 1 "$log"))"
elif [ "$rc" -eq 0 ] && grep -q "kqvm demo guest" "$log" && grep -q "demo: 2 vCPUs" "$log"; then
    echo "PASS make run: the demo guest showed its banner and kqvm exited 0"
else
    echo "FAIL make run: exit status $rc"
    tail -n 15 "$log" | sed 's/^/    /'
fi
