/* The host side of a character vdev (ser8250, pl011, virtio-console): its
 * `hostdev` options opened once, before the first boot, and kept across guest
 * restarts. Output goes to every output endpoint; input comes from one. */
#ifndef KQVM_VM_HOSTDEV_H
#define KQVM_VM_HOSTDEV_H

#include "config/spec.h"
#include "util/log.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { HOSTDEV_MAX_OUT = 8 };

struct hostdev {
    int out_fd[HOSTDEV_MAX_OUT];
    unsigned nout;
    pid_t child[HOSTDEV_MAX_OUT]; /* >|COMMAND processes, reaped at close */
    unsigned nchild;
    int in_fd;         /* -1 when the guest gets no input */
    bool in_file;      /* a regular file: always readable, not pollable (epoll refuses it) */
    bool in_tty_stdin; /* input is kqvm's terminal, in raw mode; Ctrl-A x quits */
    bool escape;       /* the last input byte was Ctrl-A */
    const char *owner;
};

/* Open the endpoints of a vdev's hostdev options (a chain of struct optval).
 * Returns NULL after logging why. */
struct hostdev *hostdev_open(const char *owner, const struct optval *opts);
void hostdev_close(struct hostdev *h);
void hostdev_write(struct hostdev *h, const void *buf, size_t len);
/* Read input into buf; 0 at end of input; -1 with errno EAGAIN when none now.
 * Handles the terminal escape: sets *quit on Ctrl-A x. */
ssize_t hostdev_read(struct hostdev *h, void *buf, size_t len, bool *quit);

/* Put the terminal back as it was (atexit and fatal signals call this too). */
void hostdev_restore_terminal(void);

#endif
