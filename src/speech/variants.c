/* variants.c: see variants.h. */
#include "speech/variants.h"

#include <dirent.h>
#include <espeak-ng/speak_lib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "speech/synth.h"

int variant_read(const char *path, const char *name, struct variant_info *out, struct rc_error *err)
{
    char *text;
    size_t len;
    if (read_file(path, &text, &len, err) != 0) return -1;
    memset(out, 0, sizeof *out);
    out->name = xstrdup(name);
    out->base_hz = 80, out->max_hz = 118, out->voicing = 100; /* espeak-ng's VoiceReset() */
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        int a, b;
        if (sscanf(line, " pitch %d %d", &a, &b) == 2) out->base_hz = a, out->max_hz = b;
        else if (sscanf(line, " voicing %d", &a) == 1) out->voicing = a;
        else if (sscanf(line, " klatt %d", &a) == 1) out->klatt = a > 0;
    }
    free(text);
    int span = out->max_hz - out->base_hz;
    if (span <= 0 || out->voicing < VARIANT_WHISPER_VOICING) out->tones = TONES_FLAT;
    else if (span < VARIANT_MIN_SPAN_HZ || out->voicing < VARIANT_MIN_VOICING) out->tones = TONES_WEAKER;
    else out->tones = TONES_KEPT;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcasecmp(((const struct variant_info *)a)->name, ((const struct variant_info *)b)->name);
}

int variants_list(struct variant_info **out, int *n, struct rc_error *err)
{
    *out = NULL, *n = 0;
    if (synth_open(err) != 0) return -1;
    const char *data = NULL;
    espeak_Info(&data);
    struct strbuf dir;
    sb_init(&dir);
    sb_printf(&dir, "%s/voices/!v", data ? data : "");
    DIR *d = opendir(sb_cstr(&dir));
    if (!d) {
        rc_fail(err, RC_UNAVAILABLE, "%s: cannot read espeak-ng's variants", sb_cstr(&dir));
        sb_free(&dir);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        struct strbuf path;
        sb_init(&path);
        sb_printf(&path, "%s/%s", sb_cstr(&dir), e->d_name);
        *out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
        rc = variant_read(sb_cstr(&path), e->d_name, &(*out)[*n], err);
        if (rc == 0) (*n)++;
        sb_free(&path);
    }
    closedir(d);
    sb_free(&dir);
    if (rc != 0) {
        variants_free(*out, *n);
        *out = NULL, *n = 0;
        return -1;
    }
    qsort(*out, (size_t)*n, sizeof **out, by_name);
    return 0;
}

void variants_free(struct variant_info *v, int n)
{
    for (int i = 0; i < n; i++) free(v[i].name);
    free(v);
}
