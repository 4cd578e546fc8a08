# tdsl.mk - .tdsl files in a plain Makefile (make install puts this in
# PREFIX/share/tdsl/; it finds tdslc relative to itself):
#   include /usr/local/share/tdsl/tdsl.mk
#   $(call tdsl_add_library,model,model.tdsl,model.sched.tdsl,host)
#   app: app.o $(model_LIB)
#   	$(CC) -o $@ app.o $(model_LIB) $(TDSL_LIBS)
#   app.o: app.c $(model_HEADER)
#   	$(CC) $(model_CFLAGS) -c app.c
# tdsl_add_library NAME,SOURCES,[SCHEDULES],[TARGET],[OPTIONS] defines
# NAME_OBJ, NAME_HEADER (NAME.h), NAME_LIB (libNAME.a), NAME_CFLAGS (-I of the
# header's directory) and the rules that run tdslc when a source or schedule
# changes. Outputs go under $(TDSL_BUILD) (default tdsl-build).
TDSL_PREFIX := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../..)
TDSLC       ?= $(TDSL_PREFIX)/bin/tdslc
TDSL_BUILD  ?= tdsl-build
TDSL_CFLAGS := -I$(TDSL_PREFIX)/include
TDSL_LIBS   := -lm -lpthread
TDSL_AR     ?= $(AR)

define tdsl_library_rules
$(1)_DIR    := $$(TDSL_BUILD)/$(1)
$(1)_OBJ    := $$($(1)_DIR)/$(1).o
$(1)_HEADER := $$($(1)_DIR)/$(1).h
$(1)_LIB    := $$($(1)_DIR)/lib$(1).a
$(1)_CFLAGS := -I$$($(1)_DIR) $$(TDSL_CFLAGS)
$$($(1)_OBJ): $(2) $(3) $$(TDSLC)
	@mkdir -p $$(@D)
	$$(TDSLC) $(2) $(addprefix --schedule ,$(3)) $(addprefix --target ,$(4)) $(5) -o $$@ --header $$($(1)_HEADER)
$$($(1)_HEADER): $$($(1)_OBJ) ;
$$($(1)_LIB): $$($(1)_OBJ)
	rm -f $$@
	$$(TDSL_AR) rcs $$@ $$<
endef
# (the rules leave the default goal as it was: the Makefile's own first target)
tdsl_add_library = $(eval tdsl_goal_ := $(.DEFAULT_GOAL))$(eval $(call tdsl_library_rules,$(strip $(1)),$(strip \
  $(2)),$(strip $(3)),$(strip $(4)),$(5)))$(eval .DEFAULT_GOAL := $(tdsl_goal_))
