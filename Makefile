# TDSL - one entry point: make, make test, make test-asan, make demo, make bench, make install.
# Objects go to $(B)/ (build/ or build-asan/); flex/bison output is generated there.

B        ?= build
CC       ?= gcc
LLVM_CONFIG ?= llvm-config-19
CLANG    ?= clang-19
SAN      ?=
OPT      ?= -O2
WERROR   := $(if $(CI),-Werror,)
CFLAGS   := -std=gnu11 $(OPT) -g -Wall -Wextra $(WERROR) $(SAN) -MMD -MP -I. -I$(B)
GENFLAGS := -std=gnu11 $(OPT) -g -Wall -Wno-unused-function $(SAN) -MMD -MP -I. -I$(B) -Iparser
LLVM_INC  = -I$(shell $(LLVM_CONFIG) --includedir)
LLVM_LIBS = -L$(shell $(LLVM_CONFIG) --libdir) -lLLVM-19 -Wl,-rpath,$(shell $(LLVM_CONFIG) --libdir)
LDLIBS   := -lm -lpthread -lffi -lz

LIB_SRC := $(wildcard lang/*.c) $(wildcard parser/*.c) $(wildcard sema/*.c) $(wildcard lower/*.c) $(wildcard runtime/*.c) \
	   $(wildcard tune/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/parser/lexer.o $(B)/parser/grammar.o
REPL_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard repl/*.c))
# ONNX import (onnx/): its own archive, linked with -lprotobuf-c; onnx.pb-c.c/.h
# are generated into $(B)/onnx/ from the onnx.proto Debian's libonnx-dev ships
ONNX_PROTO = $(or $(shell dpkg -L libonnx-dev 2>/dev/null | grep '/onnx\.proto$$' | head -n 1),/usr/include/onnx/onnx.proto)
ONNX_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard onnx/*.c) $(wildcard graph/*.c)) $(B)/onnx/onnx.pb-c.o
ONNX_LIBS := -lprotobuf-c

.PHONY: all deps onnx-deps test-deps bench-deps bench-tune-deps bench-tune bench-models-deps bench-models test-build test test-math test-asan demo bench bench-kernels clean fuzz-schedules fuzz-onnx fuzz-deps format format-check format-deps install
# deps first, then the build in a sub-make (so -j2 never compiles before the install)
all: deps onnx-deps
	@$(MAKE) --no-print-directory $(B)/tdslc $(B)/tdsl

# ---- dependencies: install the Debian packages a fresh machine lacks ----
APT_PKGS := llvm-19-dev clang-19 flex bison libffi-dev libedit-dev libzstd-dev zlib1g-dev python3-numpy libopenblas-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# waits for a lock another apt holds (a fresh machine's own upgrades); the
# *-deps targets below run one after another (each needs the one before), as
# two apt-gets at once under make -j2 fail on the lock
APT := $(SUDO) apt-get -o DPkg::Lock::Timeout=600
deps:
	@if ! command -v $(LLVM_CONFIG) >/dev/null || ! command -v $(CLANG) >/dev/null || ! command -v flex >/dev/null || \
	    ! command -v bison >/dev/null || [ ! -f /usr/include/x86_64-linux-gnu/ffi.h -a ! -f /usr/include/ffi.h ] || \
	    [ ! -f /usr/include/editline/readline.h ] || [ ! -f /usr/include/zlib.h ]; then \
	  echo "installing $(APT_PKGS)"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $(APT_PKGS) >/dev/null; \
	fi

# ONNX import: protobuf-c (library and protoc-c) and onnx.proto; make test also
# wants the ONNX backend test suite (libonnx-testdata) for the onnx sweep
ONNX_PKGS := libprotobuf-c-dev protobuf-c-compiler libonnx-dev libonnx-testdata
onnx-deps: deps
	@if [ ! -f /usr/include/protobuf-c/protobuf-c.h ] || ! command -v protoc-c >/dev/null || \
	    ! dpkg -L libonnx-dev 2>/dev/null | grep -q '/onnx\.proto$$' || [ ! -d /usr/share/libonnx-testdata/data ]; then \
	  echo "installing $(ONNX_PKGS)"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $(ONNX_PKGS) >/dev/null; \
	fi

# only for make bench: OpenBLAS (cblas_sgemm), oneDNN (bench/kernels.c), gnuplot (its chart)
bench-deps: onnx-deps
	@if [ ! -f /usr/include/x86_64-linux-gnu/cblas.h -a ! -f /usr/include/cblas.h ] || \
	    [ ! -f /usr/include/oneapi/dnnl/dnnl.h ] || ! command -v gnuplot >/dev/null; then \
	  echo "installing libopenblas-dev libdnnl-dev gnuplot-nox"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq libopenblas-dev \
	    libdnnl-dev gnuplot-nox >/dev/null; \
	fi

# only for make bench-tune: Halide 14 (its autoschedulers are the peers) and gnuplot
bench-tune-deps: onnx-deps
	@if [ ! -f /usr/include/halide14/Halide.h ] || \
	    [ ! -f /usr/lib/x86_64-linux-gnu/halide14/libautoschedule_adams2019.so ] || ! command -v gnuplot >/dev/null; then \
	  echo "installing libhalide14-0-dev gnuplot-nox"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq libhalide14-0-dev \
	    gnuplot-nox >/dev/null; \
	fi

# only for make bench-models: PyTorch and torchvision (Debian's, for /usr/bin/python3) and gnuplot
bench-models-deps: onnx-deps
	@if ! /usr/bin/python3 -c 'import torch, torchvision' >/dev/null 2>&1 || ! command -v gnuplot >/dev/null; then \
	  echo "installing python3-torch python3-torchvision gnuplot-nox"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq python3-torch \
	    python3-torchvision gnuplot-nox >/dev/null; \
	fi

# NumPy for the .npy and printing tests (tests/repl_values), valgrind (tests/valgrind)
# and clang's TSan runtime (pool/tsan-gen): make test installs them when missing
# and goes on (those tests SKIP) if it cannot
test-deps: onnx-deps
	@if ! /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then \
	  echo "installing python3-numpy"; \
	  { $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq python3-numpy >/dev/null; } || \
	    echo "could not install python3-numpy: the NumPy tests will SKIP"; \
	fi
	@if ! command -v valgrind >/dev/null || ! ls "$$($(CLANG) -print-resource-dir 2>/dev/null)"/lib/*/libclang_rt.tsan*.a >/dev/null 2>&1; then \
	  echo "installing valgrind libclang-rt-19-dev (tests/valgrind, pool/tsan-gen)"; \
	  { $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq valgrind libclang-rt-19-dev >/dev/null; } || \
	    echo "could not install valgrind libclang-rt-19-dev: those tests will SKIP"; \
	fi

# ---- the compiler ----
$(B)/parser/grammar.c $(B)/parser/grammar.h: parser/grammar.y
	@mkdir -p $(@D)
	bison -Wall -o $(B)/parser/grammar.c --header=$(B)/parser/grammar.h $<
$(B)/parser/lexer.c $(B)/parser/lexer.h: parser/lexer.l $(B)/parser/grammar.h
	@mkdir -p $(@D)
	flex -o $(B)/parser/lexer.c --header-file=$(B)/parser/lexer.h $<
$(B)/parser/%.o: $(B)/parser/%.c
	$(CC) $(GENFLAGS) -c $< -o $@
$(B)/parser/parse.o: $(B)/parser/grammar.h $(B)/parser/lexer.h

$(B)/tdsl_tensor_h.inc: runtime/tdsl_tensor.h
	@mkdir -p $(@D)
	sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $< > $@
$(B)/lower/header.o: $(B)/tdsl_tensor_h.inc

# the thread pool as LLVM bitcode per target, embedded in the compiler, which
# links it into every object with a parallel loop (lower/runtime_link.c)
POOL_TARGETS := x86_64 aarch64
$(B)/runtime/tdsl_pool.%.bc: runtime/tdsl_pool.c runtime/tdsl_pool.h
	@mkdir -p $(@D)
	$(CLANG) -O2 -fPIC -fno-stack-protector -Wall -Wextra -emit-llvm -target $*-unknown-linux-gnu -c $< -o $@
$(B)/tdsl_pool_bc.inc: $(POOL_TARGETS:%=$(B)/runtime/tdsl_pool.%.bc)
	for t in $(POOL_TARGETS); do echo "static const _Alignas(16) unsigned char tdsl_pool_bc_$$t[] = {"; \
	  od -An -v -tx1 $(B)/runtime/tdsl_pool.$$t.bc | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; echo "};"; done > $@.tmp
	mv $@.tmp $@
$(B)/lower/runtime_link.o: $(B)/tdsl_pool_bc.inc

$(B)/lower/%.o: lower/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LLVM_INC) -c $< -o $@
$(B)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LLVM_INC) -c $< -o $@
$(B)/tune/%.o: tune/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LLVM_INC) -c $< -o $@
$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libtdsl.a: $(LIB_OBJ)
	ar rcs $@ $^

$(B)/onnx/onnx.pb-c.c $(B)/onnx/onnx.pb-c.h: $(ONNX_PROTO)
	@mkdir -p $(B)/onnx
	protoc-c --c_out=$(B)/onnx -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)
$(B)/onnx/onnx.pb-c.o: $(B)/onnx/onnx.pb-c.c
	$(CC) $(GENFLAGS) -c $< -o $@
$(filter-out $(B)/onnx/onnx.pb-c.o,$(ONNX_OBJ)) $(B)/repl/commands.o: $(B)/onnx/onnx.pb-c.h
$(B)/libtdsl_onnx.a: $(ONNX_OBJ)
	ar rcs $@ $^

$(B)/tdslc: $(B)/cli/tdslc.o $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS) $(ONNX_LIBS)
# the REPL: repl/ (session, statements, calls through libffi) over libtdsl.a; libedit for the terminal
$(B)/tdsl: $(B)/cli/tdsl.o $(REPL_OBJ) $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS) $(ONNX_LIBS) -ledit

# ---- tests ----
$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LLVM_INC) -c $< -o $@

$(B)/tests/parse_test: $(B)/tests/parse_test.o $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS)
# parallel loops without a schedule (tests/pool): a tdslc that flips loops to parallel
$(B)/tests/pool/parflip: $(B)/tests/pool/parflip.o $(B)/tests/pool/par_flip.o $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS)

# the randomized schedule tester (tests/sched_fuzz.c): `make fuzz-schedules N=10000 [SEED=...]
# [FUZZ_ARGS="--without tailfuse -O 0 ..."]`; a failure prints its replay command
# (tests/fuzz/triage.sh LOG minimizes every failure of a run)
$(B)/tests/sched_fuzz: $(B)/tests/sched_fuzz.o $(patsubst %.c,$(B)/%.o,$(filter-out tests/fuzz/onnx%,$(wildcard tests/fuzz/*.c))) $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS)
FUZZ_FILES = $(filter-out tests/e2e/entry_checks.tdsl tests/e2e/size_overflow.tdsl tests/e2e/externs.tdsl tests/e2e/consts.tdsl,$(wildcard tests/e2e/*.tdsl)) $(wildcard examples/*.tdsl)
N    ?= 10000
SEED ?= $(shell date +%s)
fuzz-schedules: all
	@$(MAKE) --no-print-directory $(B)/tests/sched_fuzz
	$(B)/tests/sched_fuzz -n $(N) --seed $(SEED) $(FUZZ_ARGS) $(FUZZ_FILES)

# the coverage-guided ONNX importer fuzzer (tests/fuzz/onnx_fuzz.c, libFuzzer):
# `make fuzz-onnx [FUZZ_RUNS=100000] [FUZZ_SEED=1] [FUZZ_JOBS=1] [FUZZ_ARGS=libFuzzer flags]` builds the compiler's objects
# into build-fuzz/ with clang and -fsanitize=fuzzer-no-link,address,undefined,
# seeds a corpus (the fixture models, small ONNX backend node tests) and runs
# libFuzzer: tests/fuzz/onnx_fuzz.sh prints the runs and the crashes. The same
# target without libFuzzer (onnx_fuzz_replay) replays tests/fuzz/onnx_crashes/
# in make test (the onnxfuzz group); docs/fuzzing.md
FUZZ_RUNS ?= 100000
FUZZ_SEED ?= 1
FUZZ_JOBS ?= 1
FUZZ_SAN  := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(B)/tests/fuzz/onnx_fuzz.o: CFLAGS += -DTDSL_STDLIB_DIR='"$(CURDIR)/stdlib"'
$(B)/tests/fuzz/onnx_fuzz: $(B)/tests/fuzz/onnx_fuzz.o $(B)/tests/fuzz/onnx_mutate.o $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$(CC) $(subst fuzzer-no-link,fuzzer,$(SAN)) -o $@ $^ $(LLVM_LIBS) $(LDLIBS) $(ONNX_LIBS)
$(B)/tests/fuzz/onnx_mutate.o: $(B)/onnx/onnx.pb-c.h
$(B)/tests/fuzz/onnx_fuzz_replay: $(B)/tests/fuzz/onnx_fuzz.o $(B)/tests/fuzz/onnx_fuzz_main.o $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS) $(ONNX_LIBS)
fuzz-deps: onnx-deps
	@if ! ls "$$($(CLANG) -print-resource-dir 2>/dev/null)"/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then \
	  echo "installing libclang-rt-19-dev"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq libclang-rt-19-dev >/dev/null; \
	fi
fuzz-onnx: deps onnx-deps fuzz-deps
	@$(MAKE) --no-print-directory B=build-fuzz CC=$(CLANG) SAN="$(FUZZ_SAN)" OPT=-O1 \
	  build-fuzz/tests/fuzz/onnx_fuzz build-fuzz/tests/onnx/gen_models
	B=build-fuzz FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SEED=$(FUZZ_SEED) FUZZ_JOBS=$(FUZZ_JOBS) FUZZ_ARGS="$(FUZZ_ARGS)" tests/fuzz/onnx_fuzz.sh

# vector/unrolled loops against serial ones (tests/vector/group.sh)
$(B)/tests/vector/vector_test: $(B)/tests/vector/vector_test.o $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS) -ldl

# the REPL's tensor values (tests/repl_values/group.sh)
REPL_VALUES_OBJ := $(B)/repl/tensor.o $(B)/repl/npy.o $(B)/repl/print.o
$(B)/tests/repl_values/values_test: $(B)/tests/repl_values/values_test.o $(REPL_VALUES_OBJ) $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

# TDSL's own f32 math against f64 libm (tests/math/math_test.c): sampled in make
# test (the math group), every one of the 2^32 inputs in make test-math
$(B)/tests/math/math_test: $(B)/tests/math/math_test.o $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS)
test-math: all
	@$(MAKE) --no-print-directory $(B)/tests/math/math_test
	$(B)/tests/math/math_test --exhaustive

# the ONNX fixture models, built with protobuf-c (tests/onnx/gen_models.c)
$(B)/tests/onnx/gen_models: $(B)/tests/onnx/gen_models.o $(B)/onnx/onnx.pb-c.o
	$(CC) $(SAN) -o $@ $^ $(ONNX_LIBS)
$(B)/tests/onnx/gen_models.o: $(B)/onnx/onnx.pb-c.h
# the ONNX backend node tests through the importer and the JIT (tests/onnx/conformance.c)
$(B)/tests/onnx/conformance: $(B)/tests/onnx/conformance.o $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) $(LDLIBS) $(ONNX_LIBS)
$(B)/tests/onnx/conformance.o: $(B)/onnx/onnx.pb-c.h

TEST_BINS = $(B)/tests/onnx/gen_models $(B)/tests/onnx/conformance $(B)/tests/fuzz/onnx_fuzz_replay $(B)/tests/jit_shim.o $(B)/tests/parse_test $(B)/tests/sched_fuzz \
	  $(B)/tests/pool/parflip $(B)/tests/pool/par_shim.o $(B)/tests/pool/par_flip.o \
	  $(B)/tests/vector/vector_test $(B)/tests/repl_values/values_test $(B)/tests/math/math_test
# test-build: everything the suite needs, without running it (then `tests/run.sh PATTERN...`)
test-build: all
	@$(MAKE) --no-print-directory $(TEST_BINS)
test: test-build
	@$(MAKE) --no-print-directory test-deps
	B=$(B) CC=$(CC) SAN="$(SAN)" tests/run.sh

test-asan:
	$(MAKE) B=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" OPT=-O1 test

# ---- demo: compile an example, link it into a C program, run it ----
demo: all
	@mkdir -p $(B)/demo
	$(B)/tdslc examples/linear_relu.tdsl -o $(B)/demo/linear_relu.o
	$(CC) -O2 -I$(B)/demo -o $(B)/demo/linear_relu_main examples/linear_relu_main.c $(B)/demo/linear_relu.o -lm
	$(B)/demo/linear_relu_main

# ---- course: examples/course/'s lectures 3, 4 and 6 end to end (README there).
# Not part of make test: they need python3-sklearn and python3-torch (installed
# here when missing, with OpenBLAS); everything they write goes to $(B)/course/ ----
COURSE_PY := /usr/bin/python3
.PHONY: course
course: all
	@if ! $(COURSE_PY) -c 'import numpy, sklearn, torch' 2>/dev/null || \
	    [ ! -f /usr/include/x86_64-linux-gnu/cblas.h -a ! -f /usr/include/cblas.h ]; then \
	  echo "installing python3-numpy python3-sklearn python3-torch libopenblas-dev"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq python3-numpy \
	    python3-sklearn python3-torch libopenblas-dev >/dev/null; \
	fi
	B=$(B) CC=$(CC) $(COURSE_PY) examples/course/lecture3_mlp.py
	B=$(B) CC=$(CC) sh examples/course/lecture4_blas.sh
	B=$(B) CC=$(CC) $(COURSE_PY) examples/course/lecture6_onnx.py
	B=$(B) sh examples/course/lecture9_graph.sh

clean:
	rm -rf build build-asan build-fuzz

# ---- layout: clang-format-19 with .clang-format over our C files (not the .y/.l
# grammars, not the generated files in $(B)/); installed like deps when missing ----
CLANG_FORMAT ?= clang-format-19
FORMAT_SRC = $(wildcard lang/*.[ch] parser/*.[ch] sema/*.[ch] lower/*.[ch] runtime/*.[ch] repl/*.[ch] tune/*.[ch] onnx/*.[ch] \
	       cli/*.[ch] bench/*.[ch] examples/*.[ch] tests/*.c tests/*/*.[ch])
format-deps:
	@if ! command -v $(CLANG_FORMAT) >/dev/null; then \
	  echo "installing clang-format-19"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq clang-format-19 >/dev/null; \
	fi
# rewrites the files in place
format: format-deps
	$(CLANG_FORMAT) -i $(FORMAT_SRC)
# lists the files `make format` would change and fails if there are any
format-check: format-deps
	@bad=$$(for f in $(FORMAT_SRC); do $(CLANG_FORMAT) --dry-run -Werror "$$f" >/dev/null 2>&1 || echo "$$f"; done); \
	if [ -n "$$bad" ]; then \
	  echo "clang-format would change $$(echo "$$bad" | wc -l) files (make format rewrites them):"; \
	  echo "$$bad" | sed 's/^/  /'; exit 1; \
	fi; \
	echo "format-check: $(words $(FORMAT_SRC)) files already formatted"

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- benchmarks (figures, never asserted in tests) ----
# examples with their schedules next to unscheduled copies (fns renamed NAME_ref)
EX_BENCH := softmax conv3x3 blur3 scale linear linear_relu
$(B)/bench/examples_sched.tdsl: $(EX_BENCH:%=examples/%.tdsl)
	@mkdir -p $(@D)
	cat $^ > $@
$(B)/bench/examples_ref.tdsl: $(EX_BENCH:%=examples/%.tdsl)
	@mkdir -p $(@D)
	for f in $^; do sed '/^schedule/,/^}/d' $$f; done | sed -E 's/^fn ([a-z0-9_]+)\(/fn \1_ref(/' > $@
$(B)/bench/examples_%.o: $(B)/bench/examples_%.tdsl $(B)/tdslc
	$(B)/tdslc $< -o $@ --header $(B)/bench/examples_$*.h
$(B)/bench/examples_bench: bench/examples_bench.c $(B)/bench/examples_sched.o $(B)/bench/examples_ref.o
	$(CC) -std=gnu11 -O2 -I$(B)/bench -o $@ $^ -lm -lpthread

bench: all bench-deps
	@mkdir -p $(B)/bench
	@$(MAKE) --no-print-directory $(B)/bench/jit_time $(B)/bench/matmul_bench $(B)/bench/parallel_overhead
	@echo "== tdslc wall time per example (compile to .o + .h)"
	@for f in examples/*.tdsl; do s=$$(date +%s.%N); $(B)/tdslc $$f -o $(B)/bench/ex.o; e=$$(date +%s.%N); \
	  printf "  %-28s %6.1f ms\n" $$f $$(echo "($$e - $$s) * 1000" | bc -l); done
	$(B)/bench/jit_time examples/*.tdsl
	$(B)/bench/matmul_bench -r 5 1024 2048
	TDSL_NUM_THREADS=2 $(B)/bench/parallel_overhead
	@$(MAKE) --no-print-directory $(B)/bench/repl_latency $(B)/bench/repl_ffi
	$(B)/bench/repl_latency $(B)/tdsl examples/mlp.tdsl
	$(B)/bench/repl_ffi
	@$(MAKE) --no-print-directory $(B)/bench/examples_bench
	TDSL_NUM_THREADS=1 $(B)/bench/examples_bench
	TDSL_NUM_THREADS=2 $(B)/bench/examples_bench
	@$(MAKE) --no-print-directory bench-kernels

# stdlib/nn.tdsl against OpenBLAS, oneDNN, the triad (and PyTorch where it
# imports): build/bench/kernels.md and kernels.png
bench-kernels: all bench-deps
	@$(MAKE) --no-print-directory $(B)/bench/kernels
	@rm -f $(B)/bench/torch.txt
	@if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then \
	  /usr/bin/python3 bench/kernels_torch.py > $(B)/bench/torch.txt || rm -f $(B)/bench/torch.txt; fi
	$(B)/bench/kernels --out $(B)/bench --torch $(B)/bench/torch.txt
	gnuplot -e "dat='$(B)/bench/kernels.dat'; png='$(B)/bench/kernels.png'; torch=$$([ -s $(B)/bench/torch.txt ] && echo 1 || echo 0)" \
	  bench/kernels.gp
	@echo "wrote $(B)/bench/kernels.md and $(B)/bench/kernels.png"

# stdlib/nn.tdsl for x86-64-v3 and, every fn renamed NAME_host, for --target host
$(B)/bench/nn.o: stdlib/nn.tdsl $(B)/tdslc
	@mkdir -p $(@D)
	$(B)/tdslc $< -o $@ --header $(B)/bench/nn.h
$(B)/bench/nn_host.o: stdlib/nn.tdsl $(B)/tdslc
	@mkdir -p $(@D)
	sed -E 's/^fn ([a-z0-9_]+)\(/fn \1_host(/; s/^schedule ([a-z0-9_]+)/schedule \1_host/' $< > $(B)/bench/nn_host.tdsl
	$(B)/tdslc $(B)/bench/nn_host.tdsl --target host -o $@ --header $(B)/bench/nn_host.h
KERNELS_SRC := bench/kernels.c bench/kernels_conv.c bench/kernels_dnnl.c bench/kernels_table.c bench/kernels_gather.c
$(B)/bench/kernels: $(KERNELS_SRC) bench/kernels.h bench/kernels_dnnl.h $(B)/bench/nn.o $(B)/bench/nn_host.o
	$(CC) -std=gnu11 -O2 -Wall -Wextra -fopenmp -I. -I$(B)/bench -o $@ $(KERNELS_SRC) $(B)/bench/nn.o \
	  $(B)/bench/nn_host.o -ldnnl -lopenblas -lm -lpthread

# make bench-tune: tdslc --tune (TUNE_BUDGET seconds per pipeline, default 60;
# TUNE_SEED, default 1) on the plain fns of bench/tune/ against Halide 14's
# Mullapudi2016, Adams2019 and Li2018 autoschedulers, 1 thread, side by side in
# one process (bench/tune_halide.cpp, run by bench/tune_bench.sh):
# and, for issue 6's kernels (matmul, conv3x3, softmax, layernorm, gelu),
# against stdlib/nn.tdsl's hand-written schedules: build/bench/tune.md and
# tune.png; each pipeline is tuned for x86-64-v3 and for --target host, so
# about 12 x TUNE_BUDGET + 3 minutes
TUNE_BUDGET ?= 60
TUNE_SEED   ?= 1
bench-tune: all bench-tune-deps
	@mkdir -p $(B)/bench
	@$(MAKE) --no-print-directory $(B)/bench/tune_halide.o $(B)/bench/nn.o
	B=$(B) CXX=$(CXX) TUNE_BUDGET=$(TUNE_BUDGET) TUNE_SEED=$(TUNE_SEED) sh bench/tune_bench.sh

# make bench-models: MLP (batch 1 and 64), a small CNN, a transformer MLP block and
# ResNet-18 exported from PyTorch (bench/models.py), compiled with tdslc and run
# through tests/onnx/torch_main.c at 1 and 2 threads against PyTorch eager
# (bench/models_bench.py): build/bench/models.md and models.png; a few minutes
bench-models: all bench-models-deps
	@mkdir -p $(B)/bench
	/usr/bin/python3 bench/models_bench.py $(B) $(CC)

$(B)/bench/tune_halide.o: bench/tune_halide.cpp runtime/tdsl_tensor.h
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -O2 -Wall -I. -I/usr/include/halide14 -c $< -o $@

$(B)/bench/jit_time: bench/jit_time.c $(B)/libtdsl.a
	$(CC) $(CFLAGS) $(LLVM_INC) -o $@ $< $(B)/libtdsl.a $(LLVM_LIBS) $(LDLIBS)
# the REPL's figures: start-up and first-result latency through a pty, libffi call overhead
$(B)/bench/repl_latency: bench/repl_latency.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -o $@ $< -lutil
$(B)/bench/repl_ffi: bench/repl_ffi.c $(B)/libtdsl.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LLVM_INC) -o $@ $< $(B)/libtdsl.a $(LLVM_LIBS) $(LDLIBS)
# examples/matmul.tdsl three ways: as written (x86-64-v3), renamed matmul_host
# for --target host, and renamed matmul_default with no schedule
$(B)/bench/matmul.o: examples/matmul.tdsl $(B)/tdslc
	@mkdir -p $(@D)
	$(B)/tdslc $< -o $@
$(B)/bench/matmul_host.o: examples/matmul.tdsl $(B)/tdslc
	@mkdir -p $(@D)
	sed 's/\<matmul\>/matmul_host/g' $< > $(B)/bench/matmul_host.tdsl
	$(B)/tdslc $(B)/bench/matmul_host.tdsl --target host -o $@
$(B)/bench/matmul_default.o: examples/matmul.tdsl $(B)/tdslc
	@mkdir -p $(@D)
	sed '/^schedule/,/^}/d; s/\<matmul\>/matmul_default/g' $< > $(B)/bench/matmul_default.tdsl
	$(B)/tdslc $(B)/bench/matmul_default.tdsl -o $@
$(B)/bench/matmul_bench: bench/matmul_bench.c $(B)/bench/matmul.o $(B)/bench/matmul_host.o $(B)/bench/matmul_default.o
	$(CC) -O3 -march=x86-64-v3 -Wall -I$(B)/bench -o $@ $^ -lopenblas -lm
$(B)/bench/parallel_overhead: bench/parallel_overhead.c runtime/tdsl_pool.c runtime/tdsl_pool.h
	$(CC) -std=gnu11 -O2 -Wall -Wextra -I. -o $@ bench/parallel_overhead.c runtime/tdsl_pool.c -lpthread

# make install PREFIX=... (tools, stdlib, header, man pages, CMake and make helpers)
include mk/install.mk
# make test-aarch64 (the e2e harnesses under qemu-aarch64)
include mk/aarch64.mk
# coverage-guided fuzzing: make fuzz, the fuzz group of make test (docs/fuzzing.md)
include mk/fuzz.mk
