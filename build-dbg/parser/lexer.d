build-dbg/parser/lexer.o: build-dbg/parser/lexer.c \
 build-dbg/parser/grammar.h lang/ast.h lang/arena.h lang/diag.h \
 lang/types.h
build-dbg/parser/grammar.h:
lang/ast.h:
lang/arena.h:
lang/diag.h:
lang/types.h:
