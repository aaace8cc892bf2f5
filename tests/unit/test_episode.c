/* Episode metadata tests: the metadata file (fields, persons, cover path beside it, errors
 * naming what is wrong), dates, cover images made here with libpng and libjpeg (and broken
 * ones), and the METADATA_BLOCK_PICTURE comment decoded back with nettle. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <nettle/base64.h>
#include <png.h>

#include "audio/oggmux.h"
#include "check.h"
#include "config/episode.h"

static char dir[] = "/tmp/test_episode.XXXXXX";

static char *at(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* A w x h RGB PNG written by libpng's simplified API. */
static int make_png(const char *path, int w, int h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION, img.width = (png_uint_32)w, img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc((size_t)(w * h * 3));
    for (int i = 0; i < w * h * 3; i++) px[i] = (unsigned char)(i * 7);
    int ok = png_image_write_to_file(&img, path, 0, px, 0, NULL);
    free(px);
    return ok ? 0 : -1;
}

/* A w x h colour JPEG written by libjpeg. */
static int make_jpeg(const char *path, int w, int h)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w, c.image_height = (JDIMENSION)h, c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_start_compress(&c, TRUE);
    unsigned char *row = malloc((size_t)w * 3);
    for (int x = 0; x < w * 3; x++) row[x] = (unsigned char)x;
    while (c.next_scanline < c.image_height) {
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    return fclose(f);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int main(void)
{
    if (!mkdtemp(dir)) {
        printf("FAIL episode: mkdtemp\n");
        return 1;
    }
    struct rc_error err = {0};
    TEST_CASE("episode: default path beside the transcript") {
        char *p = episode_default_path("transcripts/dwarkesh-hassabis-2024.zh.txt");
        CHECK_STR(p, "transcripts/dwarkesh-hassabis-2024.zh.meta.json");
        free(p);
        p = episode_default_path("a.b/page");
        CHECK_STR(p, "a.b/page.meta.json");
        free(p);
    }
    TEST_CASE("episode: dates") {
        CHECK(episode_date_ok("2024"));
        CHECK(episode_date_ok("2024-02"));
        CHECK(episode_date_ok("2024-02-29"));
        CHECK(!episode_date_ok("2023-02-29"));
        CHECK(!episode_date_ok("2024-13-01"));
        CHECK(!episode_date_ok("2024-2-1"));
        CHECK(!episode_date_ok("28.02.2024"));
        CHECK(!episode_date_ok(""));
    }
    TEST_CASE("episode: a full metadata file") {
        write_file(at("x.meta.json"),
                   "{\"title\": \"标题 & <b>\", \"show\": \"Dwarkesh Podcast\", \"date\": \"2024-02-28\",\n"
                   " \"description\": \"d\", \"language\": \"zh-CN\", \"license\": \"CC BY 4.0\", \"url\": \"https://example.org/e\",\n"
                   " \"persons\": [{\"name\": \"Dwarkesh Patel\", \"role\": \"host\"}, {\"name\": \"Demis Hassabis\"}],\n"
                   " \"cover\": \"art/c.png\"}\n");
        struct episode ep;
        int rc = episode_load(at("x.meta.json"), &ep, &err);
        CHECK_INT(rc, 0);
        if (rc == 0) {
            CHECK_STR(ep.title, "标题 & <b>");
            CHECK_STR(ep.show, "Dwarkesh Podcast");
            CHECK_STR(ep.date, "2024-02-28");
            CHECK_STR(ep.licence, "CC BY 4.0");
            CHECK_STR(ep.language, "zh-CN");
            CHECK_INT(ep.n_persons, 2);
            CHECK_STR(ep.persons[0].role, "host");
            CHECK(ep.persons[1].role == NULL);
            CHECK_STR(ep.cover_path, at("art/c.png"));
            CHECK(ep.cover.data == NULL);
            episode_free(&ep);
        }
    }
    TEST_CASE("episode: errors name the file and the problem") {
        struct { const char *json, *why; } bad[] = {
            {"{\"titel\": \"x\"}", "unknown key \"titel\""},
            {"{\"date\": \"28.02.2024\"}", "is not YYYY"},
            {"{\"title\": 3}", "\"title\" must be a non-empty string"},
            {"{\"persons\": [{\"role\": \"host\"}]}", "persons[0] must be"},
            {"{\"persons\": [{\"name\": \"a\", \"age\": 3}]}", "persons[0] must be"},
            {"{\n\"title\": \"a\",\n}", ":3:"},
            {"[1]", "must be a JSON object"},
            {"{\"title\": \"a\", \"title\": \"b\"}", "duplicate"},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            write_file(at("bad.meta.json"), bad[i].json);
            struct episode ep;
            struct rc_error e = {0};
            if (episode_load(at("bad.meta.json"), &ep, &e) == 0) {
                CHECK_FAIL_("accepted %s", bad[i].json);
                episode_free(&ep);
                continue;
            }
            CHECK_INT(e.code, RC_DATAERR);
            if (!strstr(e.msg, bad[i].why) || !strstr(e.msg, "bad.meta.json"))
                CHECK_FAIL_("%s: message \"%s\" lacks \"%s\"", bad[i].json, e.msg, bad[i].why);
        }
        struct episode ep;
        struct rc_error e = {0};
        CHECK(episode_load(at("missing.meta.json"), &ep, &e) != 0 && e.code == RC_NOINPUT);
    }
    TEST_CASE("episode: PNG and JPEG covers are read by their libraries") {
        struct episode ep = {0};
        CHECK_INT(make_png(at("c.png"), 64, 48), 0);
        CHECK_INT(episode_load_cover(&ep, at("c.png"), &err), 0);
        CHECK_STR(ep.cover.mime, "image/png");
        CHECK_INT(ep.cover.width, 64); CHECK_INT(ep.cover.height, 48);
        CHECK_INT(ep.cover.depth, 24);
        CHECK_INT(make_jpeg(at("c.jpg"), 40, 30), 0);
        CHECK_INT(episode_load_cover(&ep, at("c.jpg"), &err), 0);
        CHECK_STR(ep.cover.mime, "image/jpeg");
        CHECK_INT(ep.cover.width, 40); CHECK_INT(ep.cover.height, 30);
        CHECK_INT(ep.cover.depth, 24);
        episode_free(&ep);
    }
    TEST_CASE("episode: a damaged or foreign cover is refused") {
        struct episode ep = {0};
        write_file(at("c.txt"), "not a picture");
        struct rc_error e = {0};
        CHECK(episode_load_cover(&ep, at("c.txt"), &e) != 0 && e.code == RC_DATAERR);
        static const unsigned char trunc_png[12] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
        write_bytes(at("t.png"), trunc_png, sizeof trunc_png);
        CHECK(episode_load_cover(&ep, at("t.png"), &e) != 0 && e.code == RC_DATAERR);
        static const unsigned char trunc_jpg[6] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16};
        write_bytes(at("t.jpg"), trunc_jpg, sizeof trunc_jpg);
        CHECK(episode_load_cover(&ep, at("t.jpg"), &e) != 0 && e.code == RC_DATAERR);
        CHECK(ep.cover.data == NULL);
    }
    TEST_CASE("oggmux: METADATA_BLOCK_PICTURE decodes to the FLAC picture block") {
        const unsigned char data[] = {1, 2, 3, 4, 5, 0, 7};
        char *c = NULL;
        CHECK_INT(oggmux_picture_comment("image/png", "封面", 64, 48, 24, data, sizeof data, &c, &err), 0);
        const char *key = "METADATA_BLOCK_PICTURE=";
        CHECK(c && strncmp(c, key, strlen(key)) == 0);
        if (c) {
            const char *b64 = c + strlen(key);
            struct base64_decode_ctx ctx;
            base64_decode_init(&ctx);
            unsigned char out[256];
            size_t n = sizeof out;
            CHECK(base64_decode_update(&ctx, &n, out, strlen(b64), b64) && base64_decode_final(&ctx));
            size_t d = strlen("封面");
            CHECK_INT(n, 32 + 9 + d + sizeof data);
            CHECK_INT(be32(out), 3);
            CHECK_INT(be32(out + 4), 9);
            CHECK(memcmp(out + 8, "image/png", 9) == 0);
            CHECK_INT(be32(out + 17), d);
            CHECK_INT(be32(out + 21 + d), 64); CHECK_INT(be32(out + 25 + d), 48);
            CHECK_INT(be32(out + 29 + d), 24); CHECK_INT(be32(out + 33 + d), 0);
            CHECK_INT(be32(out + 37 + d), sizeof data);
            CHECK(memcmp(out + 41 + d, data, sizeof data) == 0);
        }
        free(c);
        CHECK(oggmux_picture_comment("image/png", "", 1, 1, 24, data, 0, &c, &err) != 0);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("FAIL episode: cleanup\n");
    CHECK_DONE();
}
