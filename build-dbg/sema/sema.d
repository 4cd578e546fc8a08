build-dbg/sema/sema.o: sema/sema.c sema/sema.h sema/../lang/affine.h \
 sema/../lang/arena.h sema/../lang/ast.h sema/../lang/diag.h \
 sema/../lang/types.h sema/sema_int.h
sema/sema.h:
sema/../lang/affine.h:
sema/../lang/arena.h:
sema/../lang/ast.h:
sema/../lang/diag.h:
sema/../lang/types.h:
sema/sema_int.h:
