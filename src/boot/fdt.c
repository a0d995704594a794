/* The arm64 guest's device tree, from the spec (see fdt.h). */
#include "boot/fdt.h"

#include "util/log.h"
#include "vdev/gic.h"
#include "vdev/vdev.h"

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* interrupt specifier: <type number flags> */
#define GIC_FDT_SPI          0
#define GIC_FDT_PPI          1
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_LEVEL_HIGH  4
#define APB_CLOCK_HZ         24000000u
#define PHANDLE_GIC          1
#define PHANDLE_CLK          2

extern const struct vdev_type vdev_pl011, vdev_ser8250;

static const struct mem_spec *lowest_ram(const struct vm_spec *spec)
{
    const struct mem_spec *low = NULL;
    for (unsigned i = 0; i < spec->nmem; i++)
        if (!spec->mem[i].rom && (!low || spec->mem[i].base < low->base))
            low = &spec->mem[i];
    return low;
}

bool fdt_area(const struct vm_spec *spec, uint64_t *base)
{
    const struct mem_spec *m = lowest_ram(spec);
    if (!m || m->length < 2 * FDT_AREA_SIZE)
        return false;
    *base = (m->base + m->length - FDT_AREA_SIZE) & ~(FDT_AREA_SIZE - 1);
    return *base >= m->base;
}

bool fdt_initrd_addr(const struct vm_spec *spec, uint64_t size, uint64_t *addr)
{
    uint64_t area;
    const struct mem_spec *m = lowest_ram(spec);
    if (!fdt_area(spec, &area) || size > area - m->base)
        return false;
    *addr = (area - size) & ~0xfffull;
    return true;
}

uint64_t fdt_cpu_mpidr(unsigned index)
{
    /* KVM: Aff0 = vcpu_id[3:0], Aff1 = vcpu_id[11:4] */
    return (uint64_t)(index >> 4 & 0xff) << 8 | (index & 0xf);
}

/* libfdt's sequential writer: every call checked through one flag. */
struct fdtw {
    void *buf;
    int err;
};

static void chk(struct fdtw *w, int r)
{
    if (r < 0 && !w->err)
        w->err = r;
}

static void prop_u32(struct fdtw *w, const char *name, uint32_t v)
{
    chk(w, fdt_property_u32(w->buf, name, v));
}

static void prop_u64(struct fdtw *w, const char *name, uint64_t v)
{
    chk(w, fdt_property_u64(w->buf, name, v));
}

static void prop_str(struct fdtw *w, const char *name, const char *s)
{
    chk(w, fdt_property_string(w->buf, name, s));
}

/* A property of n 32-bit cells. */
static void prop_cells(struct fdtw *w, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t be[16];
    for (unsigned i = 0; i < n && i < 16; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    chk(w, fdt_property(w->buf, name, be, (int)(n * sizeof(fdt32_t))));
}

/* reg = <addr size> pairs with #address-cells = #size-cells = 2. */
static void prop_reg(struct fdtw *w, const uint64_t *pairs, unsigned npairs)
{
    uint32_t cells[16];
    unsigned n = 0;
    for (unsigned i = 0; i < 2 * npairs && n + 2 <= 16; i++) {
        cells[n++] = (uint32_t)(pairs[i] >> 32);
        cells[n++] = (uint32_t)pairs[i];
    }
    prop_cells(w, "reg", cells, n);
}

static void begin_node(struct fdtw *w, const char *name, uint64_t unit, bool has_unit)
{
    char n[64];
    if (has_unit)
        snprintf(n, sizeof(n), "%s@%llx", name, (unsigned long long)unit);
    else
        snprintf(n, sizeof(n), "%s", name);
    chk(w, fdt_begin_node(w->buf, n));
}

static void end_node(struct fdtw *w)
{
    chk(w, fdt_end_node(w->buf));
}

/* The SPI a vdev's first intr names, as an interrupts property. */
static void prop_spi(struct fdtw *w, const struct vdev_spec *v)
{
    if (!v->nintr || v->intr[0].line < GIC_FIRST_SPI)
        return;
    uint32_t irq[3] = { GIC_FDT_SPI, v->intr[0].line - GIC_FIRST_SPI, IRQ_TYPE_LEVEL_HIGH };
    prop_cells(w, "interrupts", irq, 3);
}

static void node_cpus(struct fdtw *w, const struct vm_spec *spec)
{
    begin_node(w, "cpus", 0, false);
    prop_u32(w, "#address-cells", 1);
    prop_u32(w, "#size-cells", 0);
    for (unsigned i = 0; i < spec->ncpus; i++) {
        uint64_t mpidr = fdt_cpu_mpidr(i);
        begin_node(w, "cpu", mpidr, true);
        prop_str(w, "device_type", "cpu");
        prop_str(w, "compatible", "arm,arm-v8");
        prop_u32(w, "reg", (uint32_t)mpidr);
        prop_str(w, "enable-method", "psci");
        end_node(w);
    }
    end_node(w);
    begin_node(w, "psci", 0, false);
    static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
    chk(w, fdt_property(w->buf, "compatible", psci, sizeof(psci)));
    prop_str(w, "method", "hvc");
    end_node(w);
}

static void node_gic(struct fdtw *w, const struct vm_spec *spec, const struct gic_layout *g)
{
    begin_node(w, "intc", g->dist, true);
    if (g->version == 3) {
        prop_str(w, "compatible", "arm,gic-v3");
        uint64_t reg[] = { g->dist, GICV3_DIST_SIZE, g->gicr,
                           (uint64_t)GICR_SIZE_PER_CPU * spec->ncpus };
        prop_reg(w, reg, 2);
        prop_u32(w, "#redistributor-regions", 1);
    } else {
        prop_str(w, "compatible", "arm,cortex-a15-gic");
        uint64_t reg[] = { g->dist, GICV2_DIST_SIZE, g->gicc, GICC_SIZE };
        prop_reg(w, reg, 2);
    }
    prop_u32(w, "#interrupt-cells", 3);
    chk(w, fdt_property(w->buf, "interrupt-controller", NULL, 0));
    prop_u32(w, "#address-cells", 2);
    prop_u32(w, "#size-cells", 2);
    chk(w, fdt_property(w->buf, "ranges", NULL, 0));
    prop_u32(w, "phandle", PHANDLE_GIC);
    end_node(w);
}

static void node_timer(struct fdtw *w, const struct vm_spec *spec, const struct gic_layout *g)
{
    /* GICv2 PPI specifiers carry the CPU mask in bits 15:8 */
    uint32_t flags = IRQ_TYPE_LEVEL_HIGH;
    if (g->version == 2)
        flags |= ((1u << (spec->ncpus > 8 ? 8 : spec->ncpus)) - 1) << 8;
    uint32_t irqs[12] = {
        GIC_FDT_PPI, GIC_PPI_SEC_TIMER - 16,  flags, GIC_FDT_PPI, GIC_PPI_PHYS_TIMER - 16, flags,
        GIC_FDT_PPI, GIC_PPI_VIRT_TIMER - 16, flags, GIC_FDT_PPI, GIC_PPI_HYP_TIMER - 16,  flags,
    };
    begin_node(w, "timer", 0, false);
    prop_str(w, "compatible", "arm,armv8-timer");
    prop_cells(w, "interrupts", irqs, 12);
    chk(w, fdt_property(w->buf, "always-on", NULL, 0));
    end_node(w);
}

/* The UARTs; the first pl011 (else the first ser8250) is the console. */
static void node_uarts(struct fdtw *w, const struct vm_spec *spec, char *console, size_t size)
{
    bool clock = false;
    for (unsigned i = 0; i < spec->nvdevs; i++) {
        const struct vdev_spec *v = &spec->vdevs[i];
        if (v->type != &vdev_pl011)
            continue;
        if (!clock) {
            begin_node(w, "apb-pclk", 0, false);
            prop_str(w, "compatible", "fixed-clock");
            prop_u32(w, "#clock-cells", 0);
            prop_u32(w, "clock-frequency", APB_CLOCK_HZ);
            prop_str(w, "clock-output-names", "clk24mhz");
            prop_u32(w, "phandle", PHANDLE_CLK);
            end_node(w);
            clock = true;
        }
        begin_node(w, "pl011", v->loc.addr, true);
        static const char compat[] = "arm,pl011\0arm,primecell";
        chk(w, fdt_property(w->buf, "compatible", compat, sizeof(compat)));
        uint64_t reg[] = { v->loc.addr, 0x1000 };
        prop_reg(w, reg, 1);
        prop_spi(w, v);
        uint32_t clocks[] = { PHANDLE_CLK, PHANDLE_CLK };
        prop_cells(w, "clocks", clocks, 2);
        static const char names[] = "uartclk\0apb_pclk";
        chk(w, fdt_property(w->buf, "clock-names", names, sizeof(names)));
        end_node(w);
        if (!console[0])
            snprintf(console, size, "/pl011@%llx", (unsigned long long)v->loc.addr);
    }
    for (unsigned i = 0; i < spec->nvdevs; i++) {
        const struct vdev_spec *v = &spec->vdevs[i];
        if (v->type != &vdev_ser8250 || v->loc.space != LOC_MEM)
            continue;
        begin_node(w, "serial", v->loc.addr, true);
        prop_str(w, "compatible", "ns16550a");
        uint64_t reg[] = { v->loc.addr, 8 };
        prop_reg(w, reg, 1);
        prop_spi(w, v);
        prop_u32(w, "clock-frequency", 1843200);
        end_node(w);
        if (!console[0])
            snprintf(console, size, "/serial@%llx", (unsigned long long)v->loc.addr);
    }
}

/* Each pass entry with a memory region or an SPI: a node the guest's driver
 * finds by compatible "kqvm,pass" (Linux binds none by itself; uio_pdrv_genirq
 * can take it with of_id=kqvm,pass). Its interrupt is level-high, as kqvm
 * forwards it: asserted until the guest's EOI, and the host source masked
 * until then. With the `u` attribute kqvm pulses the line and unmasks at
 * once, an edge: rising. */
static void node_passes(struct fdtw *w, const struct vm_spec *spec)
{
    for (unsigned i = 0; i < spec->npasses; i++) {
        const struct pass_spec *p = &spec->passes[i];
        bool mem = p->has_loc && p->loc.space == LOC_MEM;
        bool spi = p->has_intr && p->intr.line >= GIC_FIRST_SPI;
        if (!mem && !spi)
            continue;
        char name[32];
        if (mem) {
            begin_node(w, "pass", p->loc.addr, true);
        } else {
            snprintf(name, sizeof(name), "pass-%u", i);
            begin_node(w, name, 0, false);
        }
        prop_str(w, "compatible", "kqvm,pass");
        if (mem) {
            uint64_t reg[] = { p->loc.addr, p->length };
            prop_reg(w, reg, 1);
        }
        if (spi) {
            uint32_t irq[3] = { GIC_FDT_SPI, p->intr.line - GIC_FIRST_SPI,
                                p->intr_attr & PASS_INTR_UNMASK ? IRQ_TYPE_EDGE_RISING
                                                                : IRQ_TYPE_LEVEL_HIGH };
            prop_cells(w, "interrupts", irq, 3);
        }
        end_node(w);
    }
}

bool fdt_generate(const struct vm_spec *spec, const struct fdt_boot *b, void *buf, size_t size)
{
    const struct gic_layout *g = gic_layout(spec);
    if (!g) {
        log_internal("device tree: no gic in an arm64 configuration");
        return false;
    }
    struct fdtw w = { .buf = buf };
    chk(&w, fdt_create(buf, (int)size));
    chk(&w, fdt_finish_reservemap(buf));
    chk(&w, fdt_begin_node(buf, ""));
    prop_u32(&w, "#address-cells", 2);
    prop_u32(&w, "#size-cells", 2);
    prop_str(&w, "compatible", "linux,dummy-virt");
    prop_str(&w, "model", "kqvm");
    prop_u32(&w, "interrupt-parent", PHANDLE_GIC);

    char console[64] = "";
    /* the UART nodes come first so chosen can name the console; the order
     * of nodes in a tree carries no meaning */
    node_uarts(&w, spec, console, sizeof(console));
    begin_node(&w, "chosen", 0, false);
    if (spec->cmdline)
        prop_str(&w, "bootargs", spec->cmdline);
    if (console[0])
        prop_str(&w, "stdout-path", console);
    if (b && b->initrd_end > b->initrd_start) {
        prop_u64(&w, "linux,initrd-start", b->initrd_start);
        prop_u64(&w, "linux,initrd-end", b->initrd_end);
    }
    end_node(&w);
    for (unsigned i = 0; i < spec->nmem; i++) {
        const struct mem_spec *m = &spec->mem[i];
        if (m->rom)
            continue;
        begin_node(&w, "memory", m->base, true);
        prop_str(&w, "device_type", "memory");
        uint64_t reg[] = { m->base, m->length };
        prop_reg(&w, reg, 1);
        end_node(&w);
    }
    node_cpus(&w, spec);
    node_gic(&w, spec, g);
    node_timer(&w, spec, g);
    node_passes(&w, spec);
    chk(&w, fdt_end_node(buf));
    chk(&w, fdt_finish(buf));
    if (w.err) {
        log_error("device tree: %s (it must fit in %zu bytes)", fdt_strerror(w.err), size);
        return false;
    }
    return true;
}

bool fdt_dump(const char *path, const void *fdt)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t n = fdt_totalsize(fdt);
    if (fd < 0 || write(fd, fdt, n) != (ssize_t)n) {
        log_error("fdt-dump-file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    close(fd);
    log_info("device tree written to %s (%zu bytes)", path, n);
    return true;
}
