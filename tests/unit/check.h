/* check.h: the unit-test harness.  Each test binary prints one line per test case,
 *   PASS name   or   FAIL name: file:line: what differed
 * and exits 1 if any case failed.  tests/run.sh counts the lines. */
#ifndef RECAST_CHECK_H
#define RECAST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Writes text to path (test fixtures); 0 or -1. */
static inline int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

#endif
