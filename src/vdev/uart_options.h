/* The host-side options the UART vdevs share (ser8250, pl011): QNX gives them
 * the same hostdev, batch, delayed and sched options. */
#ifndef KQVM_VDEV_UART_OPTIONS_H
#define KQVM_VDEV_UART_OPTIONS_H

#include "vdev/vdev.h"

enum uart_opt { UART_OPT_HOSTDEV, UART_OPT_BATCH, UART_OPT_DELAYED, UART_OPT_SCHED, UART_OPT_COUNT };

extern const struct option_desc uart_options[UART_OPT_COUNT];

#endif
