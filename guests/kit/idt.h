/* An IDT for vectors 0-255. Every vector has a stub that saves the GPRs and
 * calls the C dispatcher with a struct idt_frame; a handler installed with
 * idt_set_handler runs there and may change the frame (e.g. rip) before the
 * iretq. A vector without a handler reports
 *   KQVM-TEST: FAIL exception <vector> err <code> rip <rip>
 * and powers off. */
#ifndef KIT_IDT_H
#define KIT_IDT_H

#include <stdint.h>

struct idt_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error; /* error is 0 for vectors without an error code */
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*idt_handler_t)(struct idt_frame *f);

/* Fills the IDT (interrupt gates, DPL 0 except #BP and #OF, which are DPL 3
 * like on Linux) and loads it. Called by kit_init. */
void idt_init(void);
/* Loads the (shared) IDT on this vCPU; for application processors. */
void idt_load(void);
/* Installs h for vector (NULL restores the report-and-power-off default). */
void idt_set_handler(unsigned vector, idt_handler_t h);
/* Sets the gate's DPL (3: "int n" works from CPL 3). */
void idt_set_dpl(unsigned vector, unsigned dpl);
/* The default action: prints the FAIL line (and the frame) and powers off.
 * For handlers that only want some of a vector's occurrences. */
__attribute__((noreturn)) void idt_unhandled(struct idt_frame *f);
/* Makes the gate switch to IST stack ist (1-7, see tss_set_ist; 0: none). */
void idt_set_ist(unsigned vector, unsigned ist);
/* Points the gate at a raw entry (no frame, no dispatcher), DPL dpl. */
void idt_set_raw_gate(unsigned vector, void (*entry)(void), unsigned dpl);

#endif
