/* tdsl.c - the REPL's main: options, the files to load, then the session
 * (repl/). Input from a terminal is interactive; from a pipe, it is a script. */
#include "repl/repl.h"
#include <llvm-c/Core.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "usage: tdsl [FILE.tdsl ...]\n"
                            "  The TDSL REPL: loads the files, then reads statements from the terminal\n"
                            "  (line editing, history in ~/.tdsl_history, tab completion) or from a pipe.\n"
                            "  :help lists the commands. From a pipe, the exit status is 1 if any input failed.\n";

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tdsl: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    bool tty = isatty(0);
    setvbuf(stdout, NULL, _IOLBF, 0);       /* keep results and errors (stderr) in order */
    Session *s = repl_create(tty);
    int failed = 0;
    for (int i = 1; i < argc; i++) failed |= repl_load_file(s, argv[i]) != 0;
    int status = repl_run(s);
    repl_destroy(s);
    LLVMShutdown();
    return status ? status : !tty && failed;
}
