build-dbg/sema/shapes.o: sema/shapes.c sema/sema_int.h \
 sema/../lang/affine.h sema/../lang/arena.h sema/../lang/ast.h \
 sema/../lang/diag.h sema/../lang/types.h
sema/sema_int.h:
sema/../lang/affine.h:
sema/../lang/arena.h:
sema/../lang/ast.h:
sema/../lang/diag.h:
sema/../lang/types.h:
