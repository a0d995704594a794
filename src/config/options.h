/* Option tables: every option of the language is declared once, here or in its
 * vdev's file, with its argument type, default and one line of help. The parser,
 * the resolver, `set ?`, `--help` and dryrun all read these tables. */
#ifndef KQVM_CONFIG_OPTIONS_H
#define KQVM_CONFIG_OPTIONS_H

#include "config/diag.h"

#include <stdbool.h>
#include <stdint.h>

/* Architectures a configuration (or an option, or a vdev) applies to. */
enum arch {
    ARCH_X86_64 = 1u << 0,
    ARCH_ARM64 = 1u << 1,
    ARCH_ANY = ARCH_X86_64 | ARCH_ARM64,
};
const char *arch_name(enum arch a);
enum arch arch_host(void);

/* How an option's argument is read. */
enum val_type {
    VT_FLAG,      /* no argument: present means on */
    VT_STRING,    /* any text */
    VT_NAME,      /* a name: letters, digits, '_', '-', '.' */
    VT_PATH,      /* a host path; relative paths resolve against the file's directory */
    VT_COUNT,     /* decimal number within [min, max] */
    VT_ADDRESS,   /* hex by default, K/M/G */
    VT_SIZE,      /* decimal by default, K/M/G, not zero */
    VT_BOOL,      /* on/off, 1/0, yes/no, true/false */
    VT_TRISTATE,  /* on/off/auto */
    VT_ENUM,      /* one of choices */
    VT_LOC,       /* mem:ADDR, io:PORT, pci:B:D.F, pci:VID/DID/IDX, or a bare address */
    VT_INTR,      /* CONTROLLER[:LINE] or apic */
    VT_INTR_LIST, /* INTR{,INTR} */
    VT_HOSTDEV,   /* >-, >PATH, <PATH, or PATH */
    VT_LOG,       /* two words: FILTER{,FILTER} DEST */
    VT_CUSTOM,    /* read by the option's own parse function */
};

enum opt_flags {
    OPT_REPEAT = 1u << 0, /* each occurrence adds to a list (else the last one wins) */
    OPT_REQUIRED = 1u << 1,
};

enum loc_space { LOC_NONE, LOC_MEM, LOC_IO, LOC_PCI_BDF, LOC_PCI_ID };

struct guest_loc {
    enum loc_space space;
    uint64_t addr; /* LOC_MEM, LOC_IO */
    uint8_t bus, dev, fn;
    bool has_domain; /* LOC_PCI_BDF written as Linux names it, DOMAIN:BUS:DEV.FUNC */
    uint16_t domain;
    uint16_t vid, did;
    uint32_t index;
};

/* A reference to a controller line, as written: "ioa0:4", "ioa0" (number to be
 * assigned), or "apic". */
struct intr_ref {
    const char *controller;
    bool has_line;
    uint32_t line;
    struct srcloc at;
};

struct intr_list {
    struct intr_ref *v;
    unsigned n;
};

enum hostdev_dir { HOSTDEV_BOTH, HOSTDEV_OUT, HOSTDEV_IN };

struct hostdev_opt {
    enum hostdev_dir dir;
    bool to_stdout; /* ">-" */
    bool command;   /* ">|COMMAND" (QNX 8.0): path is a shell command fed the output */
    const char *path;
};

enum log_filter {
    LOGF_FATAL = 1u << 0,
    LOGF_INTERNAL = 1u << 1,
    LOGF_ERROR = 1u << 2,
    LOGF_WARN = 1u << 3,
    LOGF_INFO = 1u << 4,
    LOGF_DEBUG = 1u << 5,
    LOGF_VERBOSE = 1u << 6,
};

enum log_dest { LOGD_STDOUT, LOGD_STDERR, LOGD_SYSLOG, LOGD_NONE };

struct log_spec {
    unsigned filters; /* enum log_filter bits */
    enum log_dest dest;
};

struct token;
struct resolver;
struct optval;

struct option_desc {
    const char *name;
    enum val_type type;
    unsigned flags;               /* enum opt_flags */
    unsigned arch;                /* enum arch bits; 0 means any */
    const char *const *choices;   /* VT_ENUM: NULL-terminated */
    uint64_t min, max;            /* VT_COUNT range; VT_ADDRESS/VT_SIZE when max != 0 */
    enum loc_space loc_default;   /* VT_LOC: space of a bare number */
    const char *defval;           /* default as text, shown by help; NULL: none */
    const char *arg;              /* argument placeholder for help, e.g. "PATH" */
    const char *type_name;        /* VT_CUSTOM: the type shown by help ("number") */
    const char *help;
    /* VT_CUSTOM: read args (the option takes nargs words) into out. Return false
     * after reporting an error. */
    bool (*parse)(struct resolver *r, const struct token *arg, struct optval *out);
    unsigned nargs_custom;
};

/* A resolved option value. */
struct optval {
    bool set;
    struct srcloc at;         /* the option word */
    const struct token *arg;  /* its first argument, for later messages */
    union {
        uint64_t u;
        bool b;
        unsigned e; /* VT_ENUM index; VT_TRISTATE: 0 off, 1 on, 2 auto */
        const char *s;
        struct guest_loc loc;
        struct intr_ref intr;
        struct intr_list list;
        struct hostdev_opt hostdev;
        struct log_spec log;
        void *custom;
    };
    struct optval *next; /* OPT_REPEAT: the following occurrence */
};

enum tristate { TRI_OFF, TRI_ON, TRI_AUTO };

/* Number of argument words an option takes. */
unsigned option_nargs(const struct option_desc *o);
/* Find an option by name in a table of n entries; NULL if absent. */
const struct option_desc *option_find(const struct option_desc *tab, unsigned n, const char *name);
/* "on"/"off"/... for booleans: -1 when the word is not a boolean. */
int parse_bool_word(const char *s);
/* One-word description of an option's value type, for help output. */
const char *option_type_name(const struct option_desc *o);

#endif
