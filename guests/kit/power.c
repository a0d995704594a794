#include "power.h"

#include "io.h"

void power_off(void)
{
    cli();
    outw(KQVM_PM1A_CNT, KQVM_PM1A_S5);
    halt_forever();
}

void power_reset(void)
{
    cli();
    outb(KQVM_KBD_CMD, KQVM_KBD_RESET);
    halt_forever();
}
