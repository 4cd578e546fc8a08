# mk/install.mk - make install PREFIX=... [DESTDIR=...]: the tools, the stdlib
# where they look for `use NAME` modules (<bin>/../share/tdsl/stdlib), the
# descriptor header, the manual pages and the build-system helpers:
#   PREFIX/bin/tdslc, tdsl
#   PREFIX/share/tdsl/stdlib/*.tdsl
#   PREFIX/include/tdsl_tensor.h
#   PREFIX/share/man/man1/tdslc.1, tdsl.1
#   PREFIX/lib/cmake/TDSL/TDSLConfig.cmake (find_package(TDSL), tdsl_add_library)
#   PREFIX/share/tdsl/tdsl.mk (the same for make)
# make uninstall PREFIX=... removes them. pkg-deps: g++ and cmake, which the
# pkg test group uses (make test installs them when missing).
PREFIX       ?= /usr/local
TDSL_VERSION := 0.12
INST         := $(DESTDIR)$(PREFIX)

.PHONY: install install-files uninstall pkg-deps
install: all
	@$(MAKE) --no-print-directory install-files
# the copies alone, from $(B) as it is (tests/pkg installs into a scratch prefix)
install-files:
	install -d $(INST)/bin $(INST)/share/tdsl/stdlib $(INST)/include $(INST)/share/man/man1 $(INST)/lib/cmake/TDSL
	install -m 755 $(B)/tdslc $(B)/tdsl $(INST)/bin/
	install -m 644 stdlib/*.tdsl $(INST)/share/tdsl/stdlib/
	install -m 644 runtime/tdsl_tensor.h $(INST)/include/
	install -m 644 man/tdslc.1 man/tdsl.1 $(INST)/share/man/man1/
	install -m 644 pkg/TDSLConfig.cmake $(INST)/lib/cmake/TDSL/
	sed 's/@VERSION@/$(TDSL_VERSION)/' pkg/TDSLConfigVersion.cmake.in > $(INST)/lib/cmake/TDSL/TDSLConfigVersion.cmake
	install -m 644 pkg/tdsl.mk $(INST)/share/tdsl/

uninstall:
	rm -f $(INST)/bin/tdslc $(INST)/bin/tdsl $(INST)/include/tdsl_tensor.h \
	  $(INST)/share/man/man1/tdslc.1 $(INST)/share/man/man1/tdsl.1 $(INST)/share/tdsl/tdsl.mk
	rm -rf $(INST)/share/tdsl/stdlib $(INST)/lib/cmake/TDSL
	-rmdir $(INST)/share/tdsl 2>/dev/null

pkg-deps:
	@if ! command -v g++ >/dev/null || ! command -v cmake >/dev/null; then \
	  echo "installing g++ cmake"; \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq g++ cmake >/dev/null; } || \
	    echo "could not install g++ and cmake: the pkg tests will fail"; \
	fi
test-deps: pkg-deps
