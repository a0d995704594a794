# bench/run.sh's report: the "result" lines of bench/suite.sh as medians and
# ratios (with bench/median.awk; -v where=: where KVM ran).
function least(key,    n, i, v, m) {
    n = split(runs[key], v, " ")
    m = v[1]
    for (i = 2; i <= n; i++)
        if (v[i] + 0 < m + 0) m = v[i]
    return m
}
function add(key, value) { runs[key] = runs[key] " " value; nruns[key]++ }
$1 != "result" { next }
$2 == "tsc_khz" { khz = $3 }
$2 == "pio_count" { pio_count = $3 }
$2 == "irq_args" { $1 = $2 = ""; irq_args = substr($0, 3) }
$2 == "pass_rounds" { pass_rounds = $3 }
$2 == "pass" {
    add("pp50 " $3, $4); add("pp99 " $3, $5); add("pmax " $3, $6); add("pexits " $3, $7)
    if (!pseen[$3]++) porder[++npass] = $3
}
$2 == "pio" { add("pio " $3, $4) }
$2 == "irq" {
    add("hz " $3, $4); add("lost " $3, $5)
    add("p50 " $3, $6); add("p99 " $3, $7); add("max " $3, $8)
    if (!seen[$3]++) order[++nirq] = $3
}
END {
    printf "PIO exits from CPL 3: %d writes to a claimed port (%s), %d runs each\n",
           pio_count, where, nruns["pio raw"]
    printf "  %-30s %24s %24s\n", "", "best run", "median run"
    for (i = 1; i <= 2; i++) {
        k = i == 1 ? "raw" : "kqvm"
        best[k] = pio_count / (least("pio " k) / (khz * 1000.0))
        mid[k] = pio_count / (median("pio " k) / (khz * 1000.0))
        printf "  %-30s %8.0f exits/s %6.2f us %8.0f exits/s %6.2f us\n",
               k == "raw" ? "raw KVM loop (baseline)" : "kqvm", best[k], 1e6 / best[k], mid[k], 1e6 / mid[k]
    }
    printf "  ratio kqvm/baseline (exits/s): best %.3f, median %.3f\n\n", best["kqvm"] / best["raw"],
           mid["kqvm"] / mid["raw"]
    printf "PIT interrupts through I/O APIC pin 0 (%s), median of %d runs\n", irq_args,
           nruns["hz raw-kernel-pit"]
    printf "  %-30s %12s %5s %12s %8s %8s\n", "", "delivered Hz", "lost", "late_us p50", "p99", "max"
    label["raw-kernel-pit"] = "raw KVM, in-kernel PIT+irqchip"
    label["kqvm-split"] = "kqvm, split irqchip"
    label["kqvm-kernel"] = "kqvm, kernel-irqchip on"
    for (i = 1; i <= nirq; i++) {
        k = order[i]
        printf "  %-30s %12.3f %5d %12d %8d %8d\n", label[k], median("hz " k), median("lost " k),
               median("p50 " k), median("p99 " k), median("max " k)
    }
    base = median("p50 raw-kernel-pit")
    for (i = 1; i <= nirq; i++) {
        k = order[i]
        if (k == "raw-kernel-pit")
            continue
        printf "  ratio %s/baseline: delivered rate %.3f, one-shot latency p50 %.2f\n", k,
               median("hz " k) / median("hz raw-kernel-pit"), base ? median("p50 " k) / base : 0
    }
    printf "\nPass-through interrupt round trip, %d per run (%s), median of %d runs\n",
           pass_rounds, where, nruns["pp50 raw-irqfd"]
    printf "  %-30s %12s %8s %8s %22s\n", "", "late_us p50", "p99", "max", "user exits/interrupt"
    label["raw-irqfd"] = "raw KVM, irqfd + resample"
    for (i = 1; i <= npass; i++) {
        k = porder[i]
        printf "  %-30s %12d %8d %8d %22.2f\n", label[k], median("pp50 " k), median("pp99 " k),
               median("pmax " k), median("pexits " k) / 100
    }
    base = median("pp50 raw-irqfd")
    for (i = 1; i <= npass; i++) {
        k = porder[i]
        if (k != "raw-irqfd")
            printf "  ratio %s/baseline: latency p50 %.2f\n", k, base ? median("pp50 " k) / base : 0
    }
}
