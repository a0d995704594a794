# median(key): the median of the numbers in runs[key] (a string of
# space-separated values, one per run), for the bench reports.
function median(key,    n, i, j, t, v) {
    n = split(runs[key], v, " ")
    for (i = 2; i <= n; i++)    # insertion sort
        for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return v[int((n + 1) / 2)]
}
