#include "config/suggest.h"

#include <stdio.h>
#include <string.h>

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), case-insensitive; words longer than 63 bytes never match. */
static unsigned edit_distance(const char *a, const char *b)
{
    enum { N = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= N || lb >= N)
        return N;
    unsigned d[N][N];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            char ca = (char)(a[i - 1] | 0x20), cb = (char)(b[j - 1] | 0x20);
            unsigned cost = ca != cb;
            unsigned v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && (a[i - 1] | 0x20) == (b[j - 2] | 0x20) &&
                (a[i - 2] | 0x20) == (b[j - 1] | 0x20) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

void suggest_init(struct suggest *s, const char *word)
{
    memset(s, 0, sizeof(*s));
    s->word = word;
}

void suggest_consider(struct suggest *s, const char *cand)
{
    size_t len = strlen(s->word);
    unsigned limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    unsigned dist = edit_distance(s->word, cand);
    if (dist > limit)
        return;
    for (unsigned i = 0; i < s->n; i++)
        if (strcmp(s->best[i], cand) == 0)
            return;
    /* Insertion into the sorted list of the closest SUGGEST_MAX. */
    unsigned pos = s->n;
    while (pos > 0 && s->dist[pos - 1] > dist)
        pos--;
    if (pos >= SUGGEST_MAX)
        return;
    unsigned last = s->n < SUGGEST_MAX ? s->n : SUGGEST_MAX - 1;
    for (unsigned i = last; i > pos; i--) {
        s->best[i] = s->best[i - 1];
        s->dist[i] = s->dist[i - 1];
    }
    s->best[pos] = cand;
    s->dist[pos] = dist;
    if (s->n < SUGGEST_MAX)
        s->n++;
}

const char *suggest_text(const struct suggest *s, char *buf, unsigned size)
{
    buf[0] = '\0';
    if (s->n == 0)
        return buf;
    /* Only the candidates as close as the best one: a far second guess misleads. */
    unsigned n = 1;
    while (n < s->n && s->dist[n] == s->dist[0])
        n++;
    int off = snprintf(buf, size, "; did you mean '%s'", s->best[0]);
    for (unsigned i = 1; i < n && off > 0 && (unsigned)off < size; i++)
        off += snprintf(buf + off, size - (unsigned)off, i + 1 == n ? " or '%s'" : ", '%s'",
                        s->best[i]);
    if (off > 0 && (unsigned)off < size)
        snprintf(buf + off, size - (unsigned)off, "?");
    return buf;
}
