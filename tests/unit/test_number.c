/* Numbers: addresses hex by default, sizes decimal by default, 0x/0d, K/M/G,
 * overflow, trailing garbage, zero sizes. */
#include "unit.h"

#include "config/number.h"

static uint64_t num(const char *s, enum num_kind k)
{
    uint64_t v = 0;
    struct num_error err;
    if (!parse_number(s, strlen(s), k, &v, &err))
        fail_msg("'%s' refused: %s", s, err.msg);
    return v;
}

static const char *num_err(const char *s, enum num_kind k, size_t *off)
{
    static struct num_error err;
    uint64_t v;
    assert_false(parse_number(s, strlen(s), k, &v, &err));
    if (off)
        *off = err.off;
    return err.msg;
}

static void test_address_is_hex_by_default(void **state)
{
    (void)state;
    assert_int_equal(num("1000", NUM_ADDRESS), 0x1000);
    assert_int_equal(num("fec00000", NUM_ADDRESS), 0xfec00000);
    assert_int_equal(num("0xFEC00000", NUM_ADDRESS), 0xfec00000);
    assert_int_equal(num("0", NUM_ADDRESS), 0);
}

static void test_size_is_decimal_by_default(void **state)
{
    (void)state;
    assert_int_equal(num("4096", NUM_SIZE), 4096);
    assert_int_equal(num("0x1000", NUM_SIZE), 4096);
    assert_int_equal(num("0X10", NUM_SIZE), 16);
}

static void test_0d_forces_decimal(void **state)
{
    (void)state;
    assert_int_equal(num("0d16384", NUM_ADDRESS), 16384);
    assert_int_equal(num("0D10", NUM_SIZE), 10);
    size_t off;
    assert_string_equal(num_err("0d1f", NUM_ADDRESS, &off),
                        "unexpected character 'f' after the number");
    assert_int_equal(off, 3);
}

static void test_suffixes(void **state)
{
    (void)state;
    assert_int_equal(num("128M", NUM_SIZE), 128u << 20);
    assert_int_equal(num("1m", NUM_SIZE), 1u << 20);
    assert_int_equal(num("4K", NUM_ADDRESS), 0x1000);
    assert_int_equal(num("4k", NUM_SIZE), 4096);
    assert_int_equal(num("2G", NUM_SIZE), 2ull << 30);
    assert_int_equal(num("1g", NUM_ADDRESS), 0x40000000);
    assert_int_equal(num("0x10M", NUM_SIZE), 16u << 20);
    size_t off;
    assert_string_equal(num_err("4KB", NUM_SIZE, &off), "unexpected character 'B' after the number");
    assert_int_equal(off, 2);
    assert_string_equal(num_err("4T", NUM_SIZE, &off), "unexpected character 'T' after the number");
}

static void test_counts_take_no_suffix(void **state)
{
    (void)state;
    assert_int_equal(num("10", NUM_COUNT), 10);
    assert_int_equal(num("0x10", NUM_COUNT), 16);
    assert_string_equal(num_err("10K", NUM_COUNT, NULL), "unexpected character 'K' after the number");
    assert_string_equal(num_err("ff", NUM_COUNT, NULL), "expected a digit, found 'f'");
}

static void test_overflow(void **state)
{
    (void)state;
    assert_int_equal(num("ffffffffffffffff", NUM_ADDRESS), UINT64_MAX);
    assert_string_equal(num_err("10000000000000000", NUM_ADDRESS, NULL),
                        "number does not fit in 64 bits");
    assert_string_equal(num_err("18446744073709551616", NUM_SIZE, NULL),
                        "number does not fit in 64 bits");
    assert_string_equal(num_err("17179869184G", NUM_SIZE, NULL), "number does not fit in 64 bits");
}

static void test_zero_size(void **state)
{
    (void)state;
    assert_string_equal(num_err("0", NUM_SIZE, NULL), "a size of zero is not allowed");
    assert_string_equal(num_err("0x0M", NUM_SIZE, NULL), "a size of zero is not allowed");
    assert_int_equal(num("0", NUM_COUNT), 0);
}

static void test_empty_and_prefix_only(void **state)
{
    (void)state;
    assert_string_equal(num_err("", NUM_SIZE, NULL), "expected a number");
    assert_string_equal(num_err("0x", NUM_ADDRESS, NULL), "expected a number");
    assert_string_equal(num_err("0xg", NUM_ADDRESS, NULL), "expected a digit, found 'g'");
    assert_string_equal(num_err("M", NUM_SIZE, NULL), "expected a digit, found 'M'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address_is_hex_by_default),
        cmocka_unit_test(test_size_is_decimal_by_default),
        cmocka_unit_test(test_0d_forces_decimal),
        cmocka_unit_test(test_suffixes),
        cmocka_unit_test(test_counts_take_no_suffix),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_zero_size),
        cmocka_unit_test(test_empty_and_prefix_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
