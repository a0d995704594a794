/* vCPU threads: one host thread per `cpu`, named vcpu0..N, with the cpu's
 * runmask as its affinity and its sched as its policy and priority. */
#ifndef KQVM_VM_VCPU_H
#define KQVM_VM_VCPU_H

#include <sched.h>
#include <stdbool.h>

struct vm;

bool vcpus_create(struct vm *vm); /* KVM vCPUs, before the boot state is set */
bool vcpus_start(struct vm *vm);  /* the threads */
/* The scheduling a vCPU thread without `sched` gets, when kqvm's main thread
 * no longer has it (a vdev's `sched` raised the event thread). */
void vcpus_set_inherited_sched(int policy, const struct sched_param *param);
/* Make every vCPU leave KVM_RUN now (immediate_exit plus a signal). */
void vcpus_kick(struct vm *vm);
/* Stop and join the vCPU threads (their counters stay readable). */
void vcpus_join(struct vm *vm);
/* Join the threads and release the vCPUs. */
void vcpus_destroy(struct vm *vm);

#endif
