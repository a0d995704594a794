/* kqvm: argv -> spec -> VM -> exit status. */
#include "config/frontend.h"
#include "config/help.h"
#include "config/print.h"
#include "vm/vm.h"

#include <stdio.h>
#include <string.h>

#ifndef KQVM_VERSION
#define KQVM_VERSION "0.1.0"
#endif

enum exit_status { EXIT_OK = 0, EXIT_CONFIG = KQVM_EXIT_CONFIG };

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        if (argc == 3 && !help_vdev(stdout, argv[2])) {
            fprintf(stderr, "kqvm: error: no vdev type '%s' (kqvm --help lists them)\n", argv[2]);
            return EXIT_CONFIG;
        }
        if (argc != 3)
            help_usage(stdout);
        return EXIT_OK;
    }
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        printf("kqvm %s\n", KQVM_VERSION);
        return EXIT_OK;
    }
    if (argc < 2) {
        help_usage(stderr);
        return EXIT_CONFIG;
    }

    struct frontend f;
    frontend_init(&f, stderr);
    frontend_add_args(&f, argc - 1, argv + 1);
    bool ok = frontend_finish(&f);
    int status = EXIT_OK;
    if (!ok) {
        status = EXIT_CONFIG;
    } else if (f.cfg.var_help) {
        help_variables(stdout);
    } else if (f.vm.dryrun) {
        print_spec(stdout, &f.arena, &f.vm);
    } else {
        status = vm_main(&f.vm);
    }
    frontend_free(&f);
    return status;
}
