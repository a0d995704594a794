/* Linux guests on x86: the bzImage loader against synthetic images (the
 * setup header of Documentation/arch/x86/boot.rst), the initrd's placement
 * within the boot protocol's limits, vmlinux recognition by its ELF notes
 * (and note parsing on malformed images), and the e820 map derived from a
 * resolved configuration. */
#include "unit.h"

#include "arch/x86/e820.h"
#include "boot/elf.h"
#include "boot/linux.h"

#include <elf.h>

#define MiB        (1ull << 20)
#define GiB        (1ull << 30)
#define SECTOR     512
#define HDR_OFFSET 0x1f1
#define PREF       0x1000000ull /* the kernels' pref_address in these tests */
#define COUNT(a)   (sizeof(a) / sizeof((a)[0]))

/* ---- guest memory from plain buffers ------------------------------------ */

struct mem {
    struct guestmem gm;
    struct guestmem_region r[4];
};

/* Append a region (callers add them sorted by gpa); calloc only maps the
 * pages that are touched, so large regions cost nothing. */
static void mem_add(struct mem *m, uint64_t gpa, uint64_t length, bool rom)
{
    assert_true(m->gm.n < COUNT(m->r));
    uint8_t *host = calloc(1, length);
    assert_non_null(host);
    m->r[m->gm.n++] = (struct guestmem_region){ gpa, length, host, rom };
    m->gm.r = m->r;
}

static void mem_free(struct mem *m)
{
    for (unsigned i = 0; i < m->gm.n; i++)
        free(m->r[i].host);
}

/* ---- bzImage -------------------------------------------------------------- */

/* A header bzimage_load accepts: protocol 2.15, loaded high, 64-bit entry. */
static struct setup_header good_header(void)
{
    return (struct setup_header){
        .setup_sects = 4,
        .boot_flag = 0xaa55,
        .version = 0x20f,
        .loadflags = LOADED_HIGH,
        .initrd_addr_max = 0x7fffffff,
        .xloadflags = XLF_KERNEL_64,
        .cmdline_size = 2047,
        .pref_address = PREF,
        .init_size = 4 * MiB,
    };
}

/* The image: setup sectors holding h at 0x1f1 (its length in the jump's
 * byte at 0x201, as the kernel's header.S does), then kernel_size bytes of
 * protected-mode kernel in a recognisable pattern. */
static uint8_t *bz_image(const struct setup_header *h, size_t kernel_size, size_t *size)
{
    unsigned sects = h->setup_sects ? h->setup_sects : 4;
    *size = (size_t)(sects + 1) * SECTOR + kernel_size;
    uint8_t *img = calloc(1, *size);
    assert_non_null(img);
    memcpy(img + HDR_OFFSET, h, sizeof(*h));
    memcpy(img + 0x202, "HdrS", 4);
    img[0x200] = 0xeb;
    img[0x201] = (uint8_t)(HDR_OFFSET + sizeof(*h) - 0x202);
    for (size_t i = (size_t)(sects + 1) * SECTOR; i < *size; i++)
        img[i] = (uint8_t)(i * 7 + 1);
    return img;
}

/* Load h's image (kernel_size bytes of kernel) into RAM (or ROM)
 * [base, base + len). */
static bool bz_try(const struct setup_header *h, size_t kernel_size, uint64_t base, uint64_t len,
                   bool rom, struct linux_kernel *k, char *why, size_t whylen)
{
    struct mem m = { 0 };
    mem_add(&m, base, len, rom);
    size_t size;
    uint8_t *img = bz_image(h, kernel_size, &size);
    assert_true(bzimage_is(img, size));
    why[0] = 0;
    bool ok = bzimage_load(&m.gm, img, size, k, why, whylen);
    free(img);
    mem_free(&m);
    return ok;
}

static void bz_refused(const struct setup_header *h, size_t kernel_size, const char *expected)
{
    struct linux_kernel k = { 0 };
    char why[256];
    assert_false(bz_try(h, kernel_size, 0, 64 * MiB, false, &k, why, sizeof(why)));
    assert_string_equal(why, expected);
    assert_false(k.loaded);
}

/* The kernel goes to pref_address, is entered 0x200 into it, and occupies
 * init_size bytes; the limits come from the header. */
static void test_bzimage_accepted(void **state)
{
    (void)state;
    struct setup_header h = good_header();
    h.xloadflags |= XLF_CAN_BE_LOADED_ABOVE_4G;
    struct mem m = { 0 };
    mem_add(&m, 0, 64 * MiB, false);
    size_t size;
    uint8_t *img = bz_image(&h, 0x3000, &size);
    assert_int_equal(size, 5 * SECTOR + 0x3000);
    assert_true(bzimage_is(img, size));
    struct linux_kernel k = { 0 };
    char why[256] = "";
    assert_true(bzimage_load(&m.gm, img, size, &k, why, sizeof(why)));
    assert_string_equal(why, "");
    assert_true(k.loaded);
    assert_string_equal(k.kind, "bzImage");
    assert_int_equal(k.hdr.version, 0x20f);
    assert_int_equal(k.entry, PREF + 0x200);
    assert_int_equal(k.lo, PREF);
    assert_int_equal(k.hi, PREF + 4 * MiB);
    assert_int_equal(k.initrd_max, 0x7fffffff);
    assert_true(k.initrd_above_4g);
    assert_int_equal(k.cmdline_max, 2047);
    /* the protected-mode kernel, not the setup code, at pref_address */
    assert_memory_equal(m.r[0].host + PREF, img + 5 * SECTOR, 0x3000);
    assert_int_equal(m.r[0].host[PREF - 1], 0);
    assert_int_equal(m.r[0].host[PREF + 0x3000], 0);
    free(img);
    mem_free(&m);
}

/* init_size smaller than the kernel: the kernel's own size counts. No
 * setup_sects means 4. No XLF_CAN_BE_LOADED_ABOVE_4G: the initrd stays low. */
static void test_bzimage_kernel_larger_than_init_size(void **state)
{
    (void)state;
    struct setup_header h = good_header();
    h.setup_sects = 0;
    h.init_size = 0x100;
    h.initrd_addr_max = 0x37ffffff;
    h.cmdline_size = 255;
    struct linux_kernel k = { 0 };
    char why[256];
    assert_true(bz_try(&h, 0x5000, 0, 64 * MiB, false, &k, why, sizeof(why)));
    assert_int_equal(k.lo, PREF);
    assert_int_equal(k.hi, PREF + 0x5000);
    assert_int_equal(k.initrd_max, 0x37ffffff);
    assert_false(k.initrd_above_4g);
    assert_int_equal(k.cmdline_max, 255);
}

static void test_bzimage_refusals(void **state)
{
    (void)state;
    struct setup_header h = good_header();
    h.boot_flag = 0x55aa;
    bz_refused(&h, 0x1000, "no boot signature 0xaa55 at offset 0x1fe");

    h = good_header();
    h.version = 0x205;
    bz_refused(&h, 0x1000, "boot protocol 2.05 is too old: kqvm needs 2.06 or later");

    h = good_header();
    h.loadflags = 0;
    bz_refused(&h, 0x1000, "a zImage (loaded below 1 MiB) is not supported");

    const char *no64 = "it has no 64-bit entry (XLF_KERNEL_64 in xloadflags, boot protocol "
                       "2.12 or later): kqvm starts Linux in 64-bit mode";
    h = good_header();
    h.xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
    bz_refused(&h, 0x1000, no64);
    h = good_header();
    h.version = 0x20b; /* xloadflags is only defined from 2.12 */
    bz_refused(&h, 0x1000, no64);
}

/* Setup sectors that reach the end of the file: nothing is left to load. */
static void test_bzimage_setup_beyond_file(void **state)
{
    (void)state;
    struct setup_header h = good_header();
    struct linux_kernel k = { 0 };
    struct mem m = { 0 };
    mem_add(&m, 0, 64 * MiB, false);
    size_t size;
    uint8_t *img = bz_image(&h, 0, &size); /* 5 sectors, no kernel */
    img[HDR_OFFSET] = 8;                   /* setup_sects */
    char why[256];
    assert_false(bzimage_load(&m.gm, img, size, &k, why, sizeof(why)));
    assert_string_equal(why, "its setup code (8 sectors) leaves no kernel in the file");
    /* exactly the setup code, with setup_sects 4: still no kernel */
    img[HDR_OFFSET] = 4;
    assert_false(bzimage_load(&m.gm, img, size, &k, why, sizeof(why)));
    assert_string_equal(why, "its setup code (4 sectors) leaves no kernel in the file");
    assert_false(k.loaded);
    free(img);
    mem_free(&m);
}

/* RAM must hold init_size bytes from pref_address, in one region. */
static void test_bzimage_ram_too_small(void **state)
{
    (void)state;
    struct setup_header h = good_header();
    h.init_size = 20 * MiB + 1; /* MiB in the message are rounded up */
    struct linux_kernel k = { 0 };
    char why[256];
    assert_false(bz_try(&h, 0x1000, 0, 32 * MiB, false, &k, why, sizeof(why)));
    assert_string_equal(why, "it needs 21 MiB of RAM from 0x1000000 (its load address and "
                             "init_size), which guest RAM does not cover");
    /* pref_address below the only RAM region */
    h.init_size = 4 * MiB;
    const char *low = "it needs 4 MiB of RAM from 0x1000000 (its load address and init_size), "
                      "which guest RAM does not cover";
    assert_false(bz_try(&h, 0x1000, 32 * MiB, 32 * MiB, false, &k, why, sizeof(why)));
    assert_string_equal(why, low);
    /* ROM is no place for a kernel that decompresses itself */
    assert_false(bz_try(&h, 0x1000, 0, 32 * MiB, true, &k, why, sizeof(why)));
    assert_string_equal(why, low);
    /* just enough */
    assert_true(bz_try(&h, 0x1000, PREF, 4 * MiB, false, &k, why, sizeof(why)));
}

/* The header claims more bytes than the file has. */
static void test_bzimage_truncated_header(void **state)
{
    (void)state;
    struct setup_header h = good_header();
    size_t size;
    uint8_t *img = bz_image(&h, 0x1000, &size);
    struct mem m = { 0 };
    mem_add(&m, 0, 64 * MiB, false);
    struct linux_kernel k = { 0 };
    char why[256];
    size_t cut = 0x240; /* past "HdrS" and the version, before the header's end */
    assert_true(bzimage_is(img, cut));
    assert_false(bzimage_load(&m.gm, img, cut, &k, why, sizeof(why)));
    assert_string_equal(why, "its setup header is truncated");
    assert_false(bzimage_is(img, 0x205));
    memcpy(img + 0x202, "HdrZ", 4);
    assert_false(bzimage_is(img, size));
    free(img);
    mem_free(&m);
}

/* ---- initrd ----------------------------------------------------------------- */

/* RAM at 1..64 MiB, ROM at 64..65 MiB, RAM at 96..160 MiB and at 4..4.25 GiB. */
static void initrd_rig(struct mem *m)
{
    *m = (struct mem){ 0 };
    mem_add(m, 1 * MiB, 63 * MiB, false);
    mem_add(m, 64 * MiB, 1 * MiB, true);
    mem_add(m, 96 * MiB, 64 * MiB, false);
    mem_add(m, 4 * GiB, 256 * MiB, false);
}

/* Automatic placement in m for a kernel at [lo, hi): at want, or refused
 * (want 0) with why. */
struct auto_case {
    uint64_t lo, hi, initrd_max;
    bool above_4g;
    uint64_t size, want;
    const char *why;
};

static void place_auto(const struct mem *m, const struct auto_case *c, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct linux_kernel k = { .loaded = true,
                                  .kind = "bzImage",
                                  .lo = c[i].lo,
                                  .hi = c[i].hi,
                                  .initrd_max = c[i].initrd_max,
                                  .initrd_above_4g = c[i].above_4g };
        uint64_t addr = 0x1234;
        char why[256] = "";
        bool ok = initrd_place(&m->gm, &k, c[i].size, false, &addr, why, sizeof(why));
        if (c[i].want && (!ok || addr != c[i].want))
            fail_msg("case %u: expected 0x%llx, got %s 0x%llx (%s)", i,
                     (unsigned long long)c[i].want, ok ? "placed" : "refused",
                     (unsigned long long)addr, why);
        if (!c[i].want) {
            if (ok)
                fail_msg("case %u: placed at 0x%llx", i, (unsigned long long)addr);
            assert_string_equal(why, c[i].why);
            assert_int_equal(addr, 0x1234);
        }
    }
}

/* The same in initrd_rig's memory. */
static void place_auto_in_rig(const struct auto_case *c, unsigned n)
{
    struct mem m;
    initrd_rig(&m);
    place_auto(&m, c, n);
    mem_free(&m);
}

#define TWO_G 0x7fffffffull

/* Highest page in RAM under the limit (which the last byte may reach); ROM
 * is no place for it; RAM above 4 GiB is not used while something fits
 * below the limit. */
static void test_initrd_auto_highest(void **state)
{
    (void)state;
    const struct auto_case c[] = {
        { 16 * MiB, 32 * MiB, TWO_G, true, 0x1800, 160 * MiB - 0x2000, NULL },
        { 16 * MiB, 32 * MiB, TWO_G, true, 0x2000, 160 * MiB - 0x2000, NULL },
        { 16 * MiB, 32 * MiB, 48 * MiB - 1, true, 0x1000, 48 * MiB - 0x1000, NULL },
        { 16 * MiB, 32 * MiB, 48 * MiB - 2, true, 0x1000, 48 * MiB - 0x2000, NULL },
        /* the ROM at 64..65 MiB is the highest below this limit */
        { 16 * MiB, 32 * MiB, 65 * MiB - 1, true, 0x1000, 64 * MiB - 0x1000, NULL },
    };
    place_auto_in_rig(c, COUNT(c));
}

/* The top of RAM collides with the kernel: below the kernel, then, or in
 * the next region down. */
static void test_initrd_auto_below_kernel(void **state)
{
    (void)state;
    const struct auto_case c[] = {
        { 100 * MiB, 159 * MiB, TWO_G, false, 2 * MiB, 98 * MiB, NULL },
        /* the limit falls inside the kernel */
        { 100 * MiB, 159 * MiB, 110 * MiB - 1, false, 0x3000, 100 * MiB - 0x3000, NULL },
        /* just clear of the kernel's end: above it */
        { 100 * MiB, 158 * MiB, TWO_G, false, 2 * MiB, 158 * MiB, NULL },
        { 97 * MiB, 159 * MiB, TWO_G, false, 2 * MiB, 62 * MiB, NULL },
    };
    place_auto_in_rig(c, COUNT(c));

    /* RAM that does not start on a page: the initrd stays inside it */
    struct mem m = { 0 };
    mem_add(&m, 0x100800, 0x2000, false);
    const struct auto_case odd[] = {
        { PREF, 2 * PREF, TWO_G, false, 0x1000, 0x101000, NULL },
        { PREF, 2 * PREF, TWO_G, false, 0x2000, 0,
          "no RAM above 1 MiB holds its 8192 bytes below the bzImage's limit 0x7fffffff, "
          "clear of the kernel (0x1000000-0x1ffffff)" },
    };
    place_auto(&m, odd, COUNT(odd));
    mem_free(&m);
}

/* Nothing fits below the limit: above 4 GiB if the kernel allows it,
 * otherwise refused. Low memory (below 1 MiB) is never used. */
static void test_initrd_auto_above_4g_or_none(void **state)
{
    (void)state;
    const struct auto_case c[] = {
        { 16 * MiB, 60 * MiB, TWO_G, true, 80 * MiB, 4 * GiB + 176 * MiB, NULL },
        { 16 * MiB, 60 * MiB, TWO_G, false, 80 * MiB, 0,
          "no RAM above 1 MiB holds its 83886080 bytes below the bzImage's limit 0x7fffffff, "
          "clear of the kernel (0x1000000-0x3bfffff)" },
    };
    place_auto_in_rig(c, COUNT(c));

    /* RAM from 0 with the kernel at 1 MiB: 0..1 MiB would hold it, but is left alone */
    struct mem m = { 0 };
    mem_add(&m, 0, 8 * MiB, false);
    const struct auto_case low[] = {
        { 1 * MiB, 8 * MiB, TWO_G, false, 0x1000, 0,
          "no RAM above 1 MiB holds its 4096 bytes below the bzImage's limit 0x7fffffff, "
          "clear of the kernel (0x100000-0x7fffff)" },
    };
    place_auto(&m, low, 1);
    mem_free(&m);
}

/* The configuration's address: accepted (why NULL) or refused with why. */
static void given(const struct mem *m, const struct linux_kernel *k, uint64_t addr, uint64_t size,
                  const char *expected)
{
    char why[256] = "";
    uint64_t a = addr;
    bool ok = initrd_place(&m->gm, k, size, true, &a, why, sizeof(why));
    if (!expected) {
        if (!ok)
            fail_msg("0x%llx refused: %s", (unsigned long long)addr, why);
    } else {
        assert_false(ok);
        assert_string_equal(why, expected);
    }
    assert_int_equal(a, addr);
}

static void test_initrd_given_address(void **state)
{
    (void)state;
    struct mem m;
    initrd_rig(&m);
    /* a bzImage at 16..32 MiB */
    struct linux_kernel k = {
        .loaded = true, .kind = "bzImage", .lo = 16 * MiB, .hi = 32 * MiB, .initrd_max = TWO_G
    };
    given(&m, &k, 0x2000000, 2 * MiB, NULL);
    given(&m, &k, 0xfff000, 0x1000, NULL); /* just below the kernel */
    given(&m, &k, 0x2000100, 0x1000,
          "0x2000100 is not a multiple of 4 KiB (the kernel frees the initrd by pages)");
    given(&m, &k, 0x5000000, 0x1000, "0x5000000-0x5000fff is not wholly in one ram region");
    given(&m, &k, 0x3fff000, 0x2000, "0x3fff000-0x4000fff is not wholly in one ram region");
    given(&m, &k, 64 * MiB, 0x1000, "0x4000000-0x4000fff is not wholly in one ram region");
    given(&m, &k, 0xfff000, 0x2000, "it overlaps the kernel (0x1000000-0x1ffffff)");
    given(&m, &k, 0x1fff000, 0x1000, "it overlaps the kernel (0x1000000-0x1ffffff)");
    given(&m, &k, 0x1000000, 32 * MiB, "it overlaps the kernel (0x1000000-0x1ffffff)");

    k.initrd_max = 48 * MiB - 1;
    given(&m, &k, 46 * MiB, 2 * MiB, NULL);
    given(&m, &k, 46 * MiB, 2 * MiB + 1,
          "it ends at 0x3000000, above the bzImage's initrd limit 0x2ffffff");
    given(&m, &k, 4 * GiB, 0x1000,
          "it ends at 0x100000fff, above the bzImage's initrd limit 0x2ffffff");
    k.initrd_above_4g = true;
    given(&m, &k, 4 * GiB, 0x1000, NULL);
    given(&m, &k, 46 * MiB, 4 * MiB,
          "it ends at 0x31fffff, above the bzImage's initrd limit 0x2ffffff "
          "(or place it above 4 GiB)");
    mem_free(&m);
}

/* ---- vmlinux and ELF notes ------------------------------------------------- */

/* An ELF64 header, one program header at 64, its segment at 120. */
#define PH_OFF  sizeof(Elf64_Ehdr)
#define SEG_OFF (PH_OFF + sizeof(Elf64_Phdr))

struct note {
    const char *name;
    uint32_t type;
    uint32_t descsz;
};

static size_t put_note(uint8_t *p, const struct note *n)
{
    Elf64_Nhdr nh = { (uint32_t)strlen(n->name) + 1, n->descsz, n->type };
    memcpy(p, &nh, sizeof(nh));
    memcpy(p + sizeof(nh), n->name, nh.n_namesz);
    size_t at = sizeof(nh) + ((nh.n_namesz + 3) & ~3u);
    memset(p + at, 0xd5, n->descsz);
    return at + ((n->descsz + 3) & ~3u);
}

/* An x86-64 ELF whose single segment (of type ptype) holds the notes; it is
 * 256 bytes, the segment filesz bytes (0: as long as the notes). */
static uint8_t *elf_image(uint32_t ptype, const struct note *notes, unsigned nnotes,
                          uint64_t filesz)
{
    uint8_t *img = calloc(1, 256);
    assert_non_null(img);
    Elf64_Ehdr eh = { .e_type = ET_EXEC,
                      .e_machine = EM_X86_64,
                      .e_version = EV_CURRENT,
                      .e_phoff = PH_OFF,
                      .e_ehsize = sizeof(eh),
                      .e_phentsize = sizeof(Elf64_Phdr),
                      .e_phnum = 1 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(img, &eh, sizeof(eh));
    size_t len = 0;
    for (unsigned i = 0; i < nnotes; i++)
        len += put_note(img + SEG_OFF + len, &notes[i]);
    assert_true(SEG_OFF + len <= 256);
    Elf64_Phdr ph = { .p_type = ptype,
                      .p_offset = SEG_OFF,
                      .p_filesz = filesz ? filesz : len,
                      .p_memsz = filesz ? filesz : len,
                      .p_align = 4 };
    memcpy(img + PH_OFF, &ph, sizeof(ph));
    return img;
}

static const struct note linux_salt = { "Linux", 0x100, 18 };

static void test_vmlinux_is(void **state)
{
    (void)state;
    uint8_t *img = elf_image(PT_NOTE, &linux_salt, 1, 0);
    assert_true(vmlinux_is(img, 256));
    const uint8_t *desc = NULL;
    uint32_t len = 0;
    assert_true(elf_find_note(img, 256, "Linux", 0x100, &desc, &len));
    assert_ptr_equal(desc, img + SEG_OFF + sizeof(Elf64_Nhdr) + 8);
    assert_int_equal(len, 18);
    /* another machine, or not an ELF */
    ((Elf64_Ehdr *)img)->e_machine = EM_AARCH64;
    assert_false(vmlinux_is(img, 256));
    ((Elf64_Ehdr *)img)->e_machine = EM_X86_64;
    img[1] = 'X';
    assert_false(vmlinux_is(img, 256));
    free(img);

    /* Linux's note behind another one, or Xen's PVH entry, also tell */
    const struct note behind[] = { { "GNU", 3, 20 }, linux_salt };
    img = elf_image(PT_NOTE, behind, 2, 0);
    assert_true(vmlinux_is(img, 256));
    free(img);
    const struct note pvh = { "Xen", 18, 4 };
    img = elf_image(PT_NOTE, &pvh, 1, 0);
    assert_true(vmlinux_is(img, 256));
    free(img);
}

static void test_vmlinux_is_not(void **state)
{
    (void)state;
    /* the same bytes, but not in a PT_NOTE segment */
    uint8_t *img = elf_image(PT_LOAD, &linux_salt, 1, 0);
    assert_false(vmlinux_is(img, 256));
    free(img);
    /* other notes: another type, another name, a name that only starts the same */
    const struct note others[] = {
        { "Linux", 0x101, 4 }, { "GNU", 0x100, 4 }, { "Linux2", 0x100, 4 }, { "Xen", 0x100, 4 }
    };
    img = elf_image(PT_NOTE, others, 4, 0);
    assert_false(vmlinux_is(img, 256));
    free(img);
    img = elf_image(PT_NOTE, NULL, 0, 0);
    assert_false(vmlinux_is(img, 256));
    free(img);
    /* "Linux" without its NUL in n_namesz is another name */
    img = elf_image(PT_NOTE, &linux_salt, 1, 0);
    ((Elf64_Nhdr *)(img + SEG_OFF))->n_namesz = 5;
    assert_false(vmlinux_is(img, 256));
    free(img);
    /* Linux's note right after the segment, in the file but not in the segment */
    const struct note past[] = { { "GNU", 3, 64 }, linux_salt };
    img = elf_image(PT_NOTE, past, 2, sizeof(Elf64_Nhdr) + 4 + 64);
    assert_false(vmlinux_is(img, 256));
    free(img);
}

static bool has_salt(const uint8_t *img, size_t size)
{
    const uint8_t *desc = NULL;
    uint32_t len = 0;
    return elf_find_note(img, size, "Linux", 0x100, &desc, &len);
}

/* Sizes that reach beyond the segment or the file find nothing. */
static void test_elf_notes_malformed(void **state)
{
    (void)state;
    size_t whole = sizeof(Elf64_Nhdr) + 8 + 20;
    /* the segment ends inside the descriptor, though the file holds all of it */
    uint8_t *img = elf_image(PT_NOTE, &linux_salt, 1, whole - 4);
    assert_false(has_salt(img, 256));
    free(img);
    /* ... or inside the name, or the header */
    img = elf_image(PT_NOTE, &linux_salt, 1, sizeof(Elf64_Nhdr) + 4);
    assert_false(has_salt(img, 256));
    free(img);
    img = elf_image(PT_NOTE, &linux_salt, 1, sizeof(Elf64_Nhdr) - 1);
    assert_false(has_salt(img, 256));
    free(img);
    /* the exact length is enough */
    img = elf_image(PT_NOTE, &linux_salt, 1, whole);
    assert_true(has_salt(img, 256));
    /* a descriptor size near 2^32 */
    Elf64_Nhdr *nh = (Elf64_Nhdr *)(img + SEG_OFF);
    nh->n_descsz = 0xfffffffd;
    assert_false(has_salt(img, 256));
    nh->n_descsz = 20;
    nh->n_namesz = 0xffffffff;
    assert_false(has_salt(img, 256));
    nh->n_namesz = 6;
    /* the segment beyond the file */
    assert_false(has_salt(img, SEG_OFF + whole - 1));
    Elf64_Phdr *ph = (Elf64_Phdr *)(img + PH_OFF);
    ph->p_offset = 1ull << 40;
    assert_false(has_salt(img, 256));
    ph->p_offset = SEG_OFF;
    ph->p_filesz = ~0ull;
    assert_false(has_salt(img, 256));
    ph->p_filesz = whole;
    /* program headers beyond the file, or of another size */
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    eh->e_phnum = 4;
    assert_false(has_salt(img, 256));
    eh->e_phnum = 1;
    eh->e_phentsize = 32;
    assert_false(has_salt(img, 256));
    eh->e_phentsize = sizeof(Elf64_Phdr);
    assert_false(has_salt(img, sizeof(Elf64_Ehdr) - 1));
    assert_true(has_salt(img, 256));
    free(img);
}

/* ---- e820 ------------------------------------------------------------------- */

#define E(a, s, t)                                                                                 \
    {                                                                                              \
        .addr = (a), .size = (s), .type = (t)                                                      \
    }

static void e820_expect(const char *text, uint64_t acpi, uint64_t acpi_len,
                        const struct boot_e820_entry *want, int nwant)
{
    struct run *r = run_text(text);
    if (!r->ok)
        fail_msg("configuration refused:\n%s", r->msgs);
    struct boot_e820_entry got[E820_MAX_ENTRIES_ZEROPAGE];
    memset(got, 0xee, sizeof(got));
    int n = x86_e820_build(&r->f.vm, acpi, acpi_len, got, E820_MAX_ENTRIES_ZEROPAGE);
    for (int i = 0; i < n && i < nwant; i++)
        if (got[i].addr != want[i].addr || got[i].size != want[i].size ||
            got[i].type != want[i].type)
            fail_msg("entry %d: 0x%llx+0x%llx type %u, expected 0x%llx+0x%llx type %u", i,
                     (unsigned long long)got[i].addr, (unsigned long long)got[i].size, got[i].type,
                     (unsigned long long)want[i].addr, (unsigned long long)want[i].size,
                     want[i].type);
    assert_int_equal(n, nwant);
    run_free(r);
}

#define E820_EXPECT(text, acpi, acpi_len, ...)                                                     \
    do {                                                                                           \
        const struct boot_e820_entry want_[] = { __VA_ARGS__ };                                    \
        e820_expect(text, acpi, acpi_len, want_, COUNT(want_));                                    \
    } while (0)

/* kqvm's implicit ranges, reserved in every x86 map */
#define IMPLICIT E(0xfee00000, 0x1000, E820_RESERVED), E(0xfeffc000, 0x4000, E820_RESERVED)

static const char *const pc_config = "ram 0,640K\n"
                                     "ram 0x100000,127M\n"
                                     "rom 0xf0000,64K\n"
                                     "reserve loc 0x7000000,0x100000\n";

/* RAM usable, ROM reserved, a reserve range splitting RAM, ACPI data in the
 * hole below the ROM; I/O ports (acpi-pm's) are not in the map. */
static void test_e820_pc(void **state)
{
    (void)state;
    E820_EXPECT(pc_config, 0xe0000, 0x10000, E(0, 0xa0000, E820_RAM),
                E(0xe0000, 0x10000, E820_ACPI), E(0xf0000, 0x10000, E820_RESERVED),
                E(0x100000, 0x6f00000, E820_RAM), E(0x7000000, 0x100000, E820_RESERVED),
                E(0x7100000, 0xf00000, E820_RAM), IMPLICIT);
    /* no ACPI tables: no ACPI entry */
    E820_EXPECT(pc_config, 0xe0000, 0, E(0, 0xa0000, E820_RAM), E(0xf0000, 0x10000, E820_RESERVED),
                E(0x100000, 0x6f00000, E820_RAM), E(0x7000000, 0x100000, E820_RESERVED),
                E(0x7100000, 0xf00000, E820_RAM), IMPLICIT);
}

/* Overlaps: reserved and ACPI win over RAM (a reserve across RAM's end cuts
 * it short); adjacent ranges of one type merge, whichever order the
 * configuration lists them in; pass-through memory is reserved; I/O ports,
 * interrupt reserves and vdev registers are not in the map. */
static void test_e820_overlap_and_merge(void **state)
{
    (void)state;
    E820_EXPECT("reserve loc 0x9f000,0x2000\n"
                "rom 0xf0000,64K\n"
                "reserve loc 0xe0000,0x10000\n"
                "ram 0x200000,126M\n"
                "ram 0x100000,1M\n"
                "ram 0,640K\n"
                "reserve intr 5\n"
                "vdev ioapic\n"
                "vdev hpet intr ioapic:8\n"
                "pass loc mem:0xd0000000,0x1000=file:tiny.bin\n"
                "pass loc io:0x2f8,8\n"
                "reserve loc io:0x300,8\n",
                0x7ff0000, 0x10000, E(0, 0x9f000, E820_RAM), E(0x9f000, 0x2000, E820_RESERVED),
                E(0xe0000, 0x20000, E820_RESERVED), E(0x100000, 0x7ef0000, E820_RAM),
                E(0x7ff0000, 0x10000, E820_ACPI), E(0xd0000000, 0x1000, E820_RESERVED), IMPLICIT);
    /* ACPI data over a reserve range: the higher type wins */
    E820_EXPECT("ram 0,16M\nreserve loc 0x800000,0x2000\n", 0x801000, 0x2000,
                E(0, 0x800000, E820_RAM), E(0x800000, 0x1000, E820_RESERVED),
                E(0x801000, 0x2000, E820_ACPI), E(0x803000, 0x7fd000, E820_RAM), IMPLICIT);
}

/* More entries than out holds: -1, never a write past max. */
static void test_e820_too_many(void **state)
{
    (void)state;
    struct run *r = run_text(pc_config);
    assert_true(r->ok);
    struct boot_e820_entry out[9];
    memset(out, 0xee, sizeof(out));
    assert_int_equal(x86_e820_build(&r->f.vm, 0xe0000, 0x10000, out, 8), 8);
    assert_int_equal(out[7].addr, 0xfeffc000);
    assert_int_equal(out[8].type, 0xeeeeeeee);
    memset(out, 0xee, sizeof(out));
    assert_int_equal(x86_e820_build(&r->f.vm, 0xe0000, 0x10000, out, 7), -1);
    assert_int_equal(out[7].type, 0xeeeeeeee);
    assert_int_equal(x86_e820_build(&r->f.vm, 0xe0000, 0x10000, out, 0), -1);
    /* without the ACPI entry, seven are enough */
    assert_int_equal(x86_e820_build(&r->f.vm, 0xe0000, 0, out, 7), 7);
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bzimage_accepted),
        cmocka_unit_test(test_bzimage_kernel_larger_than_init_size),
        cmocka_unit_test(test_bzimage_refusals),
        cmocka_unit_test(test_bzimage_setup_beyond_file),
        cmocka_unit_test(test_bzimage_ram_too_small),
        cmocka_unit_test(test_bzimage_truncated_header),
        cmocka_unit_test(test_initrd_auto_highest),
        cmocka_unit_test(test_initrd_auto_below_kernel),
        cmocka_unit_test(test_initrd_auto_above_4g_or_none),
        cmocka_unit_test(test_initrd_given_address),
        cmocka_unit_test(test_vmlinux_is),
        cmocka_unit_test(test_vmlinux_is_not),
        cmocka_unit_test(test_elf_notes_malformed),
        cmocka_unit_test(test_e820_pc),
        cmocka_unit_test(test_e820_overlap_and_merge),
        cmocka_unit_test(test_e820_too_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
