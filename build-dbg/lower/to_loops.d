build-dbg/lower/to_loops.o: lower/to_loops.c lower/lower.h \
 lower/../lang/ast.h lower/../lang/arena.h lower/../lang/diag.h \
 lower/../lang/types.h lower/../lang/loopir.h lower/../lang/ast.h \
 lower/schedule.h lower/../lang/affine.h lower/../sema/sema.h \
 lower/../sema/../lang/affine.h lower/../sema/../lang/ast.h
lower/lower.h:
lower/../lang/ast.h:
lower/../lang/arena.h:
lower/../lang/diag.h:
lower/../lang/types.h:
lower/../lang/loopir.h:
lower/../lang/ast.h:
lower/schedule.h:
lower/../lang/affine.h:
lower/../sema/sema.h:
lower/../sema/../lang/affine.h:
lower/../sema/../lang/ast.h:
