/* The console: a 16550A at io:0x3f8, polled. */
#ifndef KIT_SERIAL_H
#define KIT_SERIAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define COM1 0x3f8
/* 16550 register offsets (DLAB = 0 unless noted) */
#define UART_RBR 0 /* read: receive buffer */
#define UART_THR 0 /* write: transmit holding */
#define UART_DLL 0 /* DLAB = 1: divisor latch, low */
#define UART_IER 1
#define UART_DLM 1 /* DLAB = 1: divisor latch, high */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80
#define UART_MCR_LOOP 0x10

/* 8N1, divisor 1 (115200), IER 0, MCR DTR|RTS; FCR untouched (see serial.c).
 * Called by kit_init. */
void serial_init(void);
/* Raw output (no locking, no '\n' translation: '\n' goes out as is). */
void serial_putc(char c);
void serial_puts(const char *s);
/* Nonzero when a received byte is waiting (LSR.DR). */
int serial_rx_ready(void);
/* A received byte, or -1 if none is waiting. */
int serial_getc_nowait(void);

/* printf subset: %d %i %u %x %X %p %s %c %%, with l/ll/z length modifiers,
 * a width, the '0' and '-' flags, and a precision for %s (%.*s). kprintf is
 * atomic per call with respect to the other vCPUs (a spinlock around the
 * whole call). Newlines go out as "\n" alone, without "\r". */
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size, const char *fmt, ...);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* For the exception path: take the console lock if possible within a bounded
 * time, then print regardless (a vCPU that died holding it must not hide the
 * report). */
__attribute__((format(printf, 1, 2))) void kprintf_panic(const char *fmt, ...);

#endif
