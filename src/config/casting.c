/* casting.c: see casting.h. */
#include "config/casting.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Median F0 of two speakers of one conversation: at least 15% apart (MIN_RATIO), which
 * the pool guarantees with table values TABLE_RATIO apart. */

/* Median F0 in Hz of espeak-ng 1.51 variants at base pitch 25, 50 and 75 (range 50, rate
 * 175), measured on this machine with scripts/median_f0.py over `recast say` of a Mandarin
 * and an English sentence (2026-12-01).  Only variants that keep Mandarin tones. */
static const struct {
    const char *variant;
    double zh[3], en[3];
} measured[] = {
    {"m1", {68.5, 84.8, 110.2}, {75.5, 95.0, 121.2}},     {"m2", {70.2, 92.6, 123.9}, {78.8, 101.1, 132.8}},
    {"m3", {75.0, 91.9, 119.8}, {84.8, 106.0, 134.5}},    {"m4", {69.3, 81.7, 106.0}, {77.6, 94.2, 119.8}},
    {"m5", {73.5, 89.6, 118.5}, {82.9, 103.0, 132.8}},    {"m6", {71.6, 89.6, 119.8}, {81.7, 101.1, 131.2}},
    {"m7", {78.2, 90.4, 117.3}, {88.2, 107.0, 134.5}},    {"m8", {64.5, 74.5, 97.6}, {70.2, 86.8, 109.2}},
    {"klatt", {73.5, 90.4, 118.5}, {82.9, 103.0, 132.8}}, {"Storm", {63.7, 74.5, 92.6}, {69.8, 84.8, 106.0}},
    {"f1", {122.5, 159.8, 212.0}, {141.3, 177.8, 229.7}}, {"f2", {132.8, 167.0, 220.5}, {157.5, 196.9, 245.0}},
    {"f3", {137.8, 175.0, 225.0}, {175.0, 212.0, 262.5}}, {"f4", {122.5, 159.8, 212.0}, {141.3, 177.8, 234.6}},
    {"f5", {139.6, 183.8, 245.0}, {162.1, 208.0, 262.5}},
};

/* The pool: five pitch levels, two variants each, in the order voices are offered (F0
 * spread first, then variety).  Median F0 of the levels in the table, Mandarin / English:
 * 1 Storm/25, m8/25 64 / 70 Hz; 2 klatt/50, m5/50 90 / 103; 3 m3/75, m6/75 120 / 134;
 * 4 f1/50, f4/50 160 / 178; 5 f4/75, f1/75 212 / 232.  Neighbouring levels are 30% or more
 * apart in the table, so that measured on real turns (whose medians scatter by about 10%
 * around the table: tests/cli/casting_f0.sh) they stay at least 15% apart. */
struct pool_voice {
    const char *variant;
    int pitch;
    int level;
};
static const struct pool_voice pool[] = {
    {"klatt", 50, 2}, {"f1", 50, 4}, {"m3", 75, 3}, {"f4", 75, 5}, {"Storm", 25, 1},
    {"m5", 50, 2},    {"f4", 50, 4}, {"m6", 75, 3}, {"f1", 75, 5}, {"m8", 25, 1},
};
#define N_LEVELS 5
#define POOL_MAX 10
#define TABLE_RATIO 1.25 /* apart in the table, for MIN_RATIO on the audio */

double casting_median_f0(const struct voice_profile *p, int english)
{
    for (size_t i = 0; i < COUNT(measured); i++) {
        if (strcmp(measured[i].variant, p->variant) != 0) continue;
        const double *f = english ? measured[i].en : measured[i].zh;
        double x = p->pitch;
        if (x <= 50) return f[0] + (f[1] - f[0]) * (x - 25) / 25.0;
        return f[1] + (f[2] - f[1]) * (x - 50) / 25.0;
    }
    return 0;
}

static double ratio(double a, double b)
{
    if (a <= 0 || b <= 0) return 1e9; /* unknown: no constraint */
    return a > b ? a / b : b / a;
}

static int name_matches(const struct cast_speaker *s, const char *name, size_t len)
{
    return (strlen(s->name) == len && strncasecmp(s->name, name, len) == 0) ||
           (strlen(s->label) == len && strncasecmp(s->label, name, len) == 0);
}

static int apply_overrides(struct voice_set *vs, struct cast_speaker *sp, int n, struct rc_error *err)
{
    for (int c = 0; c < vs->n_casts; c++) {
        const char *arg = vs->casts[c], *eq = strchr(arg, '=');
        if (!eq || eq == arg || !eq[1])
            return rc_fail(err, RC_USAGE, "--cast %s: expected NAME=PROFILE (a speaker as 'recast list' shows it, "
                           "a profile id from %s)", arg, vs->dir);
        int profile = voices_find(vs, eq + 1);
        if (profile < 0 || profile >= vs->n_loaded) {
            struct strbuf have;
            sb_init(&have);
            for (int i = 0; i < vs->n_loaded; i++) sb_printf(&have, "%s%s", i ? ", " : "", vs->profiles[i].id);
            rc_fail(err, RC_USAGE, "--cast %s: no profile \"%s\" in %s (have: %s)", arg, eq + 1, vs->dir, sb_cstr(&have));
            sb_free(&have);
            return -1;
        }
        int found = 0;
        for (int i = 0; i < n; i++)
            if (name_matches(&sp[i], arg, (size_t)(eq - arg))) {
                sp[i].profile = profile;
                sp[i].how = "--cast";
                found = 1;
            }
        if (!found) {
            struct strbuf names;
            sb_init(&names);
            for (int i = 0; i < n; i++) sb_printf(&names, "%s\"%s\"", i ? ", " : "", sp[i].name);
            rc_fail(err, RC_USAGE, "--cast %s: no speaker \"%.*s\" in the transcript (speakers: %s)", arg,
                    (int)(eq - arg), arg, names.len ? sb_cstr(&names) : "none");
            sb_free(&names);
            return -1;
        }
    }
    return 0;
}

static char *xstrdup_or(const char *s, const char *fallback) { return xstrdup(s ? s : fallback); }

static int add_profile(struct voice_set *vs, const struct cast_speaker *s, const struct pool_voice *voice, int english)
{
    vs->profiles = xrealloc(vs->profiles, sizeof *vs->profiles * (size_t)(vs->n_profiles + 1));
    struct voice_profile *p = &vs->profiles[vs->n_profiles];
    memset(p, 0, sizeof *p);
    p->id = xstrdup(s->name);
    p->name = xstrdup(s->name);
    p->role = s->role == ROLE_HOST ? ROLE_HOST : ROLE_GUEST; /* a 旁白 of the dialogue is a speaker */
    p->mandarin_voice = xstrdup("cmn-latn-pinyin");
    p->english_voice = xstrdup_or(english ? "en-us" : "en-us", "en-us");
    p->variant = xstrdup(voice->variant);
    p->rate_wpm = 175;
    p->pitch = voice->pitch;
    p->range = 50;
    p->volume = 100;
    p->path = xstrdup("(automatic casting)");
    return vs->n_profiles++;
}

static double pool_f0(const struct pool_voice *v, int english)
{
    struct voice_profile probe = {.variant = (char *)v->variant, .pitch = v->pitch};
    return casting_median_f0(&probe, english);
}

int casting_assign(struct voice_set *vs, struct cast_speaker *sp, int n, const struct cast_pair *pairs,
                   int n_pairs, int english, struct rc_error *err)
{
    for (int i = 0; i < n; i++) sp[i].how = sp[i].profile >= 0 ? "profile" : NULL;
    if (apply_overrides(vs, sp, n, err) != 0) return -1;
    size_t nn = (size_t)(n ? n : 1);
    int n_pool = (int)COUNT(pool);
    /* Who must sound different from whom: everyone, while the pool has a step for each
     * speaker; beyond that, the speakers who exchange turns (neighbour lists). */
    int all_pairs = n <= N_LEVELS;
    int *degree = xcalloc(nn + 1, sizeof *degree), *start = xcalloc(nn + 1, sizeof *start);
    int *neighbours = xcalloc((size_t)(2 * n_pairs + 1), sizeof *neighbours);
    for (int k = 0; k < n_pairs; k++) degree[pairs[k].a]++, degree[pairs[k].b]++;
    for (int i = 0; i < n; i++) start[i + 1] = start[i] + degree[i];
    for (int i = 0; i < n; i++) degree[i] = 0;
    for (int k = 0; k < n_pairs; k++) {
        neighbours[start[pairs[k].a] + degree[pairs[k].a]++] = pairs[k].b;
        neighbours[start[pairs[k].b] + degree[pairs[k].b]++] = pairs[k].a;
    }
    double *f0 = xcalloc(nn, sizeof *f0);
    int *cast = xcalloc(nn, sizeof *cast); /* 1 once the speaker has a voice */
    int *order = xcalloc(nn, sizeof *order), n_cast = 0;
    int level_used[N_LEVELS + 1] = {0}, variant_used[POOL_MAX] = {0}, slot_count[POOL_MAX] = {0};
    int *slot_of = xcalloc(nn, sizeof *slot_of);
#define MARK_VARIANT(v) \
    for (int s_ = 0; s_ < n_pool; s_++) \
        if (strcmp(pool[s_].variant, (v)) == 0) variant_used[s_] = 1
    for (int i = 0; i < n; i++) {
        slot_of[i] = -1;
        if (sp[i].profile < 0) continue;
        f0[i] = casting_median_f0(&vs->profiles[sp[i].profile], english);
        cast[i] = 1, order[n_cast++] = i;
        MARK_VARIANT(vs->profiles[sp[i].profile].variant);
    }
    for (int i = 0; i < n; i++) {
        if (cast[i]) continue;
        int best = 0;
        long best_score = -1;
        double best_min = 0;
        for (int s = 0; s < n_pool; s++) {
            double f = pool_f0(&pool[s], english), min_ratio = 1e9;
            if (all_pairs) {
                for (int k = 0; k < n_cast; k++)
                    if (ratio(f, f0[order[k]]) < min_ratio) min_ratio = ratio(f, f0[order[k]]);
            } else {
                for (int k = start[i]; k < start[i + 1]; k++)
                    if (cast[neighbours[k]] && ratio(f, f0[neighbours[k]]) < min_ratio)
                        min_ratio = ratio(f, f0[neighbours[k]]);
            }
            /* Far enough from everyone that counts, then a fresh level, then a fresh
             * variant; ties go to the earlier (preferred) pool voice, or the least close. */
            long score = (min_ratio >= TABLE_RATIO) * 4000000L + !level_used[pool[s].level] * 2000000L +
                         !variant_used[s] * 1000000L - slot_count[s]; /* then the least used voice */
            if (score > best_score || (score == best_score && min_ratio < TABLE_RATIO && min_ratio > best_min))
                best = s, best_score = score, best_min = min_ratio;
        }
        slot_of[i] = best;
        level_used[pool[best].level] = 1;
        slot_count[best]++;
        MARK_VARIANT(pool[best].variant);
        f0[i] = pool_f0(&pool[best], english);
        cast[i] = 1, order[n_cast++] = i;
    }
#undef MARK_VARIANT
    for (int i = 0; i < n; i++)
        if (slot_of[i] >= 0) {
            sp[i].profile = add_profile(vs, &sp[i], &pool[slot_of[i]], english);
            sp[i].how = "automatic";
        }
    free(slot_of), free(order), free(cast), free(f0), free(neighbours), free(start), free(degree);
    return 0;
}
