/* What sysfs says about a host PCI device before kqvm opens it with VFIO
 * (Documentation/driver-api/vfio.rst): which device an entry names, whether
 * it is bound to vfio-pci, its IOMMU group, and whether the group is viable
 * (VFIO gives user space a group only when every device in it is bound to a
 * VFIO driver or to none). The root is a parameter so that the tests can
 * build a tree of their own. */
#include "pass/vfio.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VFIO_DRIVER "vfio-pci"

/* snprintf's result: false when the text did not fit (a name too long to be
 * a PCI device's). */
static bool fits(int n, size_t len)
{
    return n >= 0 && (size_t)n < len;
}

/* The last component of the symbolic link at path, or false. */
static bool link_name(const char *path, char *out, size_t len)
{
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n < 0)
        return false;
    target[n] = '\0';
    const char *slash = strrchr(target, '/');
    return fits(snprintf(out, len, "%s", slash ? slash + 1 : target), len);
}

static bool read_hex(const char *path, unsigned long *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fscanf(f, "%lx", v) == 1;
    fclose(f);
    return ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pci:VID/DID/INDEX: the INDEX-th device with those IDs, in name order. */
static bool find_by_id(const char *sysfs, const struct guest_loc *host, char name[VFIO_NAME_MAX],
                       char *err, size_t errlen)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/bus/pci/devices", sysfs);
    struct dirent **list;
    int n = scandir(dir, &list, NULL, NULL);
    if (n < 0) {
        snprintf(err, errlen, "cannot list %s: %s", dir, strerror(errno));
        return false;
    }
    qsort(list, (size_t)n, sizeof(*list), by_name);
    unsigned seen = 0;
    bool found = false;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        unsigned long vid, did;
        const char *dev = list[i]->d_name;
        bool ids = fits(snprintf(path, sizeof(path), "%s/%s/vendor", dir, dev), sizeof(path)) &&
                   read_hex(path, &vid) &&
                   fits(snprintf(path, sizeof(path), "%s/%s/device", dir, dev), sizeof(path)) &&
                   read_hex(path, &did);
        if (!found && ids && vid == host->vid && did == host->did && seen++ == host->index)
            found = fits(snprintf(name, VFIO_NAME_MAX, "%s", dev), VFIO_NAME_MAX);
        free(list[i]);
    }
    free(list);
    if (!found)
        snprintf(err, errlen, "no PCI device %04x:%04x (index %u) on this host: %u found in %s",
                 host->vid, host->did, host->index, seen, dir);
    return found;
}

bool vfio_sysfs_find(const char *sysfs, const struct guest_loc *host, char name[VFIO_NAME_MAX],
                     char *err, size_t errlen)
{
    if (host->space == LOC_PCI_ID)
        return find_by_id(sysfs, host, name, err, errlen);
    snprintf(name, VFIO_NAME_MAX, "%04x:%02x:%02x.%x", host->domain, host->bus, host->dev,
             host->fn);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs, name);
    if (access(path, F_OK) == 0)
        return true;
    snprintf(err, errlen, "no PCI device %s on this host (%s does not exist)", name, path);
    return false;
}

/* Whether device dev lets its group be viable; its driver in driver. */
static bool member_ok(const char *sysfs, const char *dev, char *driver, size_t len)
{
    char path[PATH_MAX];
    if (!fits(snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", sysfs, dev),
              sizeof(path)) ||
        !link_name(path, driver, len))
        return true; /* no driver: nothing else can touch it */
    return strcmp(driver, VFIO_DRIVER) == 0;
}

int vfio_sysfs_group(const char *sysfs, const char *name, char *err, size_t errlen)
{
    char path[PATH_MAX], driver[64], group[32];
    snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", sysfs, name);
    if (!link_name(path, driver, sizeof(driver))) {
        snprintf(err, errlen, "%s is not bound to %s (it has no driver): bind it with "
                 "`echo %s > %s/bus/pci/devices/%s/driver_override; echo %s > "
                 "%s/bus/pci/drivers_probe`",
                 name, VFIO_DRIVER, VFIO_DRIVER, sysfs, name, name, sysfs);
        return -1;
    }
    if (strcmp(driver, VFIO_DRIVER) != 0) {
        snprintf(err, errlen, "%s is bound to %s, not %s: unbind it (`echo %s > "
                 "%s/bus/pci/devices/%s/driver/unbind`) and bind it to %s",
                 name, driver, VFIO_DRIVER, name, sysfs, name, VFIO_DRIVER);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", sysfs, name);
    if (!link_name(path, group, sizeof(group))) {
        snprintf(err, errlen, "%s has no IOMMU group: the host's IOMMU is off or absent "
                 "(boot with intel_iommu=on or amd_iommu=on; VFIO needs an IOMMU)", name);
        return -1;
    }
    char *end;
    long number = strtol(group, &end, 10);
    if (*end || number < 0 || number > INT_MAX) {
        snprintf(err, errlen, "%s: IOMMU group '%s' is not a number", name, group);
        return -1;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups/%s/devices", sysfs, group);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot list IOMMU group %s (%s): %s", group, dir, strerror(errno));
        return -1;
    }
    int result = (int)number;
    for (struct dirent *e; result >= 0 && (e = readdir(d));) {
        if (e->d_name[0] == '.' || member_ok(sysfs, e->d_name, driver, sizeof(driver)))
            continue;
        snprintf(err, errlen, "IOMMU group %s of %s is not viable: %s in the same group is "
                 "bound to %s; every device of the group must be bound to %s or to no driver",
                 group, name, e->d_name, driver, VFIO_DRIVER);
        result = -1;
    }
    closedir(d);
    return result;
}
