#include "boot/elf.h"

#include <elf.h>
#include <string.h>

bool elf_is_elf(const uint8_t *img, size_t size)
{
    return size >= SELFMAG && memcmp(img, ELFMAG, SELFMAG) == 0;
}

bool elf_load(const struct guestmem *mem, const uint8_t *img, size_t size, unsigned machine,
              struct elf_loaded *out, const char **why)
{
    Elf64_Ehdr eh;
    if (size < sizeof(eh)) {
        *why = "truncated ELF header";
        return false;
    }
    memcpy(&eh, img, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        *why = "not a little-endian ELF64 file";
        return false;
    }
    if (eh.e_machine != machine) {
        *why = "built for another machine";
        return false;
    }
    if (eh.e_type != ET_EXEC) {
        *why = "not an executable (ET_EXEC) ELF file";
        return false;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phoff > size ||
        (size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum) {
        *why = "bad program header table";
        return false;
    }
    *out = (struct elf_loaded){ .entry = eh.e_entry, .lo = UINT64_MAX, .hi = 0 };
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
            *why = "a segment lies outside the file";
            return false;
        }
        uint8_t *dst = guestmem_ptr(mem, ph.p_paddr, ph.p_memsz, GM_LOAD);
        if (!dst) {
            *why = "a segment lies outside guest RAM and ROM";
            return false;
        }
        memcpy(dst, img + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        if (ph.p_paddr < out->lo)
            out->lo = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > out->hi)
            out->hi = ph.p_paddr + ph.p_memsz;
    }
    if (out->hi == 0) {
        *why = "no loadable segment";
        return false;
    }
    return true;
}
