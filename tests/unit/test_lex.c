/* Lexical rules: comments, white space, quoted strings, $env{} substitution,
 * and the location of every word. */
#include "unit.h"

#include "config/lex.h"

struct lexed {
    struct arena a;
    struct diag d;
    struct token_list toks;
    char *msgs;
    size_t len;
    FILE *mem;
};

static const struct source src = { .name = "l.qvmconf", .dir = ".", .order = 1 };

static struct lexed *lex(const char *text)
{
    struct lexed *l = calloc(1, sizeof(*l));
    l->mem = open_memstream(&l->msgs, &l->len);
    diag_init(&l->d, l->mem);
    lex_text(&l->a, &l->d, &src, text, strlen(text), 1, 1, &l->toks);
    diag_flush(&l->d);
    fflush(l->mem);
    return l;
}

static void lexed_free(struct lexed *l)
{
    diag_free(&l->d);
    fclose(l->mem);
    free(l->msgs);
    arena_free(&l->a);
    free(l);
}

static void assert_token(const struct lexed *l, size_t i, const char *text, unsigned line,
                         unsigned col)
{
    assert_true(i < l->toks.n);
    assert_string_equal(l->toks.v[i].text, text);
    assert_int_equal(l->toks.v[i].loc.line, line);
    assert_int_equal(l->toks.v[i].loc.col, col);
}

static void test_words_and_locations(void **state)
{
    (void)state;
    struct lexed *l = lex("system gw\n  ram\t64M\n\nvdev  ser8250");
    assert_int_equal(l->toks.n, 6);
    assert_token(l, 0, "system", 1, 1);
    assert_token(l, 1, "gw", 1, 8);
    assert_token(l, 2, "ram", 2, 3);
    assert_token(l, 3, "64M", 2, 7);
    assert_token(l, 4, "vdev", 4, 1);
    assert_token(l, 5, "ser8250", 4, 7);
    assert_int_equal(l->len, 0);
    lexed_free(l);
}

static void test_comments(void **state)
{
    (void)state;
    struct lexed *l = lex("# header\nram 64M # trailing comment\n#\ncpu#not-a-comment");
    assert_int_equal(l->toks.n, 3);
    assert_token(l, 0, "ram", 2, 1);
    assert_token(l, 1, "64M", 2, 5);
    assert_token(l, 2, "cpu#not-a-comment", 4, 1);
    lexed_free(l);
}

static void test_quoted_string_spans_lines(void **state)
{
    (void)state;
    struct lexed *l = lex("cmdline \"console=ttyS0\n\tquiet # kept\" dryrun");
    assert_int_equal(l->toks.n, 3);
    assert_token(l, 1, "console=ttyS0\n\tquiet # kept", 1, 9);
    assert_false(l->toks.v[1].verbatim);
    assert_token(l, 2, "dryrun", 2, 16);
    lexed_free(l);
}

static void test_quote_escapes(void **state)
{
    (void)state;
    struct lexed *l = lex("\"a \\\"b\\\" c\\\\d \\$env{X} \\n\"");
    assert_int_equal(l->toks.n, 1);
    assert_string_equal(l->toks.v[0].text, "a \"b\" c\\d $env{X} \\n");
    lexed_free(l);
}

static void test_backslash_newline_continues(void **state)
{
    (void)state;
    struct lexed *l = lex("cmdline \"earlycon=pl011 \\\ndebug\"");
    assert_int_equal(l->toks.n, 2);
    assert_string_equal(l->toks.v[1].text, "earlycon=pl011 debug");
    lexed_free(l);
}

static void test_quotes_inside_word(void **state)
{
    (void)state;
    struct lexed *l = lex("hostdev >\"my file\"");
    assert_int_equal(l->toks.n, 2);
    assert_string_equal(l->toks.v[1].text, ">my file");
    lexed_free(l);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    struct lexed *l = lex("ram 64M\ncmdline \"console=ttyS0\nquiet");
    assert_string_equal(l->msgs, "l.qvmconf:2:9: error: unterminated quoted string: expected '\"' "
                                 "before the end of input\n");
    lexed_free(l);
}

static void test_env_substitution(void **state)
{
    (void)state;
    setenv("KQVM_TEST_RAM", "128M", 1);
    struct lexed *l = lex("ram $env{KQVM_TEST_RAM} load ./$env{KQVM_TEST_RAM}.elf \"x=$env{KQVM_TEST_RAM}\"");
    assert_int_equal(l->toks.n, 5);
    assert_string_equal(l->toks.v[1].text, "128M");
    assert_false(l->toks.v[1].verbatim);
    assert_string_equal(l->toks.v[3].text, "./128M.elf");
    assert_string_equal(l->toks.v[4].text, "x=128M");
    lexed_free(l);
}

static void test_env_unset(void **state)
{
    (void)state;
    unsetenv("KQVM_TEST_UNSET");
    struct lexed *l = lex("ram 64M\nload  $env{KQVM_TEST_UNSET}");
    assert_string_equal(l->msgs, "l.qvmconf:2:7: error: environment variable 'KQVM_TEST_UNSET' "
                                 "is not set (in $env{KQVM_TEST_UNSET})\n");
    lexed_free(l);
}

static void test_asinfo_refused(void **state)
{
    (void)state;
    struct lexed *l = lex("pass loc mem:$asinfo_start{sysram},$asinfo_length{sysram},rw");
    assert_string_equal(l->msgs,
                        "l.qvmconf:1:14: error: $asinfo_start{sysram} refers to the QNX system "
                        "page, which is not available on Linux hosts; give the address or length "
                        "as a number\n"
                        "l.qvmconf:1:36: error: $asinfo_length{sysram} refers to the QNX system "
                        "page, which is not available on Linux hosts; give the address or length "
                        "as a number\n");
    lexed_free(l);
}

static void test_unknown_substitution(void **state)
{
    (void)state;
    struct lexed *l = lex("load $home{x}");
    assert_string_equal(l->msgs, "l.qvmconf:1:6: error: unknown substitution '$home{...}': kqvm "
                                 "knows $env{NAME}\n");
    lexed_free(l);
}

static void test_dollar_without_braces_is_literal(void **state)
{
    (void)state;
    struct lexed *l = lex("cmdline a$b $ $1");
    assert_int_equal(l->toks.n, 4);
    assert_string_equal(l->toks.v[1].text, "a$b");
    assert_string_equal(l->toks.v[2].text, "$");
    assert_int_equal(l->len, 0);
    lexed_free(l);
}

static void test_control_character(void **state)
{
    (void)state;
    struct lexed *l = lex("ram 64M\nro\x01m 1M");
    assert_string_equal(l->msgs, "l.qvmconf:2:3: error: unexpected control character 0x01 in "
                                 "configuration text\n");
    lexed_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_locations),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_quoted_string_spans_lines),
        cmocka_unit_test(test_quote_escapes),
        cmocka_unit_test(test_backslash_newline_continues),
        cmocka_unit_test(test_quotes_inside_word),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_env_substitution),
        cmocka_unit_test(test_env_unset),
        cmocka_unit_test(test_asinfo_refused),
        cmocka_unit_test(test_unknown_substitution),
        cmocka_unit_test(test_dollar_without_braces_is_literal),
        cmocka_unit_test(test_control_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
