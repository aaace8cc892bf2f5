/* episode.c: see episode.h.  JSON with jansson; cover headers with libpng and libjpeg. */
#include "config/episode.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

char *episode_default_path(const char *transcript_path)
{
    size_t len = strlen(transcript_path);
    const char *slash = strrchr(transcript_path, '/');
    const char *dot = strrchr(transcript_path, '.');
    if (dot && (!slash || dot > slash + 1)) len = (size_t)(dot - transcript_path);
    struct strbuf sb;
    sb_init(&sb);
    sb_add(&sb, transcript_path, len);
    sb_adds(&sb, ".meta.json");
    return sb_detach(&sb);
}

void episode_set(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int episode_date_ok(const char *d)
{
    size_t n = strlen(d);
    if (n != 4 && n != 7 && n != 10) return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? d[i] != '-' : !(d[i] >= '0' && d[i] <= '9')) return 0;
    }
    int y = atoi(d), m = n >= 7 ? atoi(d + 5) : 1, day = n == 10 ? atoi(d + 8) : 1;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || m < 1 || m > 12) return 0;
    int max = mdays[m - 1] + (m == 2 && leap(y));
    return day >= 1 && day <= max;
}

static const char *const string_keys[] = {"title", "show", "date", "description", "language", "licence", "license",
                                          "url", "cover"};

static char **string_field(struct episode *ep, const char *key)
{
    if (!strcmp(key, "title")) return &ep->title;
    if (!strcmp(key, "show")) return &ep->show;
    if (!strcmp(key, "date")) return &ep->date;
    if (!strcmp(key, "description")) return &ep->description;
    if (!strcmp(key, "language")) return &ep->language;
    if (!strcmp(key, "licence") || !strcmp(key, "license")) return &ep->licence;
    if (!strcmp(key, "url")) return &ep->url;
    if (!strcmp(key, "cover")) return &ep->cover_path;
    return NULL;
}

/* path relative to the folder of `base` (unless absolute) */
static char *beside(const char *base, const char *path)
{
    const char *slash = strrchr(base, '/');
    struct strbuf sb;
    sb_init(&sb);
    if (path[0] != '/' && slash) sb_add(&sb, base, (size_t)(slash - base + 1));
    sb_adds(&sb, path);
    return sb_detach(&sb);
}

int episode_load(const char *path, struct episode *ep, struct rc_error *err)
{
    memset(ep, 0, sizeof *ep);
    char *text;
    size_t len;
    if (read_text_file(path, &text, &len, err) != 0) return -1;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!root)
        return rc_fail(err, RC_DATAERR, "%s:%d:%d: %s (the episode metadata must be a JSON object)", path, je.line,
                       je.column, je.text);
    int rc = 0;
    if (!json_is_object(root)) {
        rc = rc_fail(err, RC_DATAERR, "%s: the episode metadata must be a JSON object {\"title\": ...}", path);
        goto done;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        char **field = string_field(ep, key);
        if (field) {
            if (!json_is_string(value) || !*json_string_value(value)) {
                rc = rc_fail(err, RC_DATAERR, "%s: \"%s\" must be a non-empty string", path, key);
                goto done;
            }
            episode_set(field, json_string_value(value));
            continue;
        }
        if (strcmp(key, "persons") != 0) {
            struct strbuf known;
            sb_init(&known);
            for (size_t i = 0; i < sizeof string_keys / sizeof string_keys[0]; i++)
                sb_printf(&known, "%s, ", string_keys[i]);
            rc = rc_fail(err, RC_DATAERR, "%s: unknown key \"%s\" (known: %spersons)", path, key, sb_cstr(&known));
            sb_free(&known);
            goto done;
        }
        if (!json_is_array(value)) {
            rc = rc_fail(err, RC_DATAERR, "%s: \"persons\" must be a list of {\"name\": ..., \"role\": ...}", path);
            goto done;
        }
        size_t i;
        json_t *p;
        ep->persons = xcalloc(json_array_size(value) + 1, sizeof *ep->persons);
        json_array_foreach(value, i, p) {
            json_t *name = json_object_get(p, "name"), *role = json_object_get(p, "role");
            if (!json_is_object(p) || !json_is_string(name) || !*json_string_value(name) ||
                (role && !json_is_string(role)) || json_object_size(p) != 1u + (role != NULL)) {
                rc = rc_fail(err, RC_DATAERR,
                             "%s: persons[%zu] must be {\"name\": \"...\", \"role\": \"host|guest|...\"} (role optional)",
                             path, i);
                goto done;
            }
            ep->persons[ep->n_persons].name = xstrdup(json_string_value(name));
            ep->persons[ep->n_persons].role = role ? xstrdup(json_string_value(role)) : NULL;
            ep->n_persons++;
        }
    }
    if (ep->date && !episode_date_ok(ep->date)) {
        rc = rc_fail(err, RC_DATAERR, "%s: date \"%s\" is not YYYY, YYYY-MM or YYYY-MM-DD", path, ep->date);
        goto done;
    }
    if (ep->cover_path) {
        char *resolved = beside(path, ep->cover_path);
        free(ep->cover_path);
        ep->cover_path = resolved;
    }
done:
    json_decref(root);
    if (rc) episode_free(ep);
    return rc;
}

/* ---- covers ---- */

static int png_header(struct episode_cover *c)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, c->data, c->len)) return -1;
    c->width = (int)img.width, c->height = (int)img.height;
    int channels = (int)PNG_IMAGE_SAMPLE_CHANNELS(img.format);
    c->depth = channels * 8 * (int)PNG_IMAGE_SAMPLE_COMPONENT_SIZE(img.format);
    png_image_free(&img);
    return 0;
}

struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static void jpeg_fail_exit(j_common_ptr cinfo)
{
    longjmp(((struct jpeg_fail *)cinfo->err)->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo, (void)level;
}

static int jpeg_header(struct episode_cover *c)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_fail fail;
    cinfo.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = jpeg_fail_exit;
    fail.mgr.emit_message = jpeg_quiet;
    if (setjmp(fail.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, c->data, (unsigned long)c->len);
    if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    c->width = (int)cinfo.image_width, c->height = (int)cinfo.image_height;
    c->depth = cinfo.num_components * 8;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int episode_load_cover(struct episode *ep, const char *path, struct rc_error *err)
{
    struct episode_cover c = {0};
    char *data;
    if (read_file(path, &data, &c.len, err) != 0) return -1;
    c.data = (unsigned char *)data;
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    int rc = -1;
    if (c.len >= 8 && memcmp(c.data, png_magic, 8) == 0)
        c.mime = "image/png", c.ext = ".png", rc = png_header(&c);
    else if (c.len >= 3 && c.data[0] == 0xFF && c.data[1] == 0xD8 && c.data[2] == 0xFF)
        c.mime = "image/jpeg", c.ext = ".jpg", rc = jpeg_header(&c);
    if (rc != 0 || c.width <= 0 || c.height <= 0) {
        free(c.data);
        return rc_fail(err, RC_DATAERR, "%s: the cover is not a readable PNG or JPEG image (convert it, e.g. to PNG)",
                       path);
    }
    free(ep->cover.data);
    ep->cover = c;
    return 0;
}

void episode_free(struct episode *ep)
{
    free(ep->title), free(ep->show), free(ep->date), free(ep->description);
    free(ep->language), free(ep->licence), free(ep->url), free(ep->cover_path);
    for (int i = 0; i < ep->n_persons; i++) free(ep->persons[i].name), free(ep->persons[i].role);
    free(ep->persons);
    free(ep->cover.data);
    memset(ep, 0, sizeof *ep);
}
