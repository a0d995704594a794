#include "vm/hostdev.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CTRL_A 0x01

static struct termios saved_termios;
static volatile sig_atomic_t terminal_raw;
static bool stdin_taken;

void hostdev_restore_terminal(void)
{
    if (terminal_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
        terminal_raw = 0;
    }
}

static void fatal_signal(int sig)
{
    hostdev_restore_terminal(); /* tcsetattr is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Raw mode for the guest console; every way out of kqvm restores it. */
static bool terminal_make_raw(void)
{
    if (tcgetattr(STDIN_FILENO, &saved_termios) < 0)
        return false;
    struct termios t = saved_termios;
    cfmakeraw(&t);
    t.c_oflag |= OPOST | ONLCR; /* kqvm's own messages still start at column 0 */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
        return false;
    terminal_raw = 1;
    atexit(hostdev_restore_terminal);
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    for (unsigned i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
        signal(fatal[i], fatal_signal);
    return true;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* /dev/ptmx: a new pseudo-terminal; the guest's side is the master, the
 * user attaches to the slave (for example with screen or picocom). */
static int open_pty(const char *owner)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0)
        return -1;
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    log_info("%s: console on %s", owner, ptsname(fd));
    return fd;
}

/* >|COMMAND: a shell reads the output on its standard input. */
static int spawn_command(struct hostdev *h, const char *command)
{
    if (h->nchild == HOSTDEV_MAX_OUT) {
        errno = EMFILE;
        return -1;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(p[0], STDIN_FILENO);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(p[0]);
    h->child[h->nchild++] = pid;
    return p[1];
}

static bool add_out(struct hostdev *h, int fd)
{
    if (h->nout == HOSTDEV_MAX_OUT) {
        log_error("%s: more than %d hostdev outputs", h->owner, HOSTDEV_MAX_OUT);
        return false;
    }
    h->out_fd[h->nout++] = fd;
    return true;
}

static bool set_in(struct hostdev *h, int fd, const char *what)
{
    if (h->in_fd >= 0) {
        log_error("%s: two hostdev inputs (%s is the second); give one", h->owner, what);
        return false;
    }
    struct stat st;
    h->in_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    h->in_fd = fd;
    return true;
}

/* explicit_input: another hostdev of the same vdev is its input. */
static bool open_one(struct hostdev *h, const struct optval *o, bool explicit_input)
{
    const char *path = o->hostdev.path;
    if (o->hostdev.to_stdout) {
        if (!add_out(h, STDOUT_FILENO))
            return false;
        /* "and stdin when it is a terminal", unless the vdev has its own input */
        if (!explicit_input && !stdin_taken && isatty(STDIN_FILENO)) {
            stdin_taken = true;
            if (terminal_make_raw() && set_in(h, STDIN_FILENO, "the terminal")) {
                h->in_tty_stdin = true;
                log_info("%s: console on this terminal; Ctrl-A x quits", h->owner);
            }
        }
        return true;
    }
    int fd;
    switch (o->hostdev.dir) {
    case HOSTDEV_OUT:
        fd = o->hostdev.command ? spawn_command(h, path)
                                : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            break;
        return add_out(h, fd);
    case HOSTDEV_IN:
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        return set_in(h, fd, path);
    case HOSTDEV_BOTH: {
        struct stat st;
        if (!strcmp(path, "/dev/ptmx"))
            fd = open_pty(h->owner);
        else if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
            fd = connect_unix(path);
        else if (stat(path, &st) == 0 && S_ISCHR(st.st_mode))
            fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        else {
            log_error("%s: hostdev %s: not a terminal, pty or Unix socket (use >FILE or <FILE "
                      "for files)", h->owner, path);
            return false;
        }
        if (fd < 0)
            break;
        /* non-blocking (set_in): a stalled peer loses output, never stops a vCPU */
        return set_in(h, fd, path) && add_out(h, fd);
    }
    }
    log_error("%s: hostdev %s: %s", h->owner, path, strerror(errno));
    return false;
}

struct hostdev *hostdev_open(const char *owner, const struct optval *opts)
{
    struct hostdev *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->owner = owner;
    h->in_fd = -1;
    bool explicit_input = false;
    for (const struct optval *o = opts; o && o->set; o = o->next)
        explicit_input |= !o->hostdev.to_stdout && o->hostdev.dir != HOSTDEV_OUT;
    for (const struct optval *o = opts; o && o->set; o = o->next) {
        if (!open_one(h, o, explicit_input)) {
            hostdev_close(h);
            return NULL;
        }
    }
    return h;
}

void hostdev_close(struct hostdev *h)
{
    if (!h)
        return;
    for (unsigned i = 0; i < h->nout; i++)
        if (h->out_fd[i] > STDERR_FILENO && h->out_fd[i] != h->in_fd)
            close(h->out_fd[i]);
    if (h->in_tty_stdin) {
        hostdev_restore_terminal();
        stdin_taken = false;
    } else if (h->in_fd > STDERR_FILENO) {
        close(h->in_fd);
    }
    for (unsigned i = 0; i < h->nchild; i++)
        waitpid(h->child[i], NULL, 0); /* its input closed above: it finishes */
    free(h);
}

void hostdev_write(struct hostdev *h, const void *buf, size_t len)
{
    for (unsigned i = 0; i < h->nout; i++) {
        const char *p = buf;
        size_t left = len;
        while (left) {
            ssize_t n = write(h->out_fd[i], p, left);
            if (n > 0) {
                p += n;
                left -= (size_t)n;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                /* A stalled or closed peer loses output rather than stopping the vCPU. */
                break;
            }
        }
    }
}

ssize_t hostdev_read(struct hostdev *h, void *buf, size_t len, bool *quit)
{
    *quit = false;
    if (h->in_fd < 0)
        return 0;
    ssize_t n = read(h->in_fd, buf, len);
    if (n <= 0 || !h->in_tty_stdin)
        return n;
    /* Terminal escape: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A. */
    unsigned char *b = buf;
    ssize_t out = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (h->escape) {
            h->escape = false;
            if (b[i] == 'x' || b[i] == 'X') {
                *quit = true;
                return out;
            }
            if (b[i] != CTRL_A)
                continue;
        } else if (b[i] == CTRL_A) {
            h->escape = true;
            continue;
        }
        b[out++] = b[i];
    }
    if (out == 0) {
        errno = EAGAIN;
        return -1;
    }
    return out;
}
