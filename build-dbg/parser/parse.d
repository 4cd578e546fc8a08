build-dbg/parser/parse.o: parser/parse.c parser/parse.h \
 parser/../lang/ast.h parser/../lang/arena.h parser/../lang/diag.h \
 parser/../lang/types.h build-dbg/parser/grammar.h lang/ast.h \
 build-dbg/parser/lexer.h
parser/parse.h:
parser/../lang/ast.h:
parser/../lang/arena.h:
parser/../lang/diag.h:
parser/../lang/types.h:
build-dbg/parser/grammar.h:
lang/ast.h:
build-dbg/parser/lexer.h:
