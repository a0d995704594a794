#include "util/json.h"

void json_init(struct json *j, FILE *out)
{
    *j = (struct json){ .out = out };
}

/* Separator and indentation before a value or key at the current depth. */
static void json_pre(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth && j->need_comma[j->depth])
        fputc(',', j->out);
    if (j->depth) {
        fputc('\n', j->out);
        for (unsigned i = 0; i < j->depth; i++)
            fputs("  ", j->out);
    }
    if (j->depth < JSON_MAX_DEPTH)
        j->need_comma[j->depth] = true;
}

static void json_open(struct json *j, char c)
{
    json_pre(j);
    fputc(c, j->out);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = false;
}

void json_object(struct json *j)
{
    json_open(j, '{');
}

void json_array(struct json *j)
{
    json_open(j, '[');
}

void json_end(struct json *j, char c)
{
    bool had_items = j->need_comma[j->depth];
    if (j->depth)
        j->depth--;
    if (had_items) {
        fputc('\n', j->out);
        for (unsigned i = 0; i < j->depth; i++)
            fputs("  ", j->out);
    }
    fputc(c, j->out);
    if (j->depth == 0)
        fputc('\n', j->out);
}

static void json_raw_str(struct json *j, const char *s)
{
    fputc('"', j->out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(j->out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", j->out);
        else if (c == '\t')
            fputs("\\t", j->out);
        else if (c < 0x20)
            fprintf(j->out, "\\u%04x", c);
        else
            fputc(c, j->out);
    }
    fputc('"', j->out);
}

void json_key(struct json *j, const char *k)
{
    json_pre(j);
    json_raw_str(j, k);
    fputs(": ", j->out);
    j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
    json_pre(j);
    if (s)
        json_raw_str(j, s);
    else
        fputs("null", j->out);
}

void json_u64(struct json *j, uint64_t v)
{
    json_pre(j);
    fprintf(j->out, "%llu", (unsigned long long)v);
}

void json_bool(struct json *j, bool v)
{
    json_pre(j);
    fputs(v ? "true" : "false", j->out);
}

void json_kstr(struct json *j, const char *k, const char *s)
{
    json_key(j, k);
    json_str(j, s);
}

void json_ku64(struct json *j, const char *k, uint64_t v)
{
    json_key(j, k);
    json_u64(j, v);
}

void json_kbool(struct json *j, const char *k, bool v)
{
    json_key(j, k);
    json_bool(j, v);
}
