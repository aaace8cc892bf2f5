/* voices.c: reads voice profiles and the pause policy.  See voices.h. */
#include "config/voices.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"

/* One "key = value" line; callbacks get trimmed key and value. */
typedef int (*conf_entry_fn)(void *ctx, const char *path, int line, const char *key,
                             const char *value, struct rc_error *err);

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = '\0';
    return s;
}

static int conf_read(const char *path, conf_entry_fn fn, void *ctx, struct rc_error *err)
{
    char *text;
    size_t len;
    if (read_text_file(path, &text, &len, err) != 0) return -1;
    if (utf8_check(path, text, len, err) != 0) {
        free(text);
        return -1;
    }
    int line = 0, rc = 0;
    char *save = NULL;
    for (char *ln = text; ln && rc == 0; ln = save) {
        char *nl = strchr(ln, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        line++;
        char *hash = strchr(ln, '#');
        if (hash) *hash = '\0';
        char *s = trim(ln);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = rc_fail(err, RC_DATAERR, "%s:%d: expected \"key = value\", got \"%s\"", path, line, s);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        if (!*key) {
            rc = rc_fail(err, RC_DATAERR, "%s:%d: missing key before '='", path, line);
            break;
        }
        rc = fn(ctx, path, line, key, value, err);
        if (!save) break;
    }
    free(text);
    return rc;
}

static int parse_int(const char *where, const char *key, const char *value, int lo, int hi, int *out,
                     struct rc_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *trim(end) || v < lo || v > hi)
        return rc_fail(err, RC_DATAERR, "%s: %s must be an integer in the range %d to %d, got \"%s\"", where, key, lo,
                       hi, value);
    *out = (int)v;
    return 0;
}

/* ---- voice profiles ---- */

struct profile_ctx {
    struct voice_profile *p;
    unsigned seen; /* bit per key index */
};

enum { K_NAME, K_ROLE, K_ALIASES, K_MANDARIN, K_ENGLISH, K_VARIANT, K_RATE, K_PITCH, K_RANGE,
       K_VOLUME, K_COUNT };
static const char *const profile_keys[K_COUNT] = {
    "name", "role", "aliases", "mandarin", "english", "variant", "rate", "pitch", "range", "volume"};

static int cmp_alias_len_desc(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a, *(char *const *)b);
}

static void split_aliases(struct voice_profile *p, const char *value)
{
    char *copy = xstrdup(value), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *t = trim(tok);
        if (!*t) continue;
        p->aliases = xrealloc(p->aliases, sizeof *p->aliases * (size_t)(p->n_aliases + 1));
        p->aliases[p->n_aliases++] = xstrdup(t);
    }
    free(copy);
    if (p->n_aliases > 1)
        qsort(p->aliases, (size_t)p->n_aliases, sizeof *p->aliases, cmp_alias_len_desc);
}

static int valid_espeak_name(const char *s)
{
    if (!*s || strlen(s) > 40) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == ' ')) return 0;
    return 1;
}

/* Sets key k of a profile from its text; `where` ("file:line") starts the messages. */
static int profile_set(struct voice_profile *p, int k, const char *where, const char *value, struct rc_error *err)
{
    const char *key = profile_keys[k];
    switch (k) {
    case K_NAME:
        if (!*value) return rc_fail(err, RC_DATAERR, "%s: name is empty", where);
        free(p->name);
        p->name = xstrdup(value);
        return 0;
    case K_ROLE:
        if (strcmp(value, "host") == 0) p->role = ROLE_HOST;
        else if (strcmp(value, "guest") == 0) p->role = ROLE_GUEST;
        else if (strcmp(value, "narrator") == 0) p->role = ROLE_NARRATOR;
        else return rc_fail(err, RC_DATAERR, "%s: role must be host, guest or narrator, got \"%s\"", where, value);
        return 0;
    case K_ALIASES: split_aliases(p, value); return 0;
    case K_MANDARIN:
    case K_ENGLISH:
    case K_VARIANT: {
        if (!valid_espeak_name(value))
            return rc_fail(err, RC_DATAERR, "%s: %s must be an espeak-ng voice or variant name, got \"%s\"", where,
                           key, value);
        char **field = k == K_MANDARIN ? &p->mandarin_voice : k == K_ENGLISH ? &p->english_voice : &p->variant;
        free(*field);
        *field = xstrdup(value);
        return 0;
    }
    case K_RATE: return parse_int(where, key, value, 80, 450, &p->rate_wpm, err);
    case K_PITCH: return parse_int(where, key, value, 0, 100, &p->pitch, err);
    case K_RANGE: return parse_int(where, key, value, 0, 100, &p->range, err);
    case K_VOLUME: return parse_int(where, key, value, 0, 200, &p->volume, err);
    }
    return 0;
}

static int profile_entry(void *vctx, const char *path, int line, const char *key,
                         const char *value, struct rc_error *err)
{
    struct profile_ctx *ctx = vctx;
    int k;
    for (k = 0; k < K_COUNT; k++)
        if (strcmp(key, profile_keys[k]) == 0) break;
    if (k == K_COUNT)
        return rc_fail(err, RC_DATAERR,
                       "%s:%d: unknown key \"%s\" (known: name, role, aliases, mandarin, english, "
                       "variant, rate, pitch, range, volume)", path, line, key);
    if (ctx->seen & (1u << k))
        return rc_fail(err, RC_DATAERR, "%s:%d: key \"%s\" given twice", path, line, key);
    ctx->seen |= 1u << k;
    char where[600];
    snprintf(where, sizeof where, "%s:%d", path, line);
    return profile_set(ctx->p, k, where, value, err);
}

int voices_override(struct voice_set *vs, const char *spec, struct rc_error *err)
{
    const char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');
    if (!dot || !eq || dot > eq || dot == spec || eq == dot + 1)
        return rc_fail(err, RC_USAGE, "--set %s: give PROFILE.KEY=VALUE (e.g. --set demis.pitch=45)", spec);
    char *who = xstrndup(spec, (size_t)(dot - spec));
    char *key = xstrndup(dot + 1, (size_t)(eq - dot - 1));
    int p = voices_find(vs, who), k;
    for (k = K_MANDARIN; k < K_COUNT; k++)
        if (strcmp(key, profile_keys[k]) == 0) break;
    int rc = 0;
    if (p < 0) {
        struct strbuf names;
        sb_init(&names);
        for (int i = 0; i < vs->n_profiles; i++) sb_printf(&names, "%s%s", i ? ", " : "", vs->profiles[i].id);
        rc = rc_fail(err, RC_USAGE, "--set %s: no profile \"%s\" in %s (have: %s)", spec, who, vs->dir, sb_cstr(&names));
        sb_free(&names);
    } else if (k == K_COUNT) {
        rc = rc_fail(err, RC_USAGE, "--set %s: \"%s\" is not a sound setting (give mandarin, english, variant, "
                                    "rate, pitch, range or volume)", spec, key);
    } else {
        char where[600];
        snprintf(where, sizeof where, "--set %.*s", (int)(eq - spec), spec);
        rc = profile_set(&vs->profiles[p], k, where, eq + 1, err);
        if (rc != 0) err->code = RC_USAGE;
    }
    free(who), free(key);
    return rc;
}

static void profile_free(struct voice_profile *p)
{
    free(p->id), free(p->name), free(p->mandarin_voice), free(p->english_voice);
    free(p->variant), free(p->path);
    for (int i = 0; i < p->n_aliases; i++) free(p->aliases[i]);
    free(p->aliases);
    memset(p, 0, sizeof *p);
}

static int profile_load(const char *path, const char *id, struct voice_profile *p,
                        struct rc_error *err)
{
    memset(p, 0, sizeof *p);
    p->id = xstrdup(id);
    p->path = xstrdup(path);
    p->volume = 100;
    struct profile_ctx ctx = {p, 0};
    if (conf_read(path, profile_entry, &ctx, err) != 0) goto fail;
    for (int k = 0; k < K_COUNT; k++) {
        if (k == K_VOLUME || (ctx.seen & (1u << k))) continue;
        rc_fail(err, RC_DATAERR, "%s: missing required key \"%s\"", path, profile_keys[k]);
        goto fail;
    }
    if (p->role != ROLE_NARRATOR && p->n_aliases == 0) {
        rc_fail(err, RC_DATAERR, "%s: a speaker needs at least one alias (the label used in transcripts)", path);
        goto fail;
    }
    return 0;
fail:
    profile_free(p);
    return -1;
}

/* ---- pause policy ---- */

static const struct {
    const char *key;
    size_t offset;
} pause_keys[] = {
    {"programme_start", offsetof(struct pause_policy, programme_start_ms)},
    {"programme_end", offsetof(struct pause_policy, programme_end_ms)},
    {"speaker_change", offsetof(struct pause_policy, speaker_change_ms)},
    {"same_speaker", offsetof(struct pause_policy, same_speaker_ms)},
    {"section_break", offsetof(struct pause_policy, section_break_ms)},
    {"after_opening", offsetof(struct pause_policy, after_opening_ms)},
    {"after_announcement", offsetof(struct pause_policy, after_announcement_ms)},
};

static int pause_entry(void *ctx, const char *path, int line, const char *key, const char *value,
                       struct rc_error *err)
{
    char where[600];
    snprintf(where, sizeof where, "%s:%d", path, line);
    for (size_t i = 0; i < sizeof pause_keys / sizeof pause_keys[0]; i++)
        if (strcmp(key, pause_keys[i].key) == 0)
            return parse_int(where, key, value, 0, 10000, (int *)((char *)ctx + pause_keys[i].offset), err);
    return rc_fail(err, RC_DATAERR,
                   "%s:%d: unknown pause \"%s\" (known: programme_start, programme_end, speaker_change, "
                   "same_speaker, section_break, after_opening, after_announcement)", path, line, key);
}

static void pause_defaults(struct pause_policy *p)
{
    p->programme_start_ms = 500;
    p->programme_end_ms = 1500;
    p->speaker_change_ms = 450;
    p->same_speaker_ms = 250;
    p->section_break_ms = 1500;
    p->after_opening_ms = 1000;
    p->after_announcement_ms = 400;
}

/* ---- the directory ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int role_rank(enum voice_role r) { return r == ROLE_HOST ? 0 : r == ROLE_GUEST ? 1 : 2; }

int voices_load(const char *dir, struct voice_set *out, struct rc_error *err)
{
    memset(out, 0, sizeof *out);
    out->narrator = -1;
    DIR *d = opendir(dir);
    if (!d)
        return rc_fail(err, RC_NOINPUT, "%s: cannot open voices directory: %s (use --voices DIR)", dir,
                       strerror(errno));
    char **names = NULL;
    int n_names = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 6 && strcmp(de->d_name + l - 6, ".voice") == 0 && de->d_name[0] != '.') {
            names = xrealloc(names, sizeof *names * (size_t)(n_names + 1));
            names[n_names++] = xstrdup(de->d_name);
        }
    }
    closedir(d);
    if (n_names) qsort(names, (size_t)n_names, sizeof *names, cmp_str);

    out->dir = xstrdup(dir);
    out->profiles = xcalloc((size_t)(n_names ? n_names : 1), sizeof *out->profiles);
    int rc = 0;
    struct strbuf path;
    sb_init(&path);
    for (int i = 0; i < n_names && rc == 0; i++) {
        path.len = 0;
        sb_printf(&path, "%s/%s", dir, names[i]);
        char *id = xstrndup(names[i], strlen(names[i]) - 6);
        rc = profile_load(sb_cstr(&path), id, &out->profiles[out->n_profiles], err);
        free(id);
        if (rc == 0) out->n_profiles++;
    }
    for (int i = 0; i < n_names; i++) free(names[i]);
    free(names);

    /* Stable order: host, guests, narrator. */
    for (int i = 1; i < out->n_profiles && rc == 0; i++)
        for (int j = i; j > 0 && role_rank(out->profiles[j].role) < role_rank(out->profiles[j - 1].role); j--) {
            struct voice_profile t = out->profiles[j];
            out->profiles[j] = out->profiles[j - 1];
            out->profiles[j - 1] = t;
        }
    int speakers = 0;
    for (int i = 0; i < out->n_profiles && rc == 0; i++) {
        struct voice_profile *p = &out->profiles[i];
        if (p->role == ROLE_NARRATOR) {
            if (out->narrator >= 0)
                rc = rc_fail(err, RC_DATAERR, "%s: a second narrator (the first is %s)", p->path,
                             out->profiles[out->narrator].path);
            out->narrator = i;
        } else {
            speakers++;
        }
        for (int j = 0; j < i && rc == 0; j++)
            for (int a = 0; a < p->n_aliases && rc == 0; a++)
                for (int b = 0; b < out->profiles[j].n_aliases && rc == 0; b++)
                    if (strcmp(p->aliases[a], out->profiles[j].aliases[b]) == 0)
                        rc = rc_fail(err, RC_DATAERR, "%s: alias \"%s\" is also claimed by %s", p->path,
                                     p->aliases[a], out->profiles[j].path);
    }
    if (rc == 0 && speakers == 0)
        rc = rc_fail(err, RC_DATAERR, "%s: no speaker profiles (*.voice with role host or guest)", dir);

    pause_defaults(&out->pauses);
    out->n_loaded = out->n_profiles;
    if (rc == 0) {
        path.len = 0;
        sb_printf(&path, "%s/pauses.conf", dir);
        if (access(sb_cstr(&path), F_OK) == 0)
            rc = conf_read(sb_cstr(&path), pause_entry, &out->pauses, err);
    }
    sb_free(&path);
    if (rc != 0) voices_free(out);
    return rc;
}

void voices_free(struct voice_set *vs)
{
    for (int i = 0; i < vs->n_profiles; i++) profile_free(&vs->profiles[i]);
    free(vs->profiles);
    free(vs->dir);
    memset(vs, 0, sizeof *vs);
    vs->narrator = -1;
}

void voices_drop_cast(struct voice_set *vs)
{
    while (vs->n_profiles > vs->n_loaded) profile_free(&vs->profiles[--vs->n_profiles]);
}

int voices_find(const struct voice_set *vs, const char *name)
{
    for (int i = 0; i < vs->n_profiles; i++)
        if (strcasecmp(vs->profiles[i].id, name) == 0 || strcasecmp(vs->profiles[i].name, name) == 0)
            return i;
    return -1;
}

int voices_host(const struct voice_set *vs)
{
    for (int i = 0; i < vs->n_profiles; i++)
        if (vs->profiles[i].role == ROLE_HOST) return i;
    return 0;
}

const char *voice_role_name(enum voice_role r)
{
    return r == ROLE_HOST ? "host" : r == ROLE_GUEST ? "guest" : "narrator";
}

char *voices_default_dir(void)
{
    const char *env = getenv("RECAST_VOICES");
    if (env && *env) return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            struct strbuf sb;
            sb_init(&sb);
            sb_printf(&sb, "%s/../voices", exe);
            struct stat st;
            if (stat(sb_cstr(&sb), &st) == 0 && S_ISDIR(st.st_mode)) return sb_detach(&sb);
            sb_free(&sb);
        }
    }
    return xstrdup("/usr/local/share/recast/voices");
}
