/* vdev virtio-net: a network device connected to a host peer. */
#include "vdev/virtio/virtio.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

enum net_opt { NET_OPT_MAC, NET_OPT_PEER, NET_OPT_PEERFEATS, NET_OPT_LEGACY, NET_OPT_COUNT };

/* mac aa:bb:cc:dd:ee:ff, stored in the low 48 bits, first byte most significant. */
static bool net_parse_mac(struct resolver *r, const struct token *t, struct optval *out)
{
    uint64_t mac = 0;
    bool ok = t->len == 17;
    for (size_t i = 0; ok && i < 17; i++) {
        if (i % 3 == 2) {
            ok = t->text[i] == ':';
            continue;
        }
        int d = hex_digit_value(t->text[i]);
        ok = d >= 0;
        mac = mac << 4 | (unsigned)(d < 0 ? 0 : d);
    }
    if (!ok) {
        resolver_error(r, &t->loc, "invalid MAC address '%s': expected six hex bytes, "
                       "aa:bb:cc:dd:ee:ff", t->text);
        return false;
    }
    if (mac >> 40 & 1) {
        resolver_error(r, &t->loc, "MAC address %s is a multicast address (bit 0 of the first "
                       "byte is set)", t->text);
        return false;
    }
    out->u = mac;
    return true;
}

static const struct option_desc net_options[NET_OPT_COUNT] = {
    [NET_OPT_MAC] = { .name = "mac", .type = VT_CUSTOM, .nargs_custom = 1,
                      .parse = net_parse_mac, .arg = "aa:bb:cc:dd:ee:ff",
                      .help = "the device's MAC address" },
    [NET_OPT_PEER] = { .name = "peer", .type = VT_PATH, .arg = "PATH",
                       .help = "the host peer to connect to" },
    [NET_OPT_PEERFEATS] = { .name = "peerfeats", .type = VT_ADDRESS, .defval = "0",
                            .arg = "MASK", .help = "virtio-net feature bits the peer supports" },
    [NET_OPT_LEGACY] = VIRTIO_LEGACY_OPTION,
};

const struct vdev_type vdev_virtio_net = {
    .name = "virtio-net",
    .summary = "virtio network device",
    .arch = ARCH_ANY,
    .placement = PLACE_PCI_OR_MMIO,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = net_options,
    .noptions = NET_OPT_COUNT,
    .claims = virtio_claims,
};
