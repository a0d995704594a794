#include "serial.h"

#include "io.h"

static volatile int console_lock;

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, UART_LCR_DLAB);
    outb(COM1 + UART_DLL, 0x01);
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
    /* FCR is left alone: changing FCR bit 0 (or setting bit 1) empties the
     * receive FIFO, losing host input that arrived before the guest ran. */
}

void serial_putc(char c)
{
    /* bounded: an absent UART reads 0xff (THRE set), a stuck one must not hang us */
    for (unsigned n = 0; n < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); n++)
        pause();
    outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

int serial_rx_ready(void)
{
    return inb(COM1 + UART_LSR) & UART_LSR_DR;
}

int serial_getc_nowait(void)
{
    if (!serial_rx_ready())
        return -1;
    return inb(COM1 + UART_RBR);
}

static void lock(void)
{
    while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&console_lock, __ATOMIC_RELAXED))
            pause();
}

static int lock_bounded(void)
{
    for (unsigned n = 0; n < 100000; n++) {
        if (!__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
            return 1;
        pause();
    }
    return 0;
}

static void unlock(void)
{
    __atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

/* ---- formatting ---------------------------------------------------------- */

struct sink {
    void (*put)(struct sink *, char);
    char *buf;
    size_t size, len;
};

static void put_serial(struct sink *s, char c)
{
    serial_putc(c);
    s->len++;
}

static void put_buf(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n, int width, int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left && pad == '0' && n && (str[0] == '-')) { /* sign before the zeros */
        s->put(s, '-');
        str++;
        n--;
    }
    if (!left)
        while (fill-- > 0)
            s->put(s, pad);
    while (n--)
        s->put(s, *str++);
    if (left)
        while (fill-- > 0)
            s->put(s, ' ');
}

static size_t utoa(char *out, uint64_t v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            s->put(s, *fmt);
            continue;
        }
        fmt++;
        int left = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int prec = -1; /* %.Ns and %.*s */
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        char num[24];
        size_t n;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
            n = 0;
            if (v < 0)
                num[n++] = '-';
            n += utoa(num + n, u, 10, 0);
            emit_padded(s, num, n, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            n = utoa(num, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            emit_padded(s, num, n, width, left, pad);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            num[0] = '0';
            num[1] = 'x';
            n = 2 + utoa(num + 2, v, 16, 0);
            emit_padded(s, num, n, width, left, ' ');
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            size_t len = 0;
            while (str[len] && (prec < 0 || len < (size_t)prec))
                len++;
            emit_padded(s, str, len, width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            emit_padded(s, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            s->put(s, '%');
            break;
        case '\0':
            return;
        default: /* unknown: print it verbatim */
            s->put(s, '%');
            s->put(s, *fmt);
            break;
        }
    }
}

void kvprintf(const char *fmt, va_list ap)
{
    struct sink s = { .put = put_serial };
    lock();
    format(&s, fmt, ap);
    unlock();
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void kprintf_panic(const char *fmt, ...)
{
    struct sink s = { .put = put_serial };
    va_list ap;
    int locked = lock_bounded();
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
    if (locked)
        unlock();
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { .put = put_buf, .buf = buf, .size = size };
    format(&s, fmt, ap);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
