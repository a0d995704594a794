# kqvm's arm64 test guests: a GNU make fragment, included by the top-level
# Makefile. Built with the cross compiler (scripts/arm64-build.sh runs
# `make BUILD=build/arm64 CC=aarch64-linux-gnu-gcc arm64-guests`).
#   ARM64_GUEST_NAMES  the guests (guests/arm64/NAME.c)
#   ARM64_GUEST_ELFS   $(BUILD)/guests-arm64/NAME.elf
# Everything is prefixed ARM64_GUEST_/arm64_ so it cannot clash with the includer.

ARM64_GUEST_SRC := guests/arm64
ARM64_GUEST_OUT := $(BUILD)/guests-arm64
ARM64_GUEST_CC ?= aarch64-linux-gnu-gcc
ARM64_GUEST_NAMES := test_pl011 test_timer test_spi test_psci test_pass
ARM64_GUEST_ELFS := $(ARM64_GUEST_NAMES:%=$(ARM64_GUEST_OUT)/%.elf)
ARM64_GUEST_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -nostdlib -mgeneral-regs-only \
                      -mstrict-align -fno-stack-protector -fno-asynchronous-unwind-tables -O2 -g \
                      -Wall -Wextra -Werror -I$(ARM64_GUEST_SRC)/kit -I$(ARM64_GUEST_SRC)
ARM64_GUEST_LDFLAGS := -static -nostdlib -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
                       -T $(ARM64_GUEST_SRC)/kit/guest.ld
ARM64_GUEST_KIT := $(ARM64_GUEST_SRC)/kit/start.S $(ARM64_GUEST_SRC)/kit/kit.c
ARM64_GUEST_DEPS := $(ARM64_GUEST_KIT) $(wildcard $(ARM64_GUEST_SRC)/kit/*.h $(ARM64_GUEST_SRC)/*.h) \
                    guests/latency.h tests/pass/passmodel.h tests/pass/passdriver.h \
                    $(ARM64_GUEST_SRC)/kit/guest.ld $(ARM64_GUEST_SRC)/guests.mk

arm64-guests: $(ARM64_GUEST_ELFS)

$(ARM64_GUEST_ELFS): $(ARM64_GUEST_OUT)/%.elf: $(ARM64_GUEST_SRC)/%.c $(ARM64_GUEST_DEPS)
	@mkdir -p $(dir $@)
	$(ARM64_GUEST_CC) $(ARM64_GUEST_CFLAGS) $(ARM64_GUEST_LDFLAGS) -o $@ $(ARM64_GUEST_KIT) $< -lgcc

.PHONY: arm64-guests
