/* Host I/O ports for `pass loc io:`: ioperm(2), then in/out from any thread
 * (the permission bitmap is shared with the threads created afterwards, and
 * kqvm creates its vCPU threads after opening pass-through resources). */
#include "pass/hostport.h"

#include <sys/io.h>

bool hostport_allow(uint16_t port, unsigned n)
{
    return ioperm(port, n, 1) == 0;
}

uint32_t hostport_read(uint16_t port, unsigned size)
{
    switch (size) {
    case 1: return inb(port);
    case 2: return inw(port);
    case 4: return inl(port);
    }
    return 0xffffffff;
}

void hostport_write(uint16_t port, unsigned size, uint32_t value)
{
    switch (size) {
    case 1: outb((uint8_t)value, port); break;
    case 2: outw((uint16_t)value, port); break;
    case 4: outl(value, port); break;
    }
}
