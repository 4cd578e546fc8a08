build-dbg/parser/grammar.o: build-dbg/parser/grammar.c \
 build-dbg/parser/grammar.h lang/ast.h lang/arena.h lang/diag.h \
 lang/types.h
build-dbg/parser/grammar.h:
lang/ast.h:
lang/arena.h:
lang/diag.h:
lang/types.h:
