/* check.h: the unit-test harness.  Each test binary prints one line per test case,
 *   PASS name   or   FAIL name: file:line: what differed
 * and exits 1 if any case failed.  tests/run.sh counts the lines. */
#ifndef RECAST_CHECK_H
#define RECAST_CHECK_H

#include <dirent.h>
#include <stdarg.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int check_failed_cases;
static int check_case_failed;
static const char *check_case_name;

#define TEST_CASE(name) \
    for (check_case_name = (name), check_case_failed = 0; check_case_name; \
         check_end_case(), check_case_name = NULL)

static inline void check_end_case(void)
{
    if (!check_case_failed) printf("PASS %s\n", check_case_name);
    else check_failed_cases++;
    fflush(stdout);
}

#define CHECK_FAIL_(...) \
    do { \
        if (!check_case_failed) printf("FAIL %s: ", check_case_name); \
        else printf("     ... also: "); \
        printf("%s:%d: ", __FILE__, __LINE__); \
        printf(__VA_ARGS__); \
        printf("\n"); \
        check_case_failed = 1; \
    } while (0)

#define CHECK(cond) \
    do { if (!(cond)) CHECK_FAIL_("expected %s", #cond); } while (0)

#define CHECK_INT(got, want) \
    do { long long g_ = (long long)(got), w_ = (long long)(want); \
         if (g_ != w_) CHECK_FAIL_("%s is %lld, expected %lld", #got, g_, w_); } while (0)

#define CHECK_STR(got, want) \
    do { const char *g_ = (got), *w_ = (want); \
         if (!g_ || strcmp(g_, w_) != 0) \
             CHECK_FAIL_("%s is \"%s\", expected \"%s\"", #got, g_ ? g_ : "(null)", w_); } while (0)

#define CHECK_DONE() return check_failed_cases ? 1 : 0

/* ---- fixture files ---- */

/* Writes text to path (test fixtures); 0 or -1. */
static inline int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* The whole file, NUL-terminated (the caller frees it), or NULL. */
static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t len = 0, cap = 4096;
    char *data = malloc(cap + 1);
    for (size_t got; data && (got = fread(data + len, 1, cap - len, f)) > 0;) {
        len += got;
        if (len == cap) data = realloc(data, (cap *= 2) + 1);
    }
    int bad = ferror(f);
    fclose(f);
    if (!data || bad) {
        free(data);
        return NULL;
    }
    data[len] = '\0';
    return data;
}

/* "dir/name" (the caller frees it). */
static inline char *path_of(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

/* Runs a shell command built from fmt in dir; its exit status (127 when the tool is
 * missing, 128 when it did not exit, -1 when no shell could be started). */
static inline int run_in(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int run_in(const char *dir, const char *fmt, ...)
{
    char cmd[2048];
    int k = snprintf(cmd, sizeof cmd, "cd '%s' && ", dir);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd + k, sizeof cmd - (size_t)k, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    if (st == -1) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* "root/rel" in one of 8 rotating static buffers (no free; at most 8 alive at once). */
static inline const char *path_in(const char *root, const char *rel)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
    return buf[k];
}

/* How many of recast's temporary files (".recast-*", or "*.tmp-*" as they were named before)
 * are in dir; -1 if it cannot be read. */
static inline int count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp-") != NULL || strncmp(e->d_name, ".recast-", 8) == 0;
    closedir(d);
    return n;
}

static inline int remove_entry_(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

/* rm -rf dir (a test's own temporary directory). */
static inline void remove_tree(const char *dir) { nftw(dir, remove_entry_, 16, FTW_DEPTH | FTW_PHYS); }

#endif
