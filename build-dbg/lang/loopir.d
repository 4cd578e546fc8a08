build-dbg/lang/loopir.o: lang/loopir.c lang/loopir.h lang/arena.h \
 lang/ast.h lang/diag.h lang/types.h
lang/loopir.h:
lang/arena.h:
lang/ast.h:
lang/diag.h:
lang/types.h:
