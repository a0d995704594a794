/* arm64 has no I/O ports: the resolver refuses `pass loc io:` there, so
 * nothing reaches these. */
#include "pass/hostport.h"

#include <errno.h>

bool hostport_allow(uint16_t port, unsigned n)
{
    (void)port;
    (void)n;
    errno = ENODEV;
    return false;
}

uint32_t hostport_read(uint16_t port, unsigned size)
{
    (void)port;
    (void)size;
    return 0xffffffff;
}

void hostport_write(uint16_t port, unsigned size, uint32_t value)
{
    (void)port;
    (void)size;
    (void)value;
}
