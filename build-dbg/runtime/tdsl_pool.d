build-dbg/runtime/tdsl_pool.o: runtime/tdsl_pool.c runtime/tdsl_pool.h
runtime/tdsl_pool.h:
