/* The host's I/O ports, for `pass loc io:` (x86 only: src/arch/x86/hostport.c). */
#ifndef KQVM_PASS_HOSTPORT_H
#define KQVM_PASS_HOSTPORT_H

#include <stdbool.h>
#include <stdint.h>

/* Lets this process (every thread created afterwards) reach ports
 * [port, port + n); false with errno set when the host refuses. */
bool hostport_allow(uint16_t port, unsigned n);
uint32_t hostport_read(uint16_t port, unsigned size);
void hostport_write(uint16_t port, unsigned size, uint32_t value);

#endif
