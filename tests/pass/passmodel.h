/* The register block of tests/pass/passmodel.c, shared with its guest driver
 * (guests/test_pass.c). Offsets from the region's guest address; 32-bit
 * registers. Page 0 is a memory slot for the guest (no exits), the half
 * page after it is trapped by kqvm and forwarded to the same file. */
#ifndef KQVM_TESTS_PASSMODEL_H
#define KQVM_TESTS_PASSMODEL_H

#define PASSMODEL_BASE 0xd0000000u /* where the test configurations put it */
#define PASSMODEL_SIZE 0x1800u     /* one page and a half */
#define PASSMODEL_FILE_SIZE 0x2000u
#define PASSMODEL_ID 0x4b51504du   /* "MPQK" */
#define PASSMODEL_IRQ_FD 10        /* the eventfd kqvm inherits: =eventfd:10 */

#define PM_ID        0x000 /* model: PASSMODEL_ID */
#define PM_BOOTS     0x004 /* guest: its boot count (the file outlives guest restarts) */
#define PM_CMD_SEQ   0x008 /* guest: a new number starts a command */
#define PM_OP        0x00c /* guest: PM_OP_* */
#define PM_ARG       0x010 /* guest: the command's argument */
#define PM_RESULT    0x014 /* model: compute's result, ARG * 3 + 1 */
#define PM_DONE_SEQ  0x018 /* model: the last command done (before its interrupt) */
#define PM_FIRED     0x01c /* model: interrupts raised (eventfd writes) */
#define PM_SLOT      0x100 /* guest: PM_SLOT_WORDS words, checked by the model at the end */
#define PM_SLOT_WORDS 512
#define PM_SLOT_PATTERN(i) (0x9e3779b9u * ((i) + 1))
#define PM_TRAP_IN   0x1000 /* guest (trapped): a value */
#define PM_TRAP_OUT  0x1004 /* model: ~PM_TRAP_IN, once seen */

#define PM_OP_COMPUTE 1 /* RESULT = ARG * 3 + 1, then one interrupt */
#define PM_OP_STORM   2 /* interrupts without pause for ARG ms, then DONE and one more */
#define PM_OP_FIRE    3 /* one interrupt */

#endif
