/* publish.c: see publish.h. */
#include "render/publish.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/outset.h"
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

/* ---- where the files go ---- */

/* The folder part of a path ("out/x.opus" -> "out"; "x.opus" -> "."); caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* The extension of a path's last component, without the dot ("" for none; a leading
 * dot is a hidden file, not an extension). */
static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot > base ? dot + 1 : "";
}

/* Names of files recast writes as Ogg Opus. */
static int opus_extension(const char *ext)
{
    return strcasecmp(ext, "opus") == 0 || strcasecmp(ext, "ogg") == 0 || strcasecmp(ext, "oga") == 0;
}

/* The file name recast chooses when -o does not give one: STEM.opus, or for --section
 * STEM-NN-<title>.opus. */
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
    sb_adds(out, ".opus");
}

/* The podcast's path as the user meant it: -o FILE.opus as it is; -o NAME without an
 * extension gets ".opus"; -o DIR (an existing folder, or a name ending in '/') gets the
 * default name inside it; without -o, out/ and the default name.  An existing device or
 * FIFO (/dev/null) and "-" (stdout) are written as they are.  Another extension is a
 * usage error.  The folder is created, as --clips's is. */
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
        sb_printf(&sb, "%s.opus", o);
    } else if (opus_extension(extension(o))) {
        sb_adds(&sb, o);
    } else if (exists && stat(r->o->transcript, &tst) == 0 && tst.st_dev == st.st_dev && tst.st_ino == st.st_ino) {
        sb_free(&sb);
        rc_fail(err, RC_USAGE, "-o %s: that is the transcript (an input): choose another name", o);
        return NULL;
    } else {
        sb_free(&sb);
        rc_fail(err, RC_USAGE, "-o %s: recast writes Ogg Opus; name the file .opus (or .ogg, .oga), or give no "
                               "extension and .opus is added", o);
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
        sb_printf(&path, "%s/%02d-%s.opus", r->o->clips_dir, s, name);
        free(name);
        struct output_file *f = add_file(set, sb_detach(&path), s, s + 1);
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
    free(podcast_dir);
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
    int n = 0, cap = r->vs.n_profiles + 4;
    struct input_file *in = xcalloc((size_t)cap, sizeof *in);
    struct strbuf pauses, lexicon;
    sb_init(&pauses), sb_init(&lexicon);
    sb_printf(&pauses, "%s/pauses.conf", r->vs.dir);
    sb_printf(&lexicon, "%s/lexicon.txt", r->vs.dir);
    add_input(in, &n, "the transcript", r->o->transcript);
    add_input(in, &n, "the lexicon", r->o->lexicon_path ? r->o->lexicon_path : sb_cstr(&lexicon));
    add_input(in, &n, "the pause policy", sb_cstr(&pauses));
    for (int i = 0; i < r->vs.n_profiles; i++) add_input(in, &n, "a voice profile", r->vs.profiles[i].path);
    int rc = 0;
    for (int f = 0; f < set->n_files && rc == 0; f++) {
        const struct output_file *of = &set->files[f];
        char *stem = strip_ext(of->opus_path);
        for (int k = -1; rc == 0; k++) {
            struct strbuf out;
            sb_init(&out);
            if (k < 0) sb_adds(&out, of->opus_path);
            else if (sidecars_suffix(k)) sb_printf(&out, "%s%s", stem, sidecars_suffix(k));
            else if (of->page && sidecars_suffix(k - 1)) sb_printf(&out, "%s.html", stem);
            else {
                sb_free(&out);
                break;
            }
            struct stat st;
            if ((k < 0 || of->sidecars) && stat(sb_cstr(&out), &st) == 0)
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
    struct output_file *f = add_file(set, podcast, r->sec_first, r->sec_last);
    f->sidecars = !to_device;
    f->page = !to_device && r->o->html;
    return check_inputs(r, set, err);
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
    int rc = 0;
    for (int i = 0; i < set->n_files && rc == 0; i++) {
        rc = interrupted(err);
        if (rc == 0) rc = publish_file(r, set, &set->files[i], err);
    }
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
    static const char *const sidecar_ext[] = {"", ".transcript.json", ".manifest.json", ".chapters.json",
                                              ".html", ".vtt", ".srt"}; /* the longest names first */
    char *stem = strip_ext(o->output);
    int rc = 0;
    for (size_t i = 0; i < sizeof sidecar_ext / sizeof *sidecar_ext && rc == 0; i++) {
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
    for (int i = 0; i < set->n_files; i++) free(set->files[i].opus_path);
    free(set->files);
    for (int i = 0; set->hrefs && i < set->n_clips; i++) free(set->hrefs[i]);
    free(set->hrefs);
    free(set->clips);
    json_decref(set->extra_files);
    memset(set, 0, sizeof *set);
}
