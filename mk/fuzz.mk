# mk/fuzz.mk - coverage-guided fuzzing with libFuzzer (docs/fuzzing.md).
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="front sched ..."] [FUZZ_SEED=1] [FUZZ_FORK=0]
# builds the compiler into build-fuzz/ with clang-19 and
# -fsanitize=fuzzer-no-link,address,undefined, links each target of
# tests/fuzz/targets/ (and the ONNX importer's, tests/fuzz/onnx_fuzz.c) with
# -fsanitize=fuzzer, and runs each FUZZ_SECONDS seconds (tests/fuzz/fuzz.sh):
# each target's executions and crashes, then `fuzz: T targets, E executions,
# C crashes` (exit 1 when C > 0). The same targets without libFuzzer
# ($(B)/tests/fuzz/fz_NAME_replay, with $(CC) and $(SAN)) replay the inputs
# that found bugs, tests/fuzz/crashes/NAME/, in make test (the fuzz group).
FUZZ_SECONDS ?= 60
FUZZ_FORK ?= 1
FZ_TARGETS := front codegen sched repl npy entry
FUZZ_TARGETS ?= $(FZ_TARGETS) onnx
FZ := $(B)/tests/fuzz/targets
FZ_LDLIBS := $(LLVM_LIBS) $(LDLIBS) $(ONNX_LIBS)

FZ_OBJ_front   := $(FZ)/fz.o $(FZ)/front.o
FZ_OBJ_codegen := $(FZ)/fz.o $(FZ)/front_cg.o
FZ_OBJ_sched   := $(FZ)/fz.o $(FZ)/sched.o
FZ_OBJ_repl    := $(FZ)/fz.o $(FZ)/repl.o $(REPL_OBJ)
FZ_OBJ_npy     := $(FZ)/fz.o $(FZ)/npy.o
FZ_OBJ_entry   := $(FZ)/entry.o $(FZ)/entry_model.o $(FZ)/entry_fns.o $(FZ)/entry_fns_tdsl.o
FZ_LIB_repl    := -ledit

$(FZ)/fz.o $(FZ)/repl.o: CFLAGS += -DTDSL_SRC_DIR='"$(CURDIR)"'
$(FZ)/front_cg.o: tests/fuzz/targets/front.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DFZ_WITH_CODEGEN -c $< -o $@
# the fixed program the sched target schedules: examples/ without their
# schedule blocks, and sched_fns.tdsl, as a C string
$(FZ)/sched_fns.inc: $(wildcard examples/*.tdsl) tests/fuzz/targets/sched_fns.tdsl
	@mkdir -p $(@D)
	for f in $(wildcard examples/*.tdsl); do sed '/^schedule/,/^}/d' $$f; done | \
	  cat - tests/fuzz/targets/sched_fns.tdsl | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' > $@
$(FZ)/sched.o: $(FZ)/sched_fns.inc
$(FZ)/sched.o: CFLAGS += -I$(FZ)
# the entry target's fns, compiled ahead of time by this build's tdslc
$(FZ)/entry_fns_tdsl.o $(FZ)/entry_fns.h &: tests/fuzz/targets/entry_fns.tdsl $(B)/tdslc
	@mkdir -p $(@D)
	$(B)/tdslc $< -o $(FZ)/entry_fns_tdsl.o --header $(FZ)/entry_fns.h
$(FZ)/entry_fns.o: $(FZ)/entry_fns.h
$(FZ)/entry_fns.o: CFLAGS += -I$(FZ)

define FZ_RULES
$(B)/tests/fuzz/fz_$(1): $$(FZ_OBJ_$(1)) $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$$(CC) $$(subst fuzzer-no-link,fuzzer,$$(SAN)) -o $$@ $$^ $$(FZ_LDLIBS) $$(FZ_LIB_$(1))
$(B)/tests/fuzz/fz_$(1)_replay: $$(FZ_OBJ_$(1)) $(FZ)/replay_main.o $(B)/libtdsl_onnx.a $(B)/libtdsl.a
	$$(CC) $$(SAN) -o $$@ $$^ $$(FZ_LDLIBS) $$(FZ_LIB_$(1))
endef
$(foreach t,$(FZ_TARGETS),$(eval $(call FZ_RULES,$(t))))

TEST_BINS += $(FZ_TARGETS:%=$(B)/tests/fuzz/fz_%_replay)
FORMAT_SRC += $(wildcard tests/fuzz/targets/*.[ch])

.PHONY: fuzz fuzz-build
fuzz-build: $(FZ_TARGETS:%=$(B)/tests/fuzz/fz_%) $(B)/tests/fuzz/onnx_fuzz $(B)/tests/onnx/gen_models
fuzz: deps onnx-deps fuzz-deps test-deps
	@$(MAKE) --no-print-directory B=build-fuzz CC=$(CLANG) SAN="$(FUZZ_SAN)" OPT=-O1 fuzz-build
	B=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_SEED=$(FUZZ_SEED) FUZZ_FORK=$(FUZZ_FORK) tests/fuzz/fuzz.sh
