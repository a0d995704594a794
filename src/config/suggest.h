/* "Did you mean" for unknown words: the closest candidates by edit distance. */
#ifndef KQVM_CONFIG_SUGGEST_H
#define KQVM_CONFIG_SUGGEST_H

enum { SUGGEST_MAX = 3 };

struct suggest {
    const char *word;
    const char *best[SUGGEST_MAX];
    unsigned dist[SUGGEST_MAX];
    unsigned n;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_consider(struct suggest *s, const char *candidate);
/* "; did you mean 'x'?" or "; did you mean 'x', 'y' or 'z'?" or "" into buf. */
const char *suggest_text(const struct suggest *s, char *buf, unsigned size);

#endif
