# bench/linux.sh's report: the "result" lines of bench/linux-suite.sh as
# medians and the ratio kqvm/QEMU (with bench/median.awk; -v where=: where KVM
# ran).
function add(key, value) { runs[key] = runs[key] " " value; nruns[key]++ }
$1 != "result" { next }
$2 == "linux_kernel" { kernel = $3 }
$2 == "linux_qemu" { qemu = $3 }
$2 == "linux" { add("marker " $3, $4); add("exit " $3, $5) }
END {
    printf "Linux boot: %s, busybox initramfs, 2 vCPUs, 256 MiB (%s), median of %d runs\n",
           kernel, where, nruns["marker kqvm"]
    printf "  %-30s %14s %14s\n", "", "to marker", "to exit"
    label["qemu"] = "QEMU " qemu " microvm (baseline)"
    label["kqvm"] = "kqvm"
    label["kqvm-i8042"] = "kqvm with an i8042"
    split("qemu kqvm kqvm-i8042", order, " ")
    for (i = 1; i <= 3; i++) {
        k = order[i]
        printf "  %-30s %11.0f ms %11.0f ms\n", label[k], median("marker " k), median("exit " k)
    }
    for (i = 2; i <= 3 && nruns["marker qemu"]; i++) {
        k = order[i]
        printf "  ratio %s/baseline (time): to marker %.2f, to exit %.2f\n", k,
               median("marker " k) / median("marker qemu"), median("exit " k) / median("exit qemu")
    }
}
