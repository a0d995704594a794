# bench/arm64/run.sh's report: the "result" lines of bench/arm64/suite.sh as
# medians, and ratios against KVM's vGIC (with bench/median.awk;
# -v where=: where KVM ran). A result line: KIND NAME P50 P99 MAX, then the
# exits per interrupt x100: to kqvm, all that KVM counted, to kqvm's GIC.
function section(kind, title,    k, i, base) {
    printf "%s, median of %d runs\n", title, nruns[kind] / 2
    printf "  %-34s %11s %6s %6s %29s\n", "", "", "", "", "exits per interrupt"
    printf "  %-34s %11s %6s %6s %9s %9s %9s\n", "", "late_us p50", "p99", "max", "to kqvm",
           "all (KVM)", "kqvm GIC"
    for (i = 1; i <= 2; i++) {
        k = i == 1 ? "vgic" : "user-gic"
        printf "  %-34s %11d %6d %6d %9.2f %9.2f %9.2f\n",
               k == "vgic" ? "KVM vGIC, hwassist on (baseline)" : "kqvm GICv2, hwassist off",
               median(kind " " k " 4"), median(kind " " k " 5"), median(kind " " k " 6"),
               median(kind " " k " 7") / 100, median(kind " " k " 8") / 100,
               median(kind " " k " 9") / 100
    }
    base = median(kind " vgic 4")
    printf "  ratio hwassist-off/baseline: latency p50 %.2f\n\n",
           base ? median(kind " user-gic 4") / base : 0
}
$1 != "result" { next }
$2 == "a64timer_args" { shots = $3; delay = $4 }
$2 == "a64pass_rounds" { rounds = $3 }
$2 == "a64kernel" { kernel = $3 }
$2 == "a64timer" || $2 == "a64pass" {
    for (f = 4; f <= 9; f++)
        runs[$2 " " $3 " " f] = runs[$2 " " $3 " " f] " " $f
    nruns[$2]++
}
END {
    printf "arm64 (%s; L1 kernel %s)\n", where, kernel
    section("a64timer", sprintf("Virtual timer one-shots, %d per run, %d us ahead", shots, delay))
    section("a64pass", sprintf("Pass-through interrupt round trip, %d per run", rounds))
}
