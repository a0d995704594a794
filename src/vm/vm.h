/* Running a VM: assembly from the resolved spec, the vCPU threads, the event
 * loop, and the lifecycle (power-off, reset, crash, signals) down to kqvm's
 * exit status. */
#ifndef KQVM_VM_VM_H
#define KQVM_VM_VM_H

#include "config/spec.h"

/* kqvm's exit statuses (docs/guest-abi.md). */
enum kqvm_status {
    KQVM_EXIT_POWEROFF = 0,
    KQVM_EXIT_HOST_ERROR = 1,
    KQVM_EXIT_CONFIG = 2,
    KQVM_EXIT_RESET = 3,
    KQVM_EXIT_CRASH = 4,
    KQVM_EXIT_UNSUPPORTED = 5,
    KQVM_EXIT_SIGNAL_BASE = 128,
};

/* Run the VM described by spec until it ends; returns kqvm's exit status. */
int vm_main(const struct vm_spec *spec);

#endif
