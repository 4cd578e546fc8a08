build-dbg/lang/ast.o: lang/ast.c lang/ast.h lang/arena.h lang/diag.h \
 lang/types.h lang/affine.h
lang/ast.h:
lang/arena.h:
lang/diag.h:
lang/types.h:
lang/affine.h:
