/* pass intr ...=eventfd:FD (a kqvm extension): an eventfd that kqvm inherited
 * as descriptor FD, written by a host-side device model; each write of n is
 * n interrupts (edge-triggered: writes while kqvm waits for the guest's EOI
 * are counted and merged into one). Masking it is not reading it. */
#include "pass/irq.h"

#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool eventfd_open(struct pass_irq *pi)
{
    int fd = pi->spec->irq_fd;
    snprintf(pi->source, sizeof(pi->source), "eventfd %d", fd);
    char link[64], target[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n < 0) {
        log_error("%s: descriptor %d is not open: start kqvm with the eventfd inherited as "
                  "descriptor %d", pi->label, fd, fd);
        return false;
    }
    target[n] = '\0';
    if (strcmp(target, "anon_inode:[eventfd]") != 0) {
        log_error("%s: descriptor %d is %s, not an eventfd", pi->label, fd, target);
        return false;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        log_error("%s: descriptor %d: %s", pi->label, fd, strerror(errno));
        return false;
    }
    pi->fd = fd;
    return true;
}

static uint64_t eventfd_take(struct pass_irq *pi)
{
    uint64_t count;
    if (read(pi->fd, &count, sizeof(count)) != (ssize_t)sizeof(count))
        return 0;
    return count;
}

static void eventfd_quiesce(struct pass_irq *pi)
{
    eventfd_take(pi); /* what the model wrote while nobody listened is gone */
}

static void eventfd_close(struct pass_irq *pi)
{
    close(pi->fd);
}

const struct pass_irq_ops pass_irq_eventfd = {
    .kind = "eventfd",
    .open = eventfd_open,
    .take = eventfd_take,
    .unmask = NULL,
    .quiesce = eventfd_quiesce,
    .close = eventfd_close,
};
