/* publish.c: see publish.h. */
#include "render/publish.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "publish/sidecars.h"
#include "render/mux.h"
#include "render/programme.h"
#include "speech/synth.h"

/* ---- paths and names ---- */

static char *path_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return xstrndup(base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

/* "out/x.opus" -> "out/x" */
static char *strip_ext(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash + 1)) return xstrndup(path, (size_t)(dot - path));
    return xstrdup(path);
}

/* A file-name-safe version of a title: no separators, control characters or leading
 * dots; spaces become '-'; at most 60 bytes, cut at a character boundary. */
static char *safe_name(const char *title)
{
    struct strbuf sb;
    sb_init(&sb);
    for (const unsigned char *s = (const unsigned char *)title; *s && sb.len < 60; s++) {
        unsigned char c = *s;
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
            c == '<' || c == '>' || c == '|')
            continue;
        if (c == ' ') c = '-';
        if (c == '.' && sb.len == 0) continue;
        sb_addc(&sb, (char)c);
    }
    /* do not end in the middle of a UTF-8 sequence: drop an incomplete last character */
    size_t lead = sb.len;
    while (lead > 0 && ((unsigned char)sb.data[lead - 1] & 0xC0) == 0x80) lead--;
    if (lead > 0) {
        unsigned char c = (unsigned char)sb.data[lead - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (sb.len - (lead - 1) < need) sb.len = lead - 1;
    }
    if (sb.data) sb.data[sb.len] = '\0';
    if (!sb.len) sb_adds(&sb, "section");
    return sb_detach(&sb);
}

/* The folder of path ("." for a bare name), resolved; NULL if it does not exist. */
static char *real_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    char *real = realpath(dir, NULL);
    free(dir);
    return real;
}

/* path as seen from the folder of `from` ("clips/00-x.opus", "../c/00-x.opus"), so that no
 * output names an absolute path; path itself when a folder cannot be resolved. */
static char *relative_path(const char *from, const char *path)
{
    char *a = real_dir(from), *b = real_dir(path);
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    if (!a || !b) {
        free(a), free(b);
        return xstrdup(path);
    }
    /* skip the common leading components, then up from a's rest and down into b's */
    size_t i = 0, common = 0;
    while (a[i] && a[i] == b[i]) {
        i++;
        if (a[i - 1] == '/') common = i;
    }
    if ((!a[i] || a[i] == '/') && (!b[i] || b[i] == '/')) common = i; /* a whole component agrees */
    struct strbuf sb;
    sb_init(&sb);
    const char *ra = a + common, *rb = b + common;
    while (*ra == '/') ra++;
    while (*rb == '/') rb++;
    if (*ra) {
        sb_adds(&sb, "../");
        for (const char *p = ra; *p; p++)
            if (*p == '/') sb_adds(&sb, "../");
    }
    if (*rb) sb_printf(&sb, "%s/", rb);
    sb_adds(&sb, name);
    free(a), free(b);
    return sb_detach(&sb);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* ---- sidecars ---- */

static json_t *settings_json(const struct render *r)
{
    const struct pause_policy *pp = &r->vs.pauses;
    return json_pack("{s:i, s:i, s:i, s:i, s:s, s:b, s:b, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i}}", "bitrate_bps",
                     r->enc.bitrate_bps, "complexity", r->enc.complexity, "opus_rate", ENCODE_OPUS_RATE,
                     "synthesis_rate", SYNTH_RATE, "voices", base_name(r->vs.dir), "announce_sections",
                     r->o->announce_sections, "preface", r->o->preface, "pauses_ms", "programme_start",
                     pp->programme_start_ms, "programme_end", pp->programme_end_ms, "speaker_change",
                     pp->speaker_change_ms, "same_speaker", pp->same_speaker_ms, "section_break",
                     pp->section_break_ms, "after_opening", pp->after_opening_ms, "after_announcement",
                     pp->after_announcement_ms);
}

static json_t *loudness_json(const struct render *r)
{
    json_t *voices = json_object();
    for (int p = 0; p < r->vs.n_profiles && r->voice_gain_db; p++)
        json_object_set_new(voices, r->vs.profiles[p].name, json_real(r->voice_gain_db[p]));
    return json_pack("{s:f, s:f, s:f, s:f, s:s, s:f, s:f, s:f, s:o, s:f, s:f, s:f, s:f}", "target_lufs",
                     r->o->loudness_lufs, "true_peak_limit_dbtp", r->o->true_peak_dbtp, "synthesized_lufs",
                     round(r->before_lufs * 100) / 100, "synthesized_sample_peak_dbfs", round(r->before_tp * 100) / 100,
                     "packet_gain", "per turn: target minus the turn's own loudness (its voice's calibration for short turns)",
                     "packet_gain_mean_db", r->gain_db, "packet_gain_min_db", r->gain_min_db, "packet_gain_max_db",
                     r->gain_max_db, "voice_calibration_gain_db", voices, "limiter_ceiling_dbtp", r->enc.ceiling_dbtp,
                     "encoded_lufs", round(r->encoded_lufs * 100) / 100, "encoded_sample_peak_dbfs",
                     round(r->encoded_tp * 100) / 100, "output_gain_db", r->header_gain_db);
}

static json_t *speakers_json(const struct render *r)
{
    json_t *arr = json_array();
    for (int i = 0; i < r->vs.n_profiles; i++) {
        const struct voice_profile *p = &r->vs.profiles[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "name", p->name, "role",
                                             voice_role_name(p->role), "mandarin_voice", p->mandarin_voice,
                                             "english_voice", p->english_voice, "variant", p->variant, "rate_wpm",
                                             p->rate_wpm, "pitch", p->pitch, "range", p->range));
    }
    return arr;
}

static int write_sidecars(const struct render *r, const char *opus_path, const struct timeline *tl, json_t *extra,
                          const struct page_clip *clips, int n_clips, int page, struct rc_error *err)
{
    char *stem = strip_ext(opus_path);
    const char *base = strrchr(opus_path, '/');
    json_t *settings = settings_json(r), *loud = loudness_json(r), *speakers = speakers_json(r);
    struct sidecar_info info = {.title = r->ep.title ? r->ep.title : r->doc.title,
                                .source_path = base_name(r->o->transcript),
                                .input_sha256 = r->input_sha256,
                                .recast_version = RECAST_VERSION,
                                .espeak_version = r->espeak_version,
                                .audio_basename = base ? base + 1 : opus_path,
                                .settings = settings,
                                .loudness = loud,
                                .speakers = speakers,
                                .extra_files = extra,
                                .layout = &r->o->captions,
                                .episode = &r->ep,
                                .write_cover = page || extra != NULL};
    int rc = sidecars_write(stem, tl, &info, err);
    if (rc == 0 && page) rc = page_write(stem, tl, &info, clips, n_clips, err);
    json_decref(settings), json_decref(loud), json_decref(speakers);
    free(stem);
    return rc;
}

/* ---- the output set ---- */

static struct output_file *add_file(struct output_set *set, char *opus_path, int sec_first, int sec_last)
{
    set->files = xrealloc(set->files, sizeof *set->files * (size_t)(set->n_files + 1));
    struct output_file *f = &set->files[set->n_files++];
    *f = (struct output_file){.opus_path = opus_path, .sec_first = sec_first, .sec_last = sec_last, .sidecars = 1};
    return f;
}

/* -o, or out/<transcript stem>.opus (creating out/). */
static char *podcast_path(const struct render *r, struct rc_error *err)
{
    if (r->o->output) return xstrdup(r->o->output);
    char *stem = path_stem(r->o->transcript);
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "out/%s.opus", stem);
    free(stem);
    if (make_dirs("out", err) != 0) {
        sb_free(&sb);
        return NULL;
    }
    return sb_detach(&sb);
}

/* One clip per section: DIR/NN-<safe title>.opus. */
static int plan_clips(const struct render *r, struct output_set *set, struct rc_error *err)
{
    if (make_dirs(r->o->clips_dir, err) != 0) return -1;
    for (int s = 0; s < r->doc.n_sections; s++) {
        const char *title = r->doc.sections[s].title;
        char *name = safe_name(title[0] ? title : "untitled");
        struct strbuf path;
        sb_init(&path);
        sb_printf(&path, "%s/%02d-%s.opus", r->o->clips_dir, s, name);
        free(name);
        struct output_file *f = add_file(set, sb_detach(&path), s, s + 1);
        f->is_clip = 1, f->title = title;
    }
    return 0;
}

/* What the podcast's manifest and page say about the other files: the clips (links
 * relative to the page's folder) and the page's name. */
static void plan_links(const struct render *r, struct output_set *set, const char *podcast)
{
    json_t *clip_files = json_array();
    set->clips = xcalloc((size_t)set->n_files + 1, sizeof *set->clips);
    const char *slash = strrchr(podcast, '/');
    size_t dir_len = slash ? (size_t)(slash - podcast) + 1 : 0;
    set->clip_hrefs = xcalloc((size_t)set->n_files + 1, sizeof *set->clip_hrefs);
    for (int i = 0; i < set->n_files; i++) {
        const char *cp = set->files[i].opus_path;
        set->clip_hrefs[i] = relative_path(podcast, cp);
        json_array_append_new(clip_files, json_string(set->clip_hrefs[i]));
        set->clips[i].href = set->clip_hrefs[i];
        set->clips[i].section = i - r->sec_first;
    }
    (void)dir_len;
    set->n_clips = set->n_files;
    set->extra_files = json_pack("{s:O}", "clips", clip_files);
    json_decref(clip_files);
    if (r->o->html) {
        char *stem = strip_ext(podcast);
        struct strbuf page;
        sb_init(&page);
        sb_printf(&page, "%s.html", stem);
        const char *pb = strrchr(sb_cstr(&page), '/');
        json_object_set_new(set->extra_files, "page", json_string(pb ? pb + 1 : sb_cstr(&page)));
        sb_free(&page);
        free(stem);
    }
}

int publish_plan(const struct render *r, struct output_set *set, struct rc_error *err)
{
    memset(set, 0, sizeof *set);
    char *podcast = podcast_path(r, err);
    if (!podcast) return -1;
    if (r->o->clips_dir && plan_clips(r, set, err) != 0) {
        free(podcast);
        return -1;
    }
    plan_links(r, set, podcast);
    struct stat st; /* no sidecars beside a device or FIFO (/dev/null) */
    int to_device = stat(podcast, &st) == 0 && !S_ISREG(st.st_mode);
    struct output_file *f = add_file(set, podcast, r->sec_first, r->sec_last);
    f->sidecars = !to_device;
    f->page = !to_device && r->o->html;
    return 0;
}

/* ---- putting the set in place ---- */

static int publish_file(const struct render *r, const struct output_set *set, const struct output_file *f,
                        struct rc_error *err)
{
    struct timeline tl;
    programme_timeline(r, f->sec_first, f->sec_last, &tl);
    int rc = mux_write_opus(r, f->opus_path, f->sec_first, f->sec_last, &tl, err);
    if (rc == 0 && f->sidecars && f->is_clip) rc = write_sidecars(r, f->opus_path, &tl, NULL, NULL, 0, 0, err);
    else if (rc == 0 && f->sidecars)
        rc = write_sidecars(r, f->opus_path, &tl, set->extra_files, set->clips, set->n_clips, f->page, err);
    timeline_free(&tl);
    return rc;
}

int publish_outputs(const struct render *r, const struct output_set *set, struct rc_error *err)
{
    for (int i = 0; i < set->n_files; i++)
        if (publish_file(r, set, &set->files[i], err) != 0) return -1;
    return 0;
}

const struct output_file *output_set_podcast(const struct output_set *set)
{
    return set->n_files ? &set->files[set->n_files - 1] : NULL;
}

void output_set_free(struct output_set *set)
{
    for (int i = 0; i < set->n_files; i++) free(set->files[i].opus_path);
    free(set->files);
    free(set->clips);
    for (int i = 0; set->clip_hrefs && i < set->n_clips; i++) free(set->clip_hrefs[i]);
    free(set->clip_hrefs);
    json_decref(set->extra_files);
    memset(set, 0, sizeof *set);
}
