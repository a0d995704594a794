/* The resolver's driver and the global options. */
#include "config/resolve_internal.h"

#include "config/suggest.h"

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct source builtin_source = { .name = "<default>", .dir = "." };

/* Read a variable's default through the same code as a `set` line. */
static void var_default(struct resolver *r, int id)
{
    const struct option_desc *o = &var_table[id];
    struct optval *v = &r->vm->vars[id];
    const char *text = o->defval;
    if (id == VAR_ARCH)
        text = arch_name(arch_host());
    if (!text) {
        memset(v, 0, sizeof(*v));
        return;
    }
    struct token *t = arena_alloc(r->a, sizeof(*t));
    *t = (struct token){ .text = text, .len = strlen(text),
                         .loc = { .src = &builtin_source, .line = 1, .col = 1 } };
    const struct token *args[1] = { t };
    read_option(r, o, args, &t->loc, v);
    v->set = false; /* a default, not a user setting */
}

static void resolve_set(struct resolver *r, const struct cfg_entry *e)
{
    const struct token *name = e->args[0];
    int id = var_find(name->text);
    if (id < 0) {
        const char *why = var_refusal(name->text);
        if (why) {
            resolver_error(r, &name->loc, "variable '%s' is not supported by kqvm: %s", name->text,
                           why);
            return;
        }
        struct suggest s;
        char hint[160];
        suggest_init(&s, name->text);
        for (int i = 0; i < VAR_COUNT; i++)
            suggest_consider(&s, var_table[i].name);
        resolver_error(r, &name->loc, "unknown variable '%s'%s ('set ?' lists them)", name->text,
                       suggest_text(&s, hint, sizeof(hint)));
        return;
    }
    struct optval v;
    if (read_option(r, &var_table[id], &e->args[1], &name->loc, &v))
        r->vm->vars[id] = v;
}

/* Variables first: `set arch` decides how the rest is checked, wherever it is. */
static void resolve_vars(struct resolver *r)
{
    for (int i = 0; i < VAR_COUNT; i++)
        var_default(r, i);
    for (size_t i = 0; i < r->cfg->n; i++) {
        const struct cfg_entry *e = &r->cfg->entries[i];
        if (e->global && e->global->id == G_SET && e->nargs == 2)
            resolve_set(r, e);
    }
    r->vm->arch = r->vm->vars[VAR_ARCH].e == 0 ? ARCH_X86_64 : ARCH_ARM64;
    for (int i = 0; i < VAR_COUNT; i++) {
        const struct optval *v = &r->vm->vars[i];
        if (v->set && var_table[i].arch && !(var_table[i].arch & r->vm->arch))
            resolver_error(r, &v->at, "variable '%s' applies to %s only; this configuration "
                           "is for %s", var_table[i].name, arch_name(var_table[i].arch),
                           arch_name(r->vm->arch));
    }
}

/* The first base at or after base where length bytes touch no reserved range. */
static uint64_t skip_reserved(const struct vm_spec *vm, uint64_t base, uint64_t length)
{
    for (bool moved = true; moved;) {
        moved = false;
        for (unsigned i = 0; i < vm->nreserves; i++) {
            const struct reserve_spec *rs = &vm->reserves[i];
            if (rs->is_intr || rs->loc.space != LOC_MEM)
                continue;
            uint64_t end = rs->loc.addr + rs->length;
            if (base < end && (rs->loc.addr <= base || rs->loc.addr - base < length)) {
                base = (end + GUEST_PAGE - 1) & ~(uint64_t)(GUEST_PAGE - 1);
                moved = true;
            }
        }
    }
    return base;
}

/* "[START,]LENGTH" of ram and rom. */
static void resolve_mem(struct resolver *r, const struct cfg_entry *e, bool rom)
{
    const char *what = rom ? "rom" : "ram";
    const struct token *t = e->args[0];
    size_t comma = tok_find(t, 0, ',');
    struct mem_spec m = { .rom = rom, .at = e->word->loc };
    char label[32];
    if (comma < t->len) {
        snprintf(label, sizeof(label), "%s start", what);
        if (!read_number(r, t, 0, comma, NUM_ADDRESS, label, &m.base))
            return;
    } else {
        m.placed = true;
        comma = (size_t)-1;
        for (unsigned i = 0; i < r->vm->nmem; i++) {
            uint64_t end = r->vm->mem[i].base + r->vm->mem[i].length;
            if (end > m.base)
                m.base = end;
        }
    }
    snprintf(label, sizeof(label), "%s length", what);
    if (!read_number(r, t, comma + 1, t->len - comma - 1, NUM_SIZE, label, &m.length))
        return;
    if (m.placed)
        m.base = skip_reserved(r->vm, m.base, m.length);
    if (m.base % GUEST_PAGE) {
        resolver_error(r, &t->loc, "%s start 0x%" PRIx64 " is not a multiple of 4 KiB", what,
                       m.base);
        return;
    }
    if (m.length % GUEST_PAGE) {
        struct srcloc at = token_loc_at(t, comma + 1);
        resolver_error(r, &at, "%s length %" PRIu64 " is not a multiple of 4 KiB", what, m.length);
        return;
    }
    if (m.length > GPA_LIMIT || m.base > GPA_LIMIT - m.length) {
        resolver_error(r, &t->loc, "%s 0x%" PRIx64 "+0x%" PRIx64 " ends beyond the largest guest "
                       "physical address (0x%" PRIx64 ")", what, m.base, m.length, GPA_LIMIT);
        return;
    }
    r->vm->mem = arena_grow(r->a, r->vm->mem, &r->cap_mem, r->vm->nmem + 1, sizeof(m));
    r->vm->mem[r->vm->nmem++] = m;
}

static void resolve_load(struct resolver *r, const struct cfg_entry *e)
{
    struct load_spec l = { .type = LOAD_AUTO, .at = e->word->loc };
    if (e->prefix) {
        const struct load_type_desc *lt = load_type_find(e->prefix->text);
        l.type = lt->type;
        l.at = e->prefix->loc;
        if (!(lt->arch & r->vm->arch)) {
            resolver_error(r, &e->prefix->loc, "'%s load' applies to %s only; this configuration "
                           "is for %s", lt->name, arch_name(lt->arch), arch_name(r->vm->arch));
            return;
        }
    }
    if (r->vm->nmem == 0) {
        resolver_error(r, &l.at, "'load' before any ram or rom: declare guest memory first");
        return;
    }
    const struct token *t = e->args[0];
    size_t comma = tok_find(t, 0, ',');
    size_t path_off = 0;
    if (comma < t->len) {
        if (!read_number(r, t, 0, comma, NUM_ADDRESS, "load address", &l.addr))
            return;
        l.has_addr = true;
        path_off = comma + 1;
    }
    if (path_off >= t->len) {
        resolver_error(r, &t->loc, "'load' needs a file: load [ADDR,]FILE");
        return;
    }
    l.path = resolve_path(r, t, t->text + path_off);
    struct stat st;
    if (stat(l.path, &st) != 0 || !S_ISREG(st.st_mode) || access(l.path, R_OK) != 0) {
        struct srcloc at = token_loc_at(t, path_off);
        resolver_error(r, &at, "cannot read '%s': %s", l.path,
                       stat(l.path, &st) != 0 ? "no such file" : !S_ISREG(st.st_mode)
                                                                    ? "not a regular file"
                                                                    : "permission denied");
        return;
    }
    if (l.has_addr) {
        /* The target must lie in ram/rom declared before this line. */
        const struct mem_spec *in = NULL;
        for (unsigned i = 0; i < r->vm->nmem; i++) {
            const struct mem_spec *m = &r->vm->mem[i];
            if (l.addr >= m->base && l.addr - m->base < m->length)
                in = m;
        }
        if (!in) {
            resolver_error(r, &t->loc, "load address 0x%" PRIx64 " is not in any ram or rom "
                           "declared before this line", l.addr);
            return;
        }
        if (l.type != LOAD_AUTO && l.type != LOAD_GUEST &&
            (uint64_t)st.st_size > in->base + in->length - l.addr) {
            resolver_error(r, &t->loc, "'%s' (%" PRIu64 " bytes) does not fit at 0x%" PRIx64
                           ": the %s at %s ends at 0x%" PRIx64, l.path, (uint64_t)st.st_size,
                           l.addr, in->rom ? "rom" : "ram", srcloc_str(&in->at),
                           in->base + in->length);
            return;
        }
    }
    r->vm->loads = arena_grow(r->a, r->vm->loads, &r->cap_loads, r->vm->nloads + 1, sizeof(l));
    r->vm->loads[r->vm->nloads++] = l;
}

static bool word_index(const char *w, const char *const *words, unsigned n, unsigned *out)
{
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(w, words[i]) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

static void resolve_unsupported(struct resolver *r, const struct cfg_entry *e)
{
    static const char *const what[] = { "instruction", "reference", "register" };
    static const char *const action[] = { "abort", "fail", "ignore" };
    unsigned w, a;
    if (!word_index(e->args[0]->text, what, 3, &w)) {
        resolver_error(r, &e->args[0]->loc, "unsupported: expected instruction, reference or "
                       "register, found '%s'", e->args[0]->text);
        return;
    }
    if (!word_index(e->args[1]->text, action, 3, &a)) {
        resolver_error(r, &e->args[1]->loc, "unsupported %s: expected abort, fail or ignore, "
                       "found '%s'", what[w], e->args[1]->text);
        return;
    }
    r->vm->unsupported[w] = (enum unsupported_action)a;
}

static void resolve_dump(struct resolver *r, const struct cfg_entry *e)
{
    const struct token *t = e->args[0];
    if (t->text[0] == '|') {
        if (!t->text[1]) {
            resolver_error(r, &t->loc, "dump \"|COMMAND\" needs a command after '|'");
            return;
        }
        r->vm->dump_command = t->text + 1;
        r->vm->dump_dir = NULL;
        return;
    }
    const char *dir = resolve_path(r, t, t->text);
    struct stat st;
    if (!t->len || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        resolver_error(r, &t->loc, "dump directory '%s' does not exist", dir);
        return;
    }
    r->vm->dump_dir = dir;
    r->vm->dump_command = NULL;
}

static void resolve_global(struct resolver *r, size_t idx, const struct cfg_entry *e)
{
    struct vm_spec *vm = r->vm;
    struct optval v;
    /* An entry whose arguments were missing was reported by the parser. */
    if (e->nargs < e->global->nargs && e->global->id != G_VDEV)
        return;
    switch (e->global->id) {
    case G_SYSTEM:
        if (idx != 0 && r->cfg->entries[0].global && r->cfg->entries[0].global->id == G_SYSTEM) {
            resolver_error(r, &e->word->loc, "a second 'system' (the first is at %s)",
                           srcloc_str(&r->cfg->entries[0].word->loc));
            return;
        }
        if (idx != 0) {
            resolver_error(r, &e->word->loc, "'system' must be the first entry (found after '%s' "
                           "at %s)", r->cfg->entries[0].word->text,
                           srcloc_str(&r->cfg->entries[0].word->loc));
            return;
        }
        {
            static const struct option_desc name = { .name = "system name", .type = VT_NAME };
            if (read_option(r, &name, e->args, &e->word->loc, &v))
                vm->system = v.s;
        }
        return;
    case G_RAM:
    case G_ROM:
        resolve_mem(r, e, e->global->id == G_ROM);
        return;
    case G_CPU:
        resolve_cpu_open(r, e);
        return;
    case G_VDEV:
        resolve_vdev_open(r, e);
        return;
    case G_LOAD:
        resolve_load(r, e);
        return;
    case G_CMDLINE:
        vm->cmdline = e->args[0]->text;
        return;
    case G_PASS:
        resolve_pass(r, e);
        return;
    case G_RESERVE:
        return; /* done first, in resolve_reserves */
    case G_SET:
        return; /* done first, in resolve_vars */
    case G_LOGGER: {
        static const struct option_desc logger = { .name = "logger", .type = VT_LOG };
        if (!read_option(r, &logger, e->args, &e->word->loc, &v))
            return;
        vm->loggers = arena_grow(r->a, vm->loggers, &r->cap_loggers, vm->nloggers + 1,
                                 sizeof(*vm->loggers));
        vm->loggers[vm->nloggers++] = (struct logger_spec){ .log = v.log, .at = e->word->loc };
        return;
    }
    case G_UNSUPPORTED:
        resolve_unsupported(r, e);
        return;
    case G_TOLERANCE: {
        static const struct option_desc tol = { .name = "tolerance", .type = VT_COUNT,
                                                .max = 1000000 };
        if (read_option(r, &tol, e->args, &e->word->loc, &v))
            vm->tolerance_us = (uint32_t)v.u;
        return;
    }
    case G_DUMP:
        resolve_dump(r, e);
        return;
    case G_DRYRUN:
        vm->dryrun = true;
        return;
    case G_SAFETY: {
        const char *s = e->args[0]->text;
        if (!strcmp(s, "none"))
            vm->safety = SAFETY_NONE;
        else if (!strcmp(s, "warn"))
            vm->safety = SAFETY_WARN;
        else if (!strcmp(s, "required"))
            resolver_error(r, &e->args[0]->loc, "safety required: kqvm has no safety-certified "
                           "variant; use 'safety none' or 'safety warn'");
        else
            resolver_error(r, &e->args[0]->loc, "safety: expected none, warn or required, found "
                           "'%s'", s);
        return;
    }
    case G_DEBUG:
        resolver_error(r, &e->word->loc, "'debug' (QNX's guest debugger stub) is not supported by "
                       "kqvm");
        return;
    }
}

bool resolve_config(struct arena *a, struct diag *d, const struct cfg *cfg, struct vm_spec *vm)
{
    unsigned errors_before = d->errors;
    memset(vm, 0, sizeof(*vm));
    struct resolver r = { .a = a, .d = d, .cfg = cfg, .vm = vm };
    r.ctx_index = arena_alloc(a, (cfg->nctx + 1) * sizeof(*r.ctx_index));
    for (size_t i = 0; i < cfg->nctx; i++)
        r.ctx_index[i] = -1;
    vm->system = "qvm-guest";
    vm->unsupported[UNSUP_INSTRUCTION] = UNSUP_FAIL;
    vm->unsupported[UNSUP_REFERENCE] = UNSUP_IGNORE;
    vm->unsupported[UNSUP_REGISTER] = UNSUP_FAIL;
    vm->tolerance_us = 100;
    vm->safety = SAFETY_NONE;

    resolve_vars(&r);
    /* Reservations first too: automatic placement avoids them wherever they are. */
    for (size_t i = 0; i < cfg->n; i++)
        if (cfg->entries[i].global && cfg->entries[i].global->id == G_RESERVE)
            resolve_reserve(&r, &cfg->entries[i]);
    for (size_t i = 0; i < cfg->n; i++) {
        const struct cfg_entry *e = &cfg->entries[i];
        if (e->global)
            resolve_global(&r, i, e);
        else if (cfg->ctxs[e->ctx].kind == CTX_CPU)
            resolve_cpu_option(&r, e);
        else
            resolve_vdev_option(&r, e);
    }
    if (vm->nloggers == 0) {
        vm->loggers = arena_alloc(a, sizeof(*vm->loggers));
        vm->loggers[0].log = (struct log_spec){
            .filters = LOGF_FATAL | LOGF_INTERNAL | LOGF_ERROR | LOGF_WARN | LOGF_INFO,
            .dest = LOGD_STDERR
        };
        vm->nloggers = 1;
    }
    resolve_cpus_finish(&r);
    resolve_vdevs_finish(&r);
    resolve_interrupts(&r);
    resolve_pci_slots(&r);
    resolve_memory_map(&r);
    return d->errors == errors_before;
}
