# SPDX-License-Identifier: LGPL-2.1-or-later
# nslab: one readable GNU Makefile.  make | make check | make install | make asan
VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
# libpcap is loaded by nslab-capture only (src/capture_main.c): every other
# nslab process starts without it and the libraries it brings.
PKGS_CORE := libmnl yaml-0.1 jansson libnftables
PKGS := $(PKGS_CORE) libpcap
LIBEXECDIR ?= $(PREFIX)/libexec/nslab

WARN := -Wall -Wextra -Werror=shadow -Werror=strict-prototypes -Werror=missing-prototypes \
	-Werror=implicit-function-declaration -Werror=format=2 -Werror=return-type -Wswitch-enum \
	-Wno-unused-parameter -Wno-switch-enum -Wno-format-truncation
ifeq ($(CI),true)
WARN += -Werror
endif
OPT ?= -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS ?=
CFLAGS += -std=gnu11 -D_GNU_SOURCE -DNSLAB_VERSION=\"$(VERSION)\" -DNSLAB_LIBMNL_VERSION=\"$(shell $(PKG_CONFIG) --modversion libmnl)\" \
	-DNSLAB_LIBEXECDIR=\"$(LIBEXECDIR)\" $(OPT) $(WARN) -Iinclude -Ilib \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm
LDLIBS_CORE := $(shell $(PKG_CONFIG) --libs $(PKGS_CORE)) -lm

LIB_SRC := $(sort $(wildcard lib/*.c))
CLI_SRC := $(sort $(wildcard src/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
# nslab: every CLI object but nslab-capture's; nslab-capture: its own main,
# the capture command and the shared CLI pieces.
CAPTURE_OBJ := $(addprefix $(BUILD)/src/,capture_main.o cmd_capture.o cli.o labsel.o)
NSLAB_OBJ := $(filter-out $(BUILD)/src/capture_main.o $(BUILD)/src/cmd_capture.o,$(CLI_OBJ))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/nslab $(BUILD)/nslab-capture $(UNIT_BIN) $(BUILD)/fuzz/fuzz_topo

# Without -fsanitize=fuzzer the fuzz target's main() replays the files it is given.
$(BUILD)/fuzz/fuzz_topo: $(BUILD)/tests/fuzz/fuzz_topo.o $(BUILD)/libnslab.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer build (clang): make fuzz; then build-fuzz/fuzz_topo tests/fixtures/*/
fuzz:
	@mkdir -p build-fuzz
	clang -std=gnu11 -D_GNU_SOURCE -DNSLAB_LIBFUZZER -DNSLAB_VERSION=\"$(VERSION)\" -DNSLAB_LIBMNL_VERSION=\"fuzz\" -g -O1 -fsanitize=fuzzer,address,undefined \
		$(shell $(PKG_CONFIG) --cflags $(PKGS)) -Iinclude -Ilib -o build-fuzz/fuzz_topo \
		tests/fuzz/fuzz_topo.c lib/*.c $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm

$(BUILD)/%.o: %.c $(wildcard include/nslab/*.h lib/*.h src/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libnslab.a: $(LIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(BUILD)/nslab: $(NSLAB_OBJ) $(BUILD)/libnslab.a
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE)

$(BUILD)/nslab-capture: $(CAPTURE_OBJ) $(BUILD)/libnslab.a
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libnslab.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests need no root; integration tests need root and run sandboxed.
check: all
	NSLAB=$(abspath $(BUILD)/nslab) UNIT_DIR=$(abspath $(BUILD)/tests) tests/run.sh

check-unit: all
	NSLAB=$(abspath $(BUILD)/nslab) UNIT_DIR=$(abspath $(BUILD)/tests) tests/run.sh --unit

# Tests that need a stock kernel (cgroup v2 memory controller, later netem,
# GRE, dummy), run in a throwaway VM: ../shared/vm (setup.sh once per machine).
SHARED ?= ../shared
VM_TESTS ?= t_net_limits t_rule1_host_defaults t_netem t_fallback_tunnels t_tunnel_gre_dummy
# The VM's own host namespace forwards and filters, as many hosts do, so
# that rule 1 (nodes start with forwarding off, rp_filter 0) is tested.
# ip_gre and dummy are loaded first, with net.core.fb_tunnels_only_for_init_net
# left at the kernel's default (0): every namespace a test makes then holds
# the fallback devices gre0, gretap0 and erspan0, as on a stock host where a
# GRE tunnel was ever used, and every VM test deploys with them.
# Without KVM the VM emulates its CPU (TCG), several times slower: each test
# gets VM_TEST_TIMEOUT seconds there instead of the suite's 240.
VM_TEST_TIMEOUT ?= 900
check-vm: all
	bash $(SHARED)/vm/run-in-vm.sh --timeout 3000 -- sh -c 'sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2 && \
		{ modprobe -q ip_gre; modprobe -q dummy; true; } && \
		NSLAB=$(abspath $(BUILD)/nslab) UNIT_DIR=$(abspath $(BUILD)/tests) \
		TEST_TIMEOUT=$(VM_TEST_TIMEOUT) tests/run.sh --no-unit $(VM_TESTS)'

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"

check-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" check

install: $(BUILD)/nslab $(BUILD)/nslab-capture
	install -Dm755 $(BUILD)/nslab $(DESTDIR)$(PREFIX)/bin/nslab
	install -Dm755 $(BUILD)/nslab-capture $(DESTDIR)$(LIBEXECDIR)/nslab-capture
	install -Dm644 docs/nslab.1 $(DESTDIR)$(PREFIX)/share/man/man1/nslab.1

FMT_SRC = $(wildcard include/nslab/*.h lib/*.c lib/*.h src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)
format:
	clang-format -i $(FMT_SRC)

format-check:
	clang-format --dry-run --Werror $(FMT_SRC)

clean:
	rm -rf build build-asan build-fuzz

.PHONY: check-vm fuzz all check check-unit asan check-asan install format format-check clean
.SECONDARY:
