# kqvm test and demo guests: a GNU make fragment.
#
# The top-level Makefile includes it (with BUILD set); it can also run alone:
#     make -f guests/guests.mk BUILD=build-guests all-guests
#
# Defines:
#   GUEST_NAMES   the guests (guests/NAME.c)
#   GUEST_ELFS    $(BUILD)/guests/NAME.elf for each of them
#   GUEST_DATA    data files the guests' tests use ($(BUILD)/guests/test_rom.bin)
#   GUEST_CC      the compiler (default gcc: the host's, freestanding)
# Targets: all-guests (GUEST_ELFS and GUEST_DATA), clean-guests.
# Everything else is prefixed GUEST_/guest_ so it cannot clash with the
# includer; the rules are static pattern rules, which win over the includer's
# implicit $(BUILD)/%.o: %.c.

BUILD ?= build

# Alone, all-guests is the default goal; included, the includer's stays so.
GUEST_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),1)
guest_saved_goal := $(.DEFAULT_GOAL)

GUEST_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
GUEST_OUT := $(BUILD)/guests

GUEST_NAMES := demo test_ram test_rom test_smp test_uart test_reset test_triple \
               test_unclaimed test_int3 test_cpuid bench_pio test_irq test_irq_level \
               test_irq_mask test_madt bench_irq test_pass
GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_DATA := $(GUEST_OUT)/test_rom.bin

GUEST_CC ?= gcc
GUEST_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -nostdlib -mno-red-zone \
                -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
                -fno-unwind-tables -fcf-protection=none -fno-delete-null-pointer-checks \
                -mcmodel=small -O2 -g -Wall -Wextra -Werror -I$(GUEST_SRC)/kit -MMD -MP
GUEST_LDFLAGS := -static -nostdlib -no-pie -Wl,--no-dynamic-linker -Wl,--build-id=none \
                 -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,-z,norelro \
                 -Wl,--no-warn-rwx-segments -T $(GUEST_SRC)/kit/guest.ld

GUEST_KIT_C := serial.c idt.c gdt.c user.c smp.c power.c kit.c test.c kstring.c cmdline.c tsc.c \
               acpi.c lapic.c ioapic.c pic.c pit.c hpet.c rtc.c irq.c irqtest.c
GUEST_KIT_S := isr.S user_entry.S smp_tramp.S
GUEST_KIT_OBJS := $(GUEST_KIT_C:%.c=$(GUEST_OUT)/kit/%.o) $(GUEST_KIT_S:%.S=$(GUEST_OUT)/kit/%.o)
GUEST_START := $(GUEST_OUT)/kit/start.o
GUEST_LIB := $(GUEST_OUT)/kit/libkit.a
GUEST_OBJS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.o)

all-guests: $(GUEST_ELFS) $(GUEST_DATA)

$(GUEST_OBJS): $(GUEST_OUT)/%.o: $(GUEST_SRC)/%.c $(GUEST_SRC)/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_KIT_C:%.c=$(GUEST_OUT)/kit/%.o): $(GUEST_OUT)/kit/%.o: $(GUEST_SRC)/kit/%.c $(GUEST_SRC)/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_KIT_S:%.S=$(GUEST_OUT)/kit/%.o) $(GUEST_START): $(GUEST_OUT)/kit/%.o: $(GUEST_SRC)/kit/%.S $(GUEST_SRC)/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_LIB): $(GUEST_KIT_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# start.o first: _start is the first byte of .text (entry 0x100000).
$(GUEST_ELFS): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUEST_START) $(GUEST_LIB) $(GUEST_SRC)/kit/guest.ld
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(GUEST_START) $< $(GUEST_LIB) -lgcc

# test_rom's default expectation is the first 8 bytes, "KQVM-ROM".
$(GUEST_DATA): $(GUEST_SRC)/guests.mk
	@mkdir -p $(dir $@)
	printf 'KQVM-ROM test data for test_rom\n' >$@

clean-guests:
	rm -rf $(GUEST_OUT)

.PHONY: all-guests clean-guests
-include $(wildcard $(GUEST_OUT)/*.d $(GUEST_OUT)/kit/*.d)
ifeq ($(GUEST_STANDALONE),)
.DEFAULT_GOAL := $(guest_saved_goal)
endif
