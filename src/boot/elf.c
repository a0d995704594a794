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

/* ELF notes: name (padded to 4), then desc (padded to 4), after a 12-byte header. */
bool elf_find_note(const uint8_t *img, size_t size, const char *name, uint32_t type,
                   const uint8_t **desc, uint32_t *desc_len)
{
    Elf64_Ehdr eh;
    if (size < sizeof(eh))
        return false;
    memcpy(&eh, img, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > size || (size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum)
        return false;
    size_t name_len = strlen(name) + 1;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_NOTE || ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            continue;
        const uint8_t *p = img + ph.p_offset;
        uint64_t left = ph.p_filesz;
        while (left >= sizeof(Elf64_Nhdr)) {
            Elf64_Nhdr nh;
            memcpy(&nh, p, sizeof(nh));
            uint64_t nsz = ((uint64_t)nh.n_namesz + 3) & ~3ull;
            uint64_t dsz = ((uint64_t)nh.n_descsz + 3) & ~3ull;
            if (nsz > left - sizeof(nh) || dsz > left - sizeof(nh) - nsz)
                break;
            const uint8_t *n = p + sizeof(nh);
            if (nh.n_type == type && nh.n_namesz == name_len && !memcmp(n, name, name_len)) {
                *desc = n + nsz;
                *desc_len = nh.n_descsz;
                return true;
            }
            p += sizeof(nh) + nsz + dsz;
            left -= sizeof(nh) + nsz + dsz;
        }
    }
    return false;
}
