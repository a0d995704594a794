# kqvm: GNU make. Objects under build/, the binary at build/kqvm.
# Targets: all run test bench fuzz clean format

CC      ?= cc
CFLAGS  ?= -O2 -g
# Always on, whatever CFLAGS the caller gives.
KQVM_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wno-missing-field-initializers
CPPFLAGS += -Isrc -D_GNU_SOURCE -MMD -MP
BUILD   ?= build
# The architecture kqvm is built for follows the compiler: the host's, or
# arm64 in the cross build (`make test-arm64`: CC=aarch64-linux-gnu-gcc).
KQVM_ARCH := $(if $(findstring aarch64,$(shell $(CC) -dumpmachine)),arm64,x86)
# libfdt (Debian libfdt-dev); the cross build points FDT_CPPFLAGS/FDT_LDFLAGS
# at an unpacked libfdt-dev:arm64.
CPPFLAGS += $(FDT_CPPFLAGS)
LDLIBS  += $(FDT_LDFLAGS) -lfdt

SRC := $(wildcard src/*.c src/util/*.c src/config/*.c src/vdev/*.c src/vdev/virtio/*.c \
         src/vm/*.c src/irq/*.c src/pci/*.c src/pass/*.c src/boot/*.c src/arch/$(KQVM_ARCH)/*.c)
LIB_SRC := $(filter-out src/main.c,$(SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)

include guests/guests.mk

all: $(BUILD)/kqvm $(GUEST_ELFS) $(GUEST_DATA)

$(BUILD)/%.o: %.c | build-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(KQVM_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libkqvm.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/kqvm: $(BUILD)/src/main.o $(BUILD)/libkqvm.a
	$(CC) $(KQVM_CFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS) -pthread

# Static builds, for the KVM sandbox's initramfs (scripts/kvm-sandbox.sh).
$(BUILD)/kqvm.static: $(BUILD)/src/main.o $(BUILD)/libkqvm.a
	$(CC) $(KQVM_CFLAGS) $(CFLAGS) -static -o $@ $^ $(LDLIBS) -pthread

# The pass-through tests' host-side device model (runs beside kqvm in the sandbox).
$(BUILD)/passmodel.static: tests/pass/passmodel.c tests/pass/passmodel.h
	@mkdir -p $(dir $@)
	$(CC) $(KQVM_CFLAGS) $(CFLAGS) -static -o $@ $<

$(BUILD)/rawkvm.static: bench/rawkvm.c $(BUILD)/libkqvm.a
	$(CC) $(CPPFLAGS) $(KQVM_CFLAGS) $(CFLAGS) -static -o $@ $< $(BUILD)/libkqvm.a $(LDLIBS) -pthread

# The Linux boot benchmark's stopwatch (bench/linux.sh).
$(BUILD)/boottime.static: bench/boottime.c
	@mkdir -p $(dir $@)
	$(CC) $(KQVM_CFLAGS) $(CFLAGS) -static -o $@ $<

# ---- tests --------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libkqvm.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(KQVM_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libkqvm.a $(LDLIBS) -lcmocka -pthread

# What building needs (libfdt-dev); the cross build brings its own.
build-deps:
	@[ -n "$(FDT_CPPFLAGS)" ] || scripts/install-test-deps.sh --build

deps:
	@scripts/install-test-deps.sh

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(BUILD)/kqvm.static $(BUILD)/passmodel.static
	@tests/run.sh $(UNIT_BIN)

# arm64: the cross build and its guests, tested under qemu-system-aarch64
# (tests/arm64/run.sh, which tests/run.sh also runs).
include guests/arm64/guests.mk
test-arm64:
	@tests/arm64/run.sh --summary

# ---- demo, benchmarks, fuzzing ---------------------------------------------
CONFIG ?= examples/demo.qvmconf
run: all $(BUILD)/kqvm.static
	@scripts/run-vm.sh $(CONFIG)

bench: all $(BUILD)/kqvm.static $(BUILD)/rawkvm.static $(BUILD)/passmodel.static $(BUILD)/boottime.static
	@bench/run.sh

FUZZ_CC := clang
FUZZ_FLAGS := -std=gnu11 -g -O1 -Isrc -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME ?= 60
$(BUILD)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS) -pthread

fuzz: $(BUILD)/fuzz/fuzz_config
	@mkdir -p $(BUILD)/fuzz/corpus
	cp -n tests/configs/*/*.qvmconf examples/*.qvmconf $(BUILD)/fuzz/corpus/ 2>/dev/null || true
	$(BUILD)/fuzz/fuzz_config -max_total_time=$(FUZZ_TIME) -dict=tests/fuzz/qvmconf.dict \
	    -artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h src/*/*/*.h tests/unit/*.c tests/unit/*.h)

clean:
	rm -rf $(BUILD)

.PHONY: all build-deps deps test test-arm64 run bench fuzz format clean
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
