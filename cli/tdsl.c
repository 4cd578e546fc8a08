/* tdsl.c - the REPL's main: options, the files to load, then the session
 * (repl/). Input from a terminal is interactive; from a pipe, it is a script. */
#include "repl/repl.h"
#include <llvm-c/Core.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "usage: tdsl [-I DIR]... [FILE.tdsl ...]\n"
                            "  The TDSL REPL: loads the files, then reads statements from the terminal\n"
                            "  (line editing, history in ~/.tdsl_history, tab completion) or from a pipe.\n"
                            "  :help lists the commands. From a pipe, the exit status is 1 if any input failed.\n"
                            "  -I DIR  look for the modules of `use NAME` (NAME.tdsl) in DIR, before the dirs\n"
                            "          of $TDSL_PATH (colon-separated) and the stdlib next to tdsl\n";

int main(int argc, char **argv)
{
    const char *inc[64], *files[64];
    int ninc = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        if (a[0] == '-' && a[1] == 'I' && (a[2] || i + 1 < argc)) {
            const char *dir = a[2] ? a + 2 : argv[++i];
            if (ninc < 64) inc[ninc++] = dir;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tdsl: %s '%s'\n%s", strcmp(a, "-I") ? "unknown option" : "no directory after", a, usage);
            return 2;
        } else if (nfiles < 64) {
            files[nfiles++] = a;
        }
    }
    bool tty = isatty(0);
    setvbuf(stdout, NULL, _IOLBF, 0);       /* keep results and errors (stderr) in order */
    Session *s = repl_create(tty);
    repl_set_module_path(s, inc, ninc, argv[0]);
    int failed = 0;
    for (int i = 0; i < nfiles; i++) failed |= repl_load_file(s, files[i]) != 0;
    int status = repl_run(s);
    repl_destroy(s);
    LLVMShutdown();
    return status ? status : !tty && failed;
}
