/* The action option of the watchdog vdevs: what happens when the guest stops
 * kicking. */
#ifndef KQVM_VDEV_WDT_ACTION_H
#define KQVM_VDEV_WDT_ACTION_H

#include "vdev/vdev.h"

enum wdt_action {
    WDT_ACTION_DUMP = 1u << 0,      /* write a guest dump first (needs the global dump) */
    WDT_ACTION_TERMINATE = 1u << 1, /* end the VM */
    WDT_ACTION_FIQ = 1u << 2,       /* sp805: an edge on its interrupt line */
};

/* "[dump,]terminate" or, with allow_fiq, "[dump,]terminate|fiq". */
bool wdt_parse_action(struct resolver *r, const struct token *t, struct optval *out,
                      bool allow_fiq);
/* Warn when dump is asked for without a global dump. */
void wdt_check_action(struct resolver *r, const struct optval *action);

#endif
