# mk/aarch64.mk - make test-aarch64: the end-to-end harnesses (tests/e2e, as
# written and with their schedules removed, with loops made parallel, and
# tests/pool/par_sched) built with tdslc --target aarch64 and
# gcc-aarch64-linux-gnu, run under qemu-aarch64, their results compared bit for
# bit with the same harnesses built for x86-64 (tests/aarch64/group.sh). Ends
# with `N passed, M failed`. The cross compiler, qemu-user and the arm64 libc
# are installed when missing.
AARCH64_CC   ?= aarch64-linux-gnu-gcc
QEMU_AARCH64 ?= qemu-aarch64
AARCH64_PKGS := gcc-aarch64-linux-gnu qemu-user libc6-dev-arm64-cross

.PHONY: aarch64-deps test-aarch64
aarch64-deps:
	@if ! command -v $(AARCH64_CC) >/dev/null || ! command -v $(QEMU_AARCH64) >/dev/null || \
	    [ ! -f /usr/aarch64-linux-gnu/lib/libc.so.6 ]; then \
	  echo "installing $(AARCH64_PKGS)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(AARCH64_PKGS) >/dev/null; \
	fi

test-aarch64: aarch64-deps test-build
	B=$(B) CC=$(CC) AARCH64_CC=$(AARCH64_CC) QEMU_AARCH64=$(QEMU_AARCH64) GROUPS_RUN=aarch64 tests/run.sh
