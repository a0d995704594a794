#include "vdev/uart_options.h"

const struct option_desc uart_options[UART_OPT_COUNT] = {
    [UART_OPT_HOSTDEV] = VDEV_HOSTDEV_OPTION,
    [UART_OPT_BATCH] = { .name = "batch", .type = VT_COUNT, .max = 1000000, .arg = "MICROSECONDS",
                         .help = "gather output until the guest is quiet this long" },
    [UART_OPT_DELAYED] = VDEV_DELAYED_OPTION,
    [UART_OPT_SCHED] = VDEV_SCHED_OPTION,
};
