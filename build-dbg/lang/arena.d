build-dbg/lang/arena.o: lang/arena.c lang/arena.h
lang/arena.h:
