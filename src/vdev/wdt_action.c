#include "vdev/wdt_action.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

#include <string.h>

bool wdt_parse_action(struct resolver *r, const struct token *t, struct optval *out,
                      bool allow_fiq)
{
    const char *s = t->text;
    unsigned bits = 0;
    if (!strncmp(s, "dump,", 5)) {
        bits |= WDT_ACTION_DUMP;
        s += 5;
    }
    if (!strcmp(s, "terminate"))
        bits |= WDT_ACTION_TERMINATE;
    else if (allow_fiq && !strcmp(s, "fiq"))
        bits |= WDT_ACTION_FIQ;
    else {
        resolver_error(r, &t->loc, "invalid watchdog action '%s': expected [dump,]terminate%s",
                       t->text, allow_fiq ? " or [dump,]fiq" : "");
        return false;
    }
    out->u = bits;
    return true;
}

void wdt_check_action(struct resolver *r, const struct optval *action)
{
    const struct vm_spec *vm = resolver_vm(r);
    if (action->set && (action->u & WDT_ACTION_DUMP) && !vm->dump_dir && !vm->dump_command)
        resolver_warn(r, &action->arg->loc, "watchdog action 'dump' writes nothing without a "
                      "global 'dump DIR' or 'dump \"|COMMAND\"'");
}
