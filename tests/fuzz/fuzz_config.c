/* libFuzzer target: configuration text through the whole front end (lexer,
 * parser, resolver, both dryrun printers). Nothing may crash, hang, leak or
 * read out of bounds, whatever the input. */
#include "config/frontend.h"
#include "config/print.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    struct frontend f;
    frontend_init(&f, sink);
    /* Relative paths resolve in the fixtures, so loads of real files happen too. */
    frontend_add_text(&f, "fuzz.qvmconf", "tests/configs/files", (const char *)data, size);
    if (frontend_finish(&f) && !f.cfg.var_help) {
        print_spec_text(sink, &f.arena, &f.vm);
        print_spec_json(sink, &f.arena, &f.vm);
    }
    frontend_free(&f);
    return 0;
}
