/* Power off and reset, the way docs/guest-abi.md describes. */
#ifndef KIT_POWER_H
#define KIT_POWER_H

#define KQVM_PM1A_CNT  0x604  /* ACPI PM1a control */
#define KQVM_PM1A_S5   0x2000 /* SLP_EN, SLP_TYP 0 (S5) */
#define KQVM_KBD_CMD   0x64   /* vdev pckeyboard */
#define KQVM_KBD_RESET 0xfe   /* pulse the reset line */

/* Write 0x2000 to io:0x604; kqvm exits with status 0. Never returns. */
__attribute__((noreturn)) void power_off(void);
/* Write 0xfe to io:0x64; kqvm ends (status 3) or restarts the VM. If the
 * write has no effect, the vCPU halts for good. */
__attribute__((noreturn)) void power_reset(void);

#endif
