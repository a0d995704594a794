/* The kit's entry glue: start.S calls kit_init(bi), then the guest's
 * kmain(bi); if kmain returns, the guest powers off. */
#ifndef KIT_KIT_H
#define KIT_KIT_H

#include "kqvm_boot.h"

/* Provided by the guest. */
void kmain(const struct kqvm_boot_info *bi);

/* UART, GDT, IDT; checks the boot info magic (a mismatch is reported as
 * "KQVM-TEST: FAIL boot_info: ..." followed by a power-off). */
void kit_init(const struct kqvm_boot_info *bi);

/* The boot info pointer kit_init was given. */
extern const struct kqvm_boot_info *kit_boot_info;

/* The loaded image, from the linker script: [__image_start, __image_end). */
extern char __image_start[], __image_end[];

#endif
