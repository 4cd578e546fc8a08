build-dbg/lower/schedule.o: lower/schedule.c lower/schedule.h \
 lower/../lang/ast.h lower/../lang/arena.h lower/../lang/diag.h \
 lower/../lang/types.h lower/../lang/loopir.h lower/../lang/ast.h \
 lower/../lang/affine.h
lower/schedule.h:
lower/../lang/ast.h:
lower/../lang/arena.h:
lower/../lang/diag.h:
lower/../lang/types.h:
lower/../lang/loopir.h:
lower/../lang/ast.h:
lower/../lang/affine.h:
