/* input.c - reading statements: from a terminal through libedit (prompt, line
 * editing, history in ~/.tdsl_history, tab completion, Ctrl-C clears the line)
 * or line by line from a pipe with no prompts. A statement continues over
 * lines only while the parser finds it unfinished (a bracket open at its end,
 * a fn or schedule block until its braces close); a line with an error ends
 * its statement. Each statement runs with its own arena and Diag. */
#include "repl/repl_int.h"
#include "lower/schedule.h"
#include "parser/parse.h"
#include <ctype.h>
#include <dirent.h>
#include <editline/readline.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROMPT "tdsl> "
#define PROMPT_MORE "  ... "

/* ---- statements ---- */

/* fn NAME, schedule NAME, use NAME, const NAME and extern fn go to defs.c */
static bool is_definition(const char *t)
{
    while (isspace((unsigned char)*t)) t++;
    int n = !strncmp(t, "fn", 2) ? 2 : !strncmp(t, "schedule", 8) ? 8 : !strncmp(t, "use", 3) ? 3 : 0;
    if (!n) n = !strncmp(t, "const", 5) ? 5 : !strncmp(t, "extern", 6) ? 6 : 0;
    if (!n || !isspace((unsigned char)t[n])) return false;
    t += n;
    while (isspace((unsigned char)*t)) t++;
    return isalpha((unsigned char)*t) || *t == '_';
}

static bool is_blank(const char *t)
{
    while (isspace((unsigned char)*t)) t++;
    return !*t || *t == '#';
}

/* Is text a whole statement, or do more lines belong to it? The parser says,
 * as Python's codeop decides: only a parse that fails at the end of the text
 * (a bracket or a fn or schedule body still open there) reads on. An error
 * before the end is reported at once, and the next line is a new statement. */
static bool complete(Session *s, const char *text)
{
    const char *t = text;
    while (isspace((unsigned char)*t)) t++;
    if (*t == ':') return true;
    FILE *null = fopen("/dev/null", "w");
    if (!null) return true;             /* run it: at worst it reports an unfinished statement */
    Diag quiet;
    diag_init(&quiet, null);
    Arena a;
    arena_init(&a);
    bool more;
    if (is_definition(t)) {
        Source src = { "<stdin>", text };
        more = parse_unfinished(&a, &src, &quiet);
    } else if (xform_wanted(text)) {
        more = xform_unfinished(text);
    } else {
        more = stmt_unfinished(s, text, &a, &quiet);
    }
    arena_free(&a);
    fclose(null);
    return !more;
}

static void run_stmt(Session *s, const char *text, int first_line)
{
    if (is_blank(text)) return;
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    Line ln = { s, "<stdin>", text, first_line, NULL, &a, &d, false };
    const char *t = text;
    while (isspace((unsigned char)*t)) t++;
    int r;
    if (*t == ':') r = commands_run(&ln);
    else if (is_definition(t)) r = defs_add(s, "<stdin>", text, first_line, false, &d);
    else r = eval_stmt(&ln);
    if (r || d.nerrors) s->nerrors++;
    arena_free(&a);
    fflush(stdout);
    fflush(stderr);
}

/* The statement being gathered over several lines. */
typedef struct Pending {
    char *buf;
    size_t len, cap;
    int first_line;
} Pending;

static void pending_add(Pending *p, const char *line, int lineno)
{
    size_t n = strlen(line);
    if (!p->len) p->first_line = lineno;
    while (p->len + n + 2 > p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->buf = realloc(p->buf, p->cap);
        if (!p->buf) abort();
    }
    memcpy(p->buf + p->len, line, n);
    p->len += n;
    p->buf[p->len++] = '\n';
    p->buf[p->len] = 0;
}

/* Runs the gathered statement (without its trailing blank space) and empties p. */
static void run_pending(Session *s, Pending *p)
{
    while (p->len && isspace((unsigned char)p->buf[p->len - 1])) p->len--;
    p->buf[p->len] = 0;
    run_stmt(s, p->buf, p->first_line);
    p->len = 0;
}

/* Adds a line; runs the statement once it is complete. */
static void feed(Session *s, Pending *p, const char *line)
{
    s->line++;
    if (!p->len && is_blank(line)) return;
    pending_add(p, line, s->line);
    if (complete(s, p->buf)) run_pending(s, p);
}

static int run_pipe(Session *s, FILE *in)
{
    Pending p = { 0 };
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (!s->quit && (n = getline(&line, &cap, in)) >= 0) {
        if (n && line[n - 1] == '\n') line[--n] = 0;
        if (n && line[n - 1] == '\r') line[--n] = 0;
        feed(s, &p, line);
    }
    if (p.len && !s->quit) run_pending(s, &p);     /* an unfinished statement at the end */
    free(line);
    free(p.buf);
    return s->nerrors ? 1 : 0;
}

/* ---- the terminal ---- */

static Session *complete_session;

/* `Y.spl` completes to `Y.split`: the schedule primitives after a dot. */
static char *next_primitive(const char *text, int *i)
{
    const char *dot = strrchr(text, '.');
    int np;
    const SchedPrimDef *p = sched_primitives(&np);
    for (; dot && *i < np; (*i)++) {
        if (strncmp(p[*i].name, dot + 1, strlen(dot + 1))) continue;
        char *c = malloc((size_t)(dot - text) + strlen(p[*i].name) + 2);
        if (c) sprintf(c, "%.*s.%s", (int)(dot - text), text, p[*i].name);
        (*i)++;
        return c;
    }
    return NULL;
}

static const char *const keywords[] = { "fn", "schedule", "use", "const", "extern", NULL };

static char *next_candidate(const char *text, int state)
{
    static int group, i;
    Session *s = complete_session;
    if (!state) group = i = 0;
    if (group == 0 && text[0] != ':' && strchr(text, '.')) return next_primitive(text, &i);
    size_t n = strlen(text);
    for (; group < 6; group++, i = 0) {
        for (;; i++) {
            const char *c = NULL;
            if (group == 0) c = text[0] == ':' ? commands[i].name : NULL;
            else if (text[0] == ':') c = NULL;
            else if (group == 1) c = i < s->nlfns ? s->prog.fns[i]->name : NULL;
            else if (group == 2) c = i < s->nvars ? s->vars[i].name : NULL;
            else if (group == 3) c = builtins[i].name;
            else if (group == 4) c = i + 1 < DT_COUNT ? dtype_name((DType)(i + 1)) : NULL;
            else c = keywords[i];
            if (!c) break;
            if (!strncmp(c, text, n)) {
                i++;
                return strdup(c);
            }
        }
    }
    return NULL;
}

/* After `use `: the modules on the search path (NAME.tdsl in its dirs). */
static char *next_module(const char *text, int state)
{
    static int dir;
    static DIR *dp;
    Session *s = complete_session;
    if (!state) dir = 0;
    size_t n = strlen(text);
    for (; dir < s->nmoddirs; dir++) {
        if (!dp && !(dp = opendir(s->moddirs[dir]))) continue;
        struct dirent *e;
        while ((e = readdir(dp))) {
            size_t len = strlen(e->d_name);
            if (len > 5 && !strcmp(e->d_name + len - 5, ".tdsl") && len - 5 >= n && !strncmp(e->d_name, text, n))
                return strndup(e->d_name, len - 5);
        }
        closedir(dp);
        dp = NULL;
    }
    return NULL;
}

static char **complete_word(const char *text, int start, int end)
{
    (void)end;
    /* a file name after :load, or inside the quotes of load(...)/save(...) */
    const char *line = rl_line_buffer;
    while (isspace((unsigned char)*line)) line++;
    if (!strncmp(line, ":load ", 6) || (start > 0 && rl_line_buffer[start - 1] == '"')) return NULL;
    rl_attempted_completion_over = 1;
    rl_completion_append_character = 0;
    if (!strncmp(line, "use", 3) && isspace((unsigned char)line[3])) return rl_completion_matches(text, next_module);
    return rl_completion_matches(text, next_candidate);
}

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home) return NULL;
    size_t n = strlen(home) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/.tdsl_history", home);
    return p;
}

static char *got_line;
static bool got;

static void on_line(char *line)
{
    got_line = line;
    got = true;
}

/* One line from the terminal; NULL at end of input. Ctrl-C at the prompt
 * clears the line and whatever was gathered so far (*cleared). */
static char *read_tty(const char *prompt, bool *cleared)
{
    got = false;
    got_line = NULL;
    call_take_sigint();
    rl_callback_handler_install(prompt, on_line);
    while (!got) {
        struct pollfd p[2] = { { fileno(rl_instream), POLLIN, 0 }, { call_sigint_fd(), POLLIN, 0 } };
        if (poll(p, 2, -1) < 0) continue;
        if (p[1].revents & POLLIN) {
            call_take_sigint();
            rl_replace_line("", 0);
            rl_callback_handler_remove();
            fputs("^C\n", stdout);
            fflush(stdout);
            *cleared = true;
            rl_callback_handler_install(PROMPT, on_line);
            continue;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) rl_callback_read_char();
    }
    rl_callback_handler_remove();
    return got_line;
}

static int run_tty(Session *s)
{
    complete_session = s;
    rl_readline_name = "tdsl";
    rl_catch_signals = 0;               /* Ctrl-C is ours: see read_tty and call.c */
    rl_attempted_completion_function = complete_word;
    rl_completer_word_break_characters = " \t\n\"'(),[]=+-*/<>!&|";
    char *hist = history_path();
    using_history();
    stifle_history(1000);
    if (hist) read_history(hist);
    Pending p = { 0 };
    char *last = NULL;
    while (!s->quit) {
        call_report_finished(s);
        fflush(stdout);
        bool cleared = false;
        char *line = read_tty(p.len ? PROMPT_MORE : PROMPT, &cleared);
        if (cleared) p.len = 0;
        if (!line) {
            putchar('\n');
            break;
        }
        if (!is_blank(line) && (!last || strcmp(last, line))) {     /* no repeats, as bash's ignoredups */
            add_history(line);
            free(last);
            last = xstrdup(line);
        }
        feed(s, &p, line);
        free(line);
    }
    if (hist) write_history(hist);
    free(hist);
    free(last);
    free(p.buf);
    return 0;
}

int repl_run_stream(Session *s, FILE *in) { return run_pipe(s, in); }

int repl_run(Session *s)
{
    int status = s->interactive ? run_tty(s) : run_pipe(s, stdin);
    fflush(stdout);
    if (__atomic_load_n(&s->running, __ATOMIC_ACQUIRE)) {
        /* an interrupted call still runs the session's code: leave it be */
        fprintf(stderr, "note: leaving while an interrupted call still runs\n");
        fflush(stderr);
        _exit(status);
    }
    return status;
}
