/* A small streaming JSON writer: it tracks nesting and commas, escapes strings. */
#ifndef KQVM_UTIL_JSON_H
#define KQVM_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { JSON_MAX_DEPTH = 16 };

struct json {
    FILE *out;
    unsigned depth;
    bool need_comma[JSON_MAX_DEPTH];
    bool after_key;
};

void json_init(struct json *j, FILE *out);
void json_object(struct json *j);     /* { */
void json_array(struct json *j);      /* [ */
void json_end(struct json *j, char c); /* } or ] */
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s); /* NULL writes null */
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
/* key + value shortcuts */
void json_kstr(struct json *j, const char *k, const char *s);
void json_ku64(struct json *j, const char *k, uint64_t v);
void json_kbool(struct json *j, const char *k, bool v);

#endif
