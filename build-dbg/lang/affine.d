build-dbg/lang/affine.o: lang/affine.c lang/affine.h lang/arena.h
lang/affine.h:
lang/arena.h:
