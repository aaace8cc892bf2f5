/* publish.c: see publish.h. */
#include "render/publish.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/outset.h"
#include "publish/feed.h"
#include "publish/sidecars.h"
#include "render/mux.h"
#include "render/programme.h"
#include "render/worker.h"
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
    return json_pack("{s:f, s:f, s:f, s:f, s:s, s:f, s:f, s:f, s:o, s:f, s:f, s:f, s:f, s:s, s:f}", "target_lufs",
                     r->o->loudness_lufs, "true_peak_limit_dbtp", r->o->true_peak_dbtp, "synthesized_lufs",
                     round(r->before_lufs * 100) / 100, "synthesized_sample_peak_dbfs", round(r->before_tp * 100) / 100,
                     "packet_gain", "per turn: target minus the turn's own loudness (its voice's calibration for short turns)",
                     "packet_gain_mean_db", r->gain_db, "packet_gain_min_db", r->gain_min_db, "packet_gain_max_db",
                     r->gain_max_db, "voice_calibration_gain_db", voices, "limiter_ceiling_dbtp", r->enc.ceiling_dbtp,
                     "encoded_lufs", round(r->encoded_lufs * 100) / 100, "encoded_sample_peak_dbfs",
                     round(r->encoded_tp * 100) / 100, "output_gain_db", r->header_gain_db, "output_gain",
                     "target minus the voices' calibration reads after gain and limiter, weighted by each voice's "
                     "share of the text", "voices_predicted_lufs", round(r->voices_lufs * 100) / 100);
}

static json_t *speakers_json(const struct render *r)
{
    json_t *arr = json_array();
    for (int i = 0; i < r->vs.n_profiles; i++) {
        const struct voice_profile *p = &r->vs.profiles[i];
        int speaks = p->role == ROLE_NARRATOR;
        for (int k = 0; k < r->doc.n_speakers && !speaks; k++) speaks = r->doc.speakers[k].profile == i;
        if (!speaks) continue; /* a profile of voices/ that this transcript does not use */
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "name", p->name, "role",
                                             voice_role_name(p->role), "mandarin_voice", p->mandarin_voice,
                                             "english_voice", p->english_voice, "variant", p->variant, "rate_wpm",
                                             p->rate_wpm, "pitch", p->pitch, "range", p->range));
    }
    return arr;
}

static int write_sidecars(const struct render *r, const char *opus_path, const char *fallback_audio,
                          const struct timeline *tl, json_t *extra, const struct page_clip *clips, int n_clips, int page,
                          struct rc_error *err)
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
                                .fallback_audio_basename = fallback_audio,
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

/* ---- formats ---- */

/* The extension of a path's last component, without the dot ("" for none; a leading
 * dot is a hidden file, not an extension). */
static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot > base ? dot + 1 : "";
}

/* The audio format an extension names, in any case: .opus, .ogg and .oga are Ogg Opus;
 * .m4a, .mp3 (-1: none). */
static int format_of_extension(const char *ext)
{
    if (strcasecmp(ext, "opus") == 0 || strcasecmp(ext, "ogg") == 0 || strcasecmp(ext, "oga") == 0) return RENDER_OPUS;
    if (strcasecmp(ext, "m4a") == 0) return RENDER_M4A;
    if (strcasecmp(ext, "mp3") == 0) return RENDER_MP3;
    return -1;
}

/* The format -o names by its extension (-1: none, a folder, or no -o). */
static int format_named_by(const char *path)
{
    struct stat st;
    if (!path || !*path || path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) return -1;
    return format_of_extension(extension(path));
}

int publish_formats(struct render *r, struct rc_error *err)
{
    const struct render_options *o = r->o;
    int named = format_named_by(o->output);
    r->n_formats = 0;
    if (o->n_formats == 0) {
        r->formats[r->n_formats++] = named >= 0 ? (enum render_format)named : RENDER_OPUS;
    } else {
        int listed = named < 0;
        for (int i = 0; i < o->n_formats; i++) {
            for (int k = 0; k < r->n_formats; k++)
                if (r->formats[k] == o->formats[i])
                    return rc_fail(err, RC_USAGE, "--format %s is given twice", mux_format_extension(o->formats[i]));
            r->formats[r->n_formats++] = o->formats[i];
            if ((int)o->formats[i] == named) listed = 1;
        }
        if (!listed)
            return rc_fail(err, RC_USAGE, "-o %s names a .%s file, but no --format %s is asked for (add it, or name the "
                           "file STEM.%s)", o->output, extension(o->output),
                           mux_format_extension((enum render_format)named), mux_format_extension(r->formats[0]));
    }
    struct stat st;
    if (o->output && (r->n_formats > 1 || r->formats[0] != RENDER_OPUS) &&
        (strcmp(o->output, "-") == 0 || (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))))
        return rc_fail(err, RC_USAGE, "-o %s: M4A and MP3 files need a regular file (their muxers seek back); give a "
                       "file name", o->output);
    return 0;
}

/* "out/x.opus" -> "out/x.m4a": the stem of a path that ends in an audio extension (else
 * the whole path) and the format's extension. */
static char *format_path(const char *path, enum render_format f)
{
    char *stem = format_of_extension(extension(path)) >= 0 ? strip_ext(path) : xstrdup(path);
    struct strbuf sb;
    sb_init(&sb);
    sb_printf(&sb, "%s.%s", stem, mux_format_extension(f));
    free(stem);
    return sb_detach(&sb);
}

/* ---- the output set ---- */

/* A file of the set: main_path in the main format, the same stem in the others. */
static struct output_file *add_file(const struct render *r, struct output_set *set, char *main_path, int sec_first,
                                    int sec_last)
{
    set->files = xrealloc(set->files, sizeof *set->files * (size_t)(set->n_files + 1));
    struct output_file *f = &set->files[set->n_files++];
    *f = (struct output_file){.opus_path = main_path, .sec_first = sec_first, .sec_last = sec_last, .sidecars = 1};
    for (int k = 1; k < r->n_formats; k++) f->other_paths[k] = format_path(main_path, r->formats[k]);
    return f;
}

/* ---- where the files go ---- */

/* The folder part of a path ("out/x.opus" -> "out"; "x.opus" -> "."); caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* The file name recast chooses when -o does not give one: STEM.EXT, or for --section
 * STEM-NN-<title>.EXT, EXT the main format's (.opus unless --format says otherwise). */
static void default_name(const struct render *r, struct strbuf *out)
{
    char *stem = path_stem(r->o->transcript);
    sb_adds(out, stem);
    free(stem);
    if (r->o->n_sections) {
        const char *title = r->doc.sections[r->sec_first].title;
        char *name = safe_name(title[0] ? title : "untitled");
        sb_printf(out, "-%02d-%s", r->sec_first, name);
        free(name);
    }
    sb_printf(out, ".%s", mux_format_extension(r->formats[0]));
}

/* The podcast's path (in the main format, r->formats[0]) as the user meant it: -o
 * FILE.opus (.ogg, .oga, .m4a, .mp3) as it is when it names the main format, else its stem
 * with the main format's extension (-o x.opus --format m4a,opus -> x.m4a; x.opus beside
 * it); -o NAME without an extension gets the main format's; -o DIR (an existing folder,
 * or a name ending in '/') gets the default name inside it; without -o, out/ and the
 * default name.  An existing device or FIFO (/dev/null) and "-" (stdout) are written as
 * they are (Opus only: publish_formats).  Another extension is a usage error.  The other
 * formats go beside it with the same stem (format_path).  The folder is created, as
 * --clips's is. */
static char *podcast_path(const struct render *r, struct rc_error *err)
{
    const char *o = r->o->output;
    struct strbuf sb;
    sb_init(&sb);
    struct stat st, tst;
    int exists = o && stat(o, &st) == 0;
    if (o && (strcmp(o, "-") == 0 || (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))))
        return xstrdup(o);
    if (!o || (exists && S_ISDIR(st.st_mode)) || o[strlen(o) - 1] == '/') {
        sb_adds(&sb, o ? o : "out");
        if (sb.len && sb.data[sb.len - 1] != '/') sb_addc(&sb, '/');
        default_name(r, &sb);
    } else if (!*extension(o)) {
        sb_printf(&sb, "%s.%s", o, mux_format_extension(r->formats[0]));
    } else if (format_of_extension(extension(o)) == (int)r->formats[0]) {
        sb_adds(&sb, o);
    } else if (format_of_extension(extension(o)) >= 0) {
        char *main_path = format_path(o, r->formats[0]);
        sb_adds(&sb, main_path);
        free(main_path);
    } else if (exists && stat(r->o->transcript, &tst) == 0 && tst.st_dev == st.st_dev && tst.st_ino == st.st_ino) {
        sb_free(&sb);
        rc_fail(err, RC_USAGE, "-o %s: that is the transcript (an input): choose another name", o);
        return NULL;
    } else {
        sb_free(&sb);
        rc_fail(err, RC_USAGE, "-o %s: recast writes Ogg Opus, M4A or MP3; name the file .opus (or .ogg, "
                               ".oga), .m4a or .mp3, or give no extension and .%s is added", o,
                mux_format_extension(r->formats[0]));
        return NULL;
    }
    char *dir = dir_of(sb_cstr(&sb));
    int rc = make_dirs(dir, err);
    free(dir);
    if (rc != 0) {
        sb_free(&sb);
        return NULL;
    }
    return sb_detach(&sb);
}

/* One clip per section of the podcast (every section, or --section's span):
 * DIR/NN-<safe title>.opus, NN the section's number in the document. */
static int plan_clips(const struct render *r, struct output_set *set, struct rc_error *err)
{
    if (make_dirs(r->o->clips_dir, err) != 0) return -1;
    for (int s = r->sec_first; s < r->sec_last; s++) {
        const char *title = r->doc.sections[s].title;
        char *name = safe_name(title[0] ? title : "untitled");
        struct strbuf path;
        sb_init(&path);
        sb_printf(&path, "%s/%02d-%s.%s", r->o->clips_dir, s, name, mux_format_extension(r->formats[0]));
        free(name);
        struct output_file *f = add_file(r, set, sb_detach(&path), s, s + 1);
        f->is_clip = 1, f->title = title;
    }
    return 0;
}

/* The path of `file` relative to the folder `from` (both existing folders are resolved,
 * so "out" and "/abs/clips" give "../clips/x.opus"); NULL if a folder cannot be
 * resolved.  Caller frees. */
static char *relative_to(const char *from, const char *file)
{
    char *file_dir = dir_of(file);
    char *a = realpath(from, NULL), *b = realpath(file_dir, NULL);
    free(file_dir);
    char *rel = NULL;
    if (a && b) {
        /* the longest common prefix of whole components */
        size_t common = 0, i = 0;
        for (; a[i] && a[i] == b[i]; i++)
            if (a[i] == '/') common = i;
        if ((!a[i] && (b[i] == '/' || !b[i])) || (!b[i] && a[i] == '/')) common = i;
        struct strbuf sb;
        sb_init(&sb);
        for (const char *p = a + common; *p; p++)
            if (*p == '/') sb_adds(&sb, "../");
        if (strcmp(a, "/") == 0 && sb.len) sb.len = 0, sb_cstr(&sb);
        const char *rest = b + common;
        while (*rest == '/') rest++;
        if (*rest) sb_printf(&sb, "%s/", rest);
        const char *slash = strrchr(file, '/');
        sb_adds(&sb, slash ? slash + 1 : file);
        rel = sb_detach(&sb);
    }
    free(a), free(b);
    return rel;
}

/* What the podcast's manifest and page say about the other files: the clips, as links
 * relative to the podcast's folder (never absolute paths), and the page's name. */
static void plan_links(const struct render *r, struct output_set *set, const char *podcast)
{
    json_t *clip_files = json_array();
    set->clips = xcalloc((size_t)set->n_files + 1, sizeof *set->clips);
    set->hrefs = xcalloc((size_t)set->n_files + 1, sizeof *set->hrefs);
    char *podcast_dir = dir_of(podcast);
    for (int i = 0; i < set->n_files; i++) {
        const char *cp = set->files[i].opus_path;
        char *rel = relative_to(podcast_dir, cp);
        set->hrefs[i] = rel ? rel : xstrdup(strrchr(cp, '/') ? strrchr(cp, '/') + 1 : cp);
        json_array_append_new(clip_files, json_string(set->hrefs[i]));
        set->clips[i].href = set->hrefs[i];
        set->clips[i].section = i - r->sec_first;
    }
    set->n_clips = set->n_files;
    set->extra_files = json_pack("{s:O}", "clips", clip_files);
    json_decref(clip_files);
    if (r->n_formats > 1) { /* {"m4a": {"file": "x.m4a", "clips": [...]}, ...}, clips relative as above */
        json_t *formats = json_object();
        for (int k = 1; k < r->n_formats; k++) {
            char *path = format_path(podcast, r->formats[k]);
            json_t *clips = json_array();
            for (int i = 0; i < set->n_files; i++) {
                const char *cp = set->files[i].other_paths[k];
                char *rel = relative_to(podcast_dir, cp);
                json_array_append_new(clips, json_string(rel ? rel : base_name(cp)));
                free(rel);
            }
            json_object_set_new(formats, mux_format_extension(r->formats[k]),
                                json_pack("{s:s, s:o}", "file", base_name(path), "clips", clips));
            free(path);
        }
        json_object_set_new(set->extra_files, "formats", formats);
    }
    free(podcast_dir);
    if (r->o->feed_url) {
        char *stem = strip_ext(podcast);
        struct strbuf feed;
        sb_init(&feed);
        sb_printf(&feed, "%s.rss.xml", base_name(stem));
        json_object_set_new(set->extra_files, "feed", json_string(sb_cstr(&feed)));
        sb_free(&feed);
        free(stem);
    }
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

/* ---- never over an input ---- */

struct input_file {
    const char *what; /* "the transcript", "a voice profile", ... */
    const char *path;
    struct stat st;
};

static void add_input(struct input_file *in, int *n, const char *what, const char *path)
{
    if (path && stat(path, &in[*n].st) == 0) in[*n].what = what, in[*n].path = path, (*n)++;
}

/* Refuses a file of the set that is one of the render's inputs (the same file, by
 * device and inode, whatever the path says): the transcript, the voice profiles, the
 * pause policy, the lexicon. */
static int check_inputs(const struct render *r, const struct output_set *set, struct rc_error *err)
{
    int n = 0, cap = r->vs.n_profiles + 5;
    struct input_file *in = xcalloc((size_t)cap, sizeof *in);
    struct strbuf pauses, lexicon;
    sb_init(&pauses), sb_init(&lexicon);
    sb_printf(&pauses, "%s/pauses.conf", r->vs.dir);
    sb_printf(&lexicon, "%s/lexicon.txt", r->vs.dir);
    add_input(in, &n, "the transcript", r->o->transcript);
    add_input(in, &n, "the lexicon", r->o->lexicon_path ? r->o->lexicon_path : sb_cstr(&lexicon));
    add_input(in, &n, "the pause policy", sb_cstr(&pauses));
    add_input(in, &n, "the cover", r->ep.cover_path);
    for (int i = 0; i < r->vs.n_profiles; i++) add_input(in, &n, "a voice profile", r->vs.profiles[i].path);
    int rc = 0;
    for (int f = 0; f < set->n_files && rc == 0; f++) {
        const struct output_file *of = &set->files[f];
        char *stem = strip_ext(of->opus_path);
        /* the audio files (k < RENDER_N_FORMATS), then the sidecars, the page, the feed */
        for (int k = 0; rc == 0; k++) {
            int sidecar = k - RENDER_N_FORMATS, n_sidecars = 0;
            while (sidecars_suffix(n_sidecars)) n_sidecars++;
            struct strbuf out;
            sb_init(&out);
            if (k == 0) sb_adds(&out, of->opus_path);
            else if (k < RENDER_N_FORMATS) {
                if (of->other_paths[k]) sb_adds(&out, of->other_paths[k]);
            } else if (!of->sidecars) {
                sb_free(&out);
                break;
            } else if (sidecar < n_sidecars) {
                const char *suffix = sidecars_suffix(sidecar);
                if (strcmp(suffix, ".cover") != 0) sb_printf(&out, "%s%s", stem, suffix);
                else if (r->ep.cover.data) sb_printf(&out, "%s%s%s", stem, suffix, r->ep.cover.ext);
            } else if (sidecar == n_sidecars) {
                if (of->page) sb_printf(&out, "%s.html", stem);
            } else if (sidecar == n_sidecars + 1) {
                if (r->o->feed_url && !of->is_clip) sb_printf(&out, "%s.rss.xml", stem);
            } else {
                sb_free(&out);
                break;
            }
            struct stat st;
            if (out.len && stat(sb_cstr(&out), &st) == 0)
                for (int i = 0; i < n && rc == 0; i++)
                    if (st.st_dev == in[i].st.st_dev && st.st_ino == in[i].st.st_ino && S_ISREG(st.st_mode))
                        rc = rc_fail(err, RC_USAGE, "%s %s: would write over %s, %s (an input): choose another %s",
                                     of->is_clip ? "--clips" : "-o", of->is_clip ? r->o->clips_dir : of->opus_path,
                                     in[i].path, in[i].what, of->is_clip ? "folder" : "name");
            sb_free(&out);
        }
        free(stem);
    }
    sb_free(&pauses), sb_free(&lexicon);
    free(in);
    return rc;
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
    int to_device = strcmp(podcast, "-") == 0 || (stat(podcast, &st) == 0 && !S_ISREG(st.st_mode));
    struct output_file *f = add_file(r, set, podcast, r->sec_first, r->sec_last);
    f->sidecars = !to_device;
    f->page = !to_device && r->o->html;
    return check_inputs(r, set, err);
}

/* ---- the M4A and MP3 files, in workers ---- */

/* The encoders are the costly part (FFmpeg's AAC takes about as much CPU as libopus) and
 * each file depends only on the cached packets, so each is encoded in a worker process:
 * the parent opens the temporary file, a worker fills it, the parent commits it.  At
 * most TRANSCODE_BATCH files are open at once. */
#define TRANSCODE_BATCH 16
struct transcode_job {
    enum render_format fmt;
    int sec_first, sec_last;
    const char *path;
    struct atomic_file af;
};

struct transcode_jobs {
    const struct render *r;
    struct transcode_job *v;
    int n;
};

static void add_transcode_job(struct transcode_jobs *t, enum render_format fmt, const char *path,
                              const struct output_file *f)
{
    t->v = xrealloc(t->v, sizeof *t->v * (size_t)(t->n + 1));
    t->v[t->n++] = (struct transcode_job){fmt, f->sec_first, f->sec_last, path, {0}};
}

static int transcode_child(void *ctx, int index, struct strbuf *result, struct rc_error *err)
{
    (void)result;
    struct transcode_jobs *t = ctx;
    struct transcode_job *j = &t->v[index];
    /* a retried worker starts the file again */
    if (fseeko(j->af.fp, 0, SEEK_SET) != 0 || ftruncate(fileno(j->af.fp), 0) != 0)
        return rc_fail(err, RC_IOERR, "%s: cannot rewind: %s", j->path, strerror(errno));
    struct timeline tl;
    programme_timeline(t->r, j->sec_first, j->sec_last, &tl);
    int rc = mux_write_other(t->r, j->fmt, j->af.fp, j->af.tmp_path, j->path, j->sec_first, j->sec_last, &tl, err);
    timeline_free(&tl);
    return rc;
}

static int run_transcode_jobs(struct transcode_jobs *t, struct rc_error *err)
{
    int rc = 0;
    for (int start = 0; start < t->n && rc == 0; start += TRANSCODE_BATCH) {
        int end = start + TRANSCODE_BATCH < t->n ? start + TRANSCODE_BATCH : t->n, todo[TRANSCODE_BATCH];
        for (int i = start; i < end && rc == 0; i++) {
            todo[i - start] = i;
            rc = atomic_open(&t->v[i].af, t->v[i].path, err);
            if (rc == 0 && !t->v[i].af.tmp_path)
                rc = rc_fail(err, RC_USAGE, "%s: %s files need a regular file (their muxers seek back)", t->v[i].path,
                             mux_format_extension(t->v[i].fmt));
        }
        if (rc == 0) rc = pool_run(todo, end - start, t->r->o->jobs, transcode_child, NULL, t, err);
        for (int i = start; i < end && rc == 0; i++) rc = atomic_commit(&t->v[i].af, err);
    }
    for (int i = 0; i < t->n; i++) /* what an error left uncommitted */
        if (t->v[i].af.path) atomic_abort(&t->v[i].af);
    free(t->v);
    t->v = NULL, t->n = 0;
    return rc;
}

/* ---- the feed ---- */

/* The size of a file of the set: its staged temporary file (the set is not in place
 * yet), else the file itself; -1 if neither is a regular file. */
static long long staged_bytes(const struct outset *staged, const char *path)
{
    const char *tmp = outset_staged_path(staged, path);
    struct stat st;
    return stat(tmp ? tmp : path, &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
}

/* The episode's date (YYYY, YYYY-MM or YYYY-MM-DD, checked when read) as midnight UTC
 * of its first day; else SOURCE_DATE_EPOCH (checked up front); else now. */
static time_t publication_date(const struct render *r)
{
    const char *d = r->ep.date, *sde = getenv("SOURCE_DATE_EPOCH");
    if (d) {
        struct tm tm = {0};
        tm.tm_year = atoi(d) - 1900;
        tm.tm_mon = strlen(d) >= 7 ? atoi(d + 5) - 1 : 0;
        tm.tm_mday = strlen(d) >= 10 ? atoi(d + 8) : 1;
        return timegm(&tm);
    }
    return sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
}

static const char *episode_language(const struct render *r)
{
    return r->ep.language ? r->ep.language : r->doc.lang == DOC_LANG_EN ? "en" : "zh";
}

/* STEM.rss.xml: a one-item channel for the podcast file, every URL under --feed's
 * BASE-URL and every length that of the file the set puts in place.  What it says comes
 * from the episode metadata, as the audio files' tags do: title, description (with how
 * it was made), date, language, cover (itunes:image), the persons with their roles (or,
 * without persons, the speakers and their voices' roles). */
static int write_feed(const struct render *r, const struct output_file *f, const struct outset *staged,
                      struct rc_error *err)
{
    const char *base_url = r->o->feed_url;
    char *stem = strip_ext(f->opus_path);
    const char *stem_base = base_name(stem);
    struct timeline tl;
    programme_timeline(r, f->sec_first, f->sec_last, &tl);
    struct strbuf sb;
    sb_init(&sb);
    struct feed_item item;
    memset(&item, 0, sizeof item);
    struct feed_media alternates[RENDER_N_FORMATS];
    char *urls[RENDER_N_FORMATS] = {0};
    int rc = 0;
    double seconds = tl_seconds(tl.total48);
    for (int k = 0; k < r->n_formats && rc == 0; k++) {
        const char *path = k == 0 ? f->opus_path : f->other_paths[k];
        long long bytes = staged_bytes(staged, path);
        if (bytes <= 0) rc = rc_fail(err, RC_SOFTWARE, "%s: missing after it was written", path);
        urls[k] = feed_url(base_url, base_name(path));
        struct feed_media m = {urls[k], bytes, mux_format_mime(r->formats[k]), mux_format_title(r->formats[k]),
                               seconds > 0 ? llround((double)bytes * 8 / seconds) : 0, mux_format_codecs(r->formats[k])};
        if (k == 0) item.enclosure = m;
        else alternates[k - 1] = m;
    }
    item.alternates = alternates, item.n_alternates = r->n_formats - 1;
    const char *language = episode_language(r);
    static const char *const sidecar_ext[4] = {"vtt", "srt", "transcript.json", "chapters.json"};
    static const char *const sidecar_type[3] = {"text/vtt", "application/srt", "application/json"};
    char *sidecar_urls[4];
    struct feed_transcript transcripts[3];
    for (int i = 0; i < 4; i++) {
        sb.len = 0;
        sb_printf(&sb, "%s.%s", stem_base, sidecar_ext[i]);
        sidecar_urls[i] = feed_url(base_url, sb_cstr(&sb));
        if (i < 3) transcripts[i] = (struct feed_transcript){sidecar_urls[i], sidecar_type[i], language, i < 2};
    }
    char *page_url = NULL, *image_url = NULL;
    if (f->page) {
        sb.len = 0;
        sb_printf(&sb, "%s.html", stem_base);
        page_url = feed_url(base_url, sb_cstr(&sb));
    }
    if (r->ep.cover.data) { /* STEM.cover.png beside the podcast (sidecars.h) */
        sb.len = 0;
        sb_printf(&sb, "%s.cover%s", stem_base, r->ep.cover.ext);
        image_url = feed_url(base_url, sb_cstr(&sb));
    }
    struct feed_person *persons = xcalloc((size_t)(r->ep.n_persons + r->vs.n_profiles + 1), sizeof *persons);
    int n_persons = 0;
    struct strbuf authors;
    sb_init(&authors);
    for (int i = 0; i < r->ep.n_persons; i++) {
        persons[n_persons++] = (struct feed_person){r->ep.persons[i].name, r->ep.persons[i].role, "cast", NULL, NULL};
        sb_printf(&authors, "%s%s", authors.len ? ", " : "", r->ep.persons[i].name);
    }
    for (int i = 0; i < r->vs.n_profiles && r->ep.n_persons == 0; i++) {
        int speaks = 0;
        for (int t = 0; t < tl.n_turns && !speaks; t++) speaks = tl.turns[t].speaker == i;
        if (speaks) {
            persons[n_persons++] = (struct feed_person){r->vs.profiles[i].name, voice_role_name(r->vs.profiles[i].role),
                                                        "cast", NULL, NULL};
            sb_printf(&authors, "%s%s", authors.len ? ", " : "", r->vs.profiles[i].name);
        }
    }
    /* title and description as the audio files have them */
    char **comments = NULL;
    int n_comments = 0;
    const char *title = r->ep.title ? r->ep.title : r->doc.title, *description = "";
    if (rc == 0) rc = mux_comments(r, f->sec_first, f->sec_last, &tl, &comments, &n_comments, err);
    for (int i = 0; i < n_comments; i++) {
        if (strncmp(comments[i], "TITLE=", 6) == 0) title = comments[i] + 6;
        if (strncmp(comments[i], "DESCRIPTION=", 12) == 0) description = comments[i] + 12;
    }
    sb.len = 0;
    sb_printf(&sb, "recast:%s", stem_base); /* the same for every format and every re-render */
    char *guid = sb_detach(&sb);
    item.title = title;
    item.description = description;
    item.guid = guid;
    item.link = page_url ? page_url : r->ep.url;
    item.pub_date = publication_date(r);
    item.duration_ms = tl_ms(tl.total48);
    item.image_url = image_url;
    item.language = language;
    item.chapters_url = sidecar_urls[3];
    item.transcripts = transcripts, item.n_transcripts = 3;
    item.persons = persons, item.n_persons = n_persons;
    char *channel_link = feed_url(base_url, "");
    sb_init(&sb);
    sb_printf(&sb, "%s.rss.xml", stem_base);
    char *self_url = feed_url(base_url, sb_cstr(&sb));
    struct feed_channel ch = {.title = r->ep.show ? r->ep.show : title,
                              .link = page_url ? page_url : channel_link,
                              .description = description,
                              .language = language,
                              .author = authors.len ? sb_cstr(&authors) : NULL,
                              .image_url = image_url,
                              .self_url = self_url};
    sb.len = 0;
    sb_printf(&sb, "%s.rss.xml", stem);
    if (rc == 0) rc = feed_write_episode(sb_cstr(&sb), &ch, &item, err);
    mux_comments_free(comments, n_comments);
    for (int k = 0; k < RENDER_N_FORMATS; k++) free(urls[k]);
    for (int i = 0; i < 4; i++) free(sidecar_urls[i]);
    free(page_url), free(image_url), free(channel_link), free(self_url), free(guid), free(persons), free(stem);
    sb_free(&sb), sb_free(&authors);
    timeline_free(&tl);
    return rc;
}

/* ---- putting the set in place ---- */

/* The page's fallback <source>: the podcast's M4A, when it is not the main file. */
static const char *fallback_audio(const struct render *r, const struct output_file *f)
{
    for (int k = 1; k < r->n_formats; k++)
        if (r->formats[k] == RENDER_M4A) return base_name(f->other_paths[k]);
    return NULL;
}

static int publish_file(const struct render *r, const struct output_set *set, const struct output_file *f,
                        struct rc_error *err)
{
    struct timeline tl;
    programme_timeline(r, f->sec_first, f->sec_last, &tl);
    int rc = r->formats[0] == RENDER_OPUS ? mux_write_opus(r, f->opus_path, f->sec_first, f->sec_last, &tl, err) : 0;
    for (int k = 1; k < r->n_formats && rc == 0; k++)
        if (r->formats[k] == RENDER_OPUS) rc = mux_write_opus(r, f->other_paths[k], f->sec_first, f->sec_last, &tl, err);
    if (rc == 0 && f->sidecars && f->is_clip) rc = write_sidecars(r, f->opus_path, NULL, &tl, NULL, NULL, 0, 0, err);
    else if (rc == 0 && f->sidecars)
        rc = write_sidecars(r, f->opus_path, fallback_audio(r, f), &tl, set->extra_files, set->clips, set->n_clips,
                            f->page, err);
    timeline_free(&tl);
    return rc;
}

static int interrupted(struct rc_error *err)
{
    if (!worker_interrupted()) return 0;
    return rc_fail(err, worker_interrupt_status(), "interrupted by %s while writing the outputs; the old ones are "
                   "kept", worker_interrupt_name());
}

/* The journal goes beside the podcast, or into the clips folder when the podcast is a
 * device; its name follows the podcast's. */
static void journal_place(const struct render_options *o, const char *podcast, int podcast_is_file, char **dir,
                          const char **name)
{
    const char *base = strrchr(podcast, '/');
    if (podcast_is_file || !o->clips_dir) *dir = dir_of(podcast), *name = base ? base + 1 : podcast;
    else *dir = xstrdup(o->clips_dir), *name = "clips";
}

int publish_outputs(const struct render *r, const struct output_set *set, struct rc_error *err)
{
    const struct output_file *pod = output_set_podcast(set);
    char *jdir;
    const char *jname;
    journal_place(r->o, pod->opus_path, pod->sidecars, &jdir, &jname);
    struct outset *staged = outset_begin(jdir, jname, err);
    free(jdir);
    if (!staged) return -1;
    /* the M4A and MP3 files first (in workers), then each Opus file with its sidecars,
     * then the feed, which lists their sizes: all staged, put in place together */
    struct transcode_jobs jobs = {r, NULL, 0};
    for (int i = 0; i < set->n_files; i++)
        for (int k = 0; k < r->n_formats; k++)
            if (r->formats[k] != RENDER_OPUS)
                add_transcode_job(&jobs, r->formats[k], k == 0 ? set->files[i].opus_path : set->files[i].other_paths[k],
                                  &set->files[i]);
    int rc = run_transcode_jobs(&jobs, err);
    for (int i = 0; i < set->n_files && rc == 0; i++) {
        rc = interrupted(err);
        if (rc == 0) rc = publish_file(r, set, &set->files[i], err);
    }
    if (rc == 0 && r->o->feed_url && pod->sidecars) rc = write_feed(r, pod, staged, err);
    if (rc == 0) rc = interrupted(err);
    if (rc != 0) {
        outset_abort(staged);
        return -1;
    }
    return outset_commit(staged, err);
}

int publish_recover(const struct render_options *o, struct rc_error *err)
{
    char *podcast = NULL;
    if (o->output) podcast = xstrdup(o->output);
    else {
        char *stem = path_stem(o->transcript);
        struct strbuf sb;
        sb_init(&sb);
        sb_printf(&sb, "out/%s.opus", stem);
        free(stem);
        podcast = sb_detach(&sb);
    }
    int rc = 0;
    if (strcmp(podcast, "-") != 0) {
        char *dirs[2] = {dir_of(podcast), o->clips_dir ? xstrdup(o->clips_dir) : NULL};
        for (int i = 0; i < 2 && rc == 0; i++) {
            if (!dirs[i] || (i == 1 && strcmp(dirs[0], dirs[1]) == 0)) continue;
            long long finished = 0, removed = 0;
            rc = outset_recover(dirs[i], &finished, &removed, err);
            if (finished && !o->quiet)
                fprintf(stderr, "recast: finished an interrupted output set: %lld files put in place in %s\n", finished,
                        dirs[i]);
        }
        free(dirs[0]), free(dirs[1]);
    }
    free(podcast);
    return rc;
}

/* Is path the same file as other (both existing)? */
static int same_file(const char *path, const char *other)
{
    struct stat a, b;
    return other && stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int publish_check_options(const struct render_options *o, struct rc_error *err)
{
    if (!o->output) return 0;
    if (strcmp(o->output, "-") == 0)
        return o->html ? rc_fail(err, RC_USAGE, "-o - (stdout) has no listening page; give -o FILE.opus for --html") : 0;
    struct stat st;
    if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return 0; /* a device: no sidecars */
    /* the longest names first; then the other formats' files and the feed beside it */
    const char *sidecar_ext[16] = {"", ".transcript.json", ".manifest.json", ".chapters.json", ".html", ".vtt", ".srt"};
    size_t n_ext = 7;
    static const char *const format_ext[RENDER_N_FORMATS] = {".opus", ".m4a", ".mp3"};
    for (int k = 0; k < o->n_formats; k++) sidecar_ext[n_ext++] = format_ext[o->formats[k]];
    if (o->feed_url) sidecar_ext[n_ext++] = ".rss.xml";
    char *stem = strip_ext(o->output);
    int rc = 0;
    for (size_t i = 0; i < n_ext && rc == 0; i++) {
        struct strbuf name;
        sb_init(&name);
        if (i == 0) sb_adds(&name, o->output);
        else sb_printf(&name, "%s%s", stem, sidecar_ext[i]);
        const char *base = strrchr(sb_cstr(&name), '/');
        base = base ? base + 1 : sb_cstr(&name);
        if (strlen(base) > ATOMIC_NAME_MAX)
            rc = rc_fail(err, RC_USAGE, "-o %s: its %s would be named with %zu bytes, more than a file name can hold "
                         "(%d); shorten the name by %zu bytes", o->output, i == 0 ? "podcast" : sidecar_ext[i],
                         strlen(base), ATOMIC_NAME_MAX, strlen(base) - ATOMIC_NAME_MAX);
        else if (same_file(sb_cstr(&name), o->transcript) || same_file(sb_cstr(&name), o->lexicon_path))
        {
            const char *what = same_file(sb_cstr(&name), o->transcript) ? "the transcript" : "the lexicon";
            if (i == 0) rc = rc_fail(err, RC_USAGE, "-o %s: that is %s (an input): choose another name", o->output, what);
            else rc = rc_fail(err, RC_USAGE, "-o %s: would write over %s, %s (an input): choose another name", o->output,
                              sb_cstr(&name), what);
        }
        sb_free(&name);
    }
    free(stem);
    return rc;
}

char *publish_stem(const char *transcript) { return path_stem(transcript); }

const struct output_file *output_set_podcast(const struct output_set *set)
{
    return set->n_files ? &set->files[set->n_files - 1] : NULL;
}

void output_set_free(struct output_set *set)
{
    for (int i = 0; i < set->n_files; i++) {
        free(set->files[i].opus_path);
        for (int k = 0; k < RENDER_N_FORMATS; k++) free(set->files[i].other_paths[k]);
    }
    free(set->files);
    for (int i = 0; set->hrefs && i < set->n_clips; i++) free(set->hrefs[i]);
    free(set->hrefs);
    free(set->clips);
    json_decref(set->extra_files);
    memset(set, 0, sizeof *set);
}
