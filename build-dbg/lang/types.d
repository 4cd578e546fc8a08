build-dbg/lang/types.o: lang/types.c lang/types.h
lang/types.h:
