/* Output-set tests: files staged in two directories are all replaced at commit and none
 * before; an abort, a failed write or a target that is a directory leaves every old file;
 * a writer that dies before its commit point leaves only temporary files, which recovery
 * removes; a journal left by a writer killed after it is finished by recovery; journals
 * and temporary files that are not provably recast's are left alone. */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/outset.h"
#include "check.h"

static char root[64];

/* a path inside the test's root */
static const char *p(const char *rel) { return path_in(root, rel); }

static int is(const char *rel, const char *want)
{
    char *t = slurp(p(rel));
    int ok = t && strcmp(t, want) == 0;
    free(t);
    return ok;
}

/* Number of entries whose name starts with prefix in dir. */
static int count(const char *rel, const char *prefix)
{
    DIR *d = opendir(p(rel));
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    if (d) closedir(d);
    return n;
}

static void old_set(void)
{
    write_file(p("out/pod.opus"), "old audio");
    write_file(p("out/pod.vtt"), "old vtt");
    write_file(p("clips/00-a.opus"), "old clip");
}

static int stage_new(struct outset **s, struct rc_error *err)
{
    *s = outset_begin(p("out"), "pod.opus", err);
    if (!*s) return -1;
    if (atomic_write(p("out/pod.opus"), "new audio", 9, err) || atomic_write(p("out/pod.vtt"), "new vtt", 7, err) ||
        atomic_write(p("clips/00-a.opus"), "new clip", 8, err))
        return -1;
    return 0;
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/test-outset-XXXXXX");
    if (!mkdtemp(root)) return 1;
    mkdir(p("out"), 0755);
    mkdir(p("clips"), 0755);
    struct rc_error err = {0};

    TEST_CASE("outset: nothing changes before the commit; all files after it")
    {
        old_set();
        struct outset *s;
        CHECK(stage_new(&s, &err) == 0);
        CHECK_INT(outset_count(s), 3);
        CHECK(is("out/pod.opus", "old audio") && is("out/pod.vtt", "old vtt") && is("clips/00-a.opus", "old clip"));
        CHECK_INT(count("out", ".recast-"), 2);
        CHECK(outset_commit(s, &err) == 0);
        CHECK(is("out/pod.opus", "new audio") && is("out/pod.vtt", "new vtt") && is("clips/00-a.opus", "new clip"));
        CHECK_INT(count("out", ".recast-"), 0);
        CHECK_INT(count("clips", ".recast-"), 0);
    }

    TEST_CASE("outset: abort leaves every old file and no temporary file")
    {
        old_set();
        struct outset *s;
        CHECK(stage_new(&s, &err) == 0);
        outset_abort(s);
        CHECK(is("out/pod.opus", "old audio") && is("out/pod.vtt", "old vtt") && is("clips/00-a.opus", "old clip"));
        CHECK_INT(count("out", ".recast-") + count("clips", ".recast-"), 0);
    }

    TEST_CASE("outset: a target that is a directory: nothing replaced, exit 73")
    {
        old_set();
        mkdir(p("out/pod.html"), 0755);
        struct outset *s;
        CHECK(stage_new(&s, &err) == 0);
        /* staged before the directory appeared (atomic_open refuses one that is there) */
        rmdir(p("out/pod.html"));
        CHECK(atomic_write(p("out/pod.html"), "page", 4, &err) == 0);
        mkdir(p("out/pod.html"), 0755);
        memset(&err, 0, sizeof err);
        CHECK(outset_commit(s, &err) != 0);
        CHECK_INT(err.code, RC_CANTCREAT);
        CHECK(strstr(err.msg, "pod.html: is a directory; nothing was replaced") != NULL);
        CHECK(is("out/pod.opus", "old audio") && is("out/pod.vtt", "old vtt") && is("clips/00-a.opus", "old clip"));
        CHECK_INT(count("out", ".recast-") + count("clips", ".recast-"), 0);
        rmdir(p("out/pod.html"));
    }

    TEST_CASE("outset: a writer that dies before its commit point leaves the old set; recovery removes its files")
    {
        old_set();
        pid_t child = fork();
        if (child == 0) {
            struct outset *s;
            struct rc_error e = {0};
            _exit(stage_new(&s, &e) == 0 ? 0 : 1); /* dies with the set staged */
        }
        int status;
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CHECK_INT(count("out", ".recast-"), 2);
        CHECK(is("out/pod.opus", "old audio") && is("clips/00-a.opus", "old clip"));
        long long finished = 0, removed = 0;
        CHECK(outset_recover(p("out"), &finished, &removed, &err) == 0);
        CHECK(outset_recover(p("clips"), &finished, &removed, &err) == 0);
        CHECK_INT(finished, 0);
        CHECK_INT(removed, 3);
        CHECK_INT(count("out", ".recast-") + count("clips", ".recast-"), 0);
        CHECK(is("out/pod.opus", "old audio") && is("out/pod.vtt", "old vtt") && is("clips/00-a.opus", "old clip"));
    }

    TEST_CASE("outset: a writer killed after its commit point: recovery finishes the set")
    {
        old_set();
        /* the state a SIGKILL between two renames leaves: journal, one file renamed */
        pid_t child = fork();
        if (child == 0) {
            struct outset *s;
            struct rc_error e = {0};
            if (stage_new(&s, &e) != 0) _exit(1);
            raise(SIGSTOP); /* the parent copies the staged files, then lets it commit */
            _exit(outset_commit(s, &e) == 0 ? 0 : 1);
        }
        int status;
        waitpid(child, &status, WUNTRACED);
        /* keep copies of the temporary files and put them back after the commit, with a
         * journal naming them and the new podcast already in place: a killed commit */
        DIR *d = opendir(p("out"));
        struct dirent *de;
        char tmp_opus[300] = "", tmp_vtt[300] = "";
        while (d && (de = readdir(d))) {
            if (strncmp(de->d_name, ".recast-", 8) != 0) continue;
            if (strstr(de->d_name, "pod.opus")) snprintf(tmp_opus, sizeof tmp_opus, "%s", de->d_name);
            if (strstr(de->d_name, "pod.vtt")) snprintf(tmp_vtt, sizeof tmp_vtt, "%s", de->d_name);
        }
        if (d) closedir(d);
        CHECK(tmp_opus[0] && tmp_vtt[0]);
        kill(child, SIGCONT);
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        /* rebuild the interrupted state by hand: old vtt, its temporary, a journal */
        write_file(p("out/pod.vtt"), "old vtt");
        char tpath[600], jpath[600], real_out[PATH_MAX];
        snprintf(tpath, sizeof tpath, "out/%s", tmp_vtt);
        write_file(p(tpath), "new vtt");
        CHECK(realpath(p("out"), real_out) != NULL);
        struct strbuf j;
        sb_init(&j);
        sb_printf(&j, "recast output journal 1\npid %ld\n", (long)child);
        const char *ents[2][2] = {{tmp_opus, "pod.opus"}, {tmp_vtt, "pod.vtt"}};
        for (int i = 0; i < 2; i++) {
            sb_add(&j, real_out, strlen(real_out) + 1);
            sb_add(&j, ents[i][0], strlen(ents[i][0]) + 1);
            sb_add(&j, ents[i][1], strlen(ents[i][1]) + 1);
        }
        snprintf(jpath, sizeof jpath, "%s/.recast-journal.pod.opus", real_out);
        CHECK(atomic_write(jpath, j.data, j.len, &err) == 0);
        sb_free(&j);
        long long finished = 0, removed = 0;
        CHECK(outset_recover(p("out"), &finished, &removed, &err) == 0);
        CHECK_INT(finished, 1);
        CHECK(is("out/pod.opus", "new audio") && is("out/pod.vtt", "new vtt"));
        CHECK_INT(count("out", ".recast-"), 0);
    }

    TEST_CASE("outset: journals and temporary files that are not recast's are left alone")
    {
        char real_out[PATH_MAX];
        CHECK(realpath(p("out"), real_out) != NULL);
        write_file(p("out/victim.txt"), "keep me");
        write_file(p("out/.recast-1-AAAAAA.victim.txt"), "decoy");          /* pid 1 is alive */
        write_file(p("out/.recast-journal.x"), "not a journal");
        /* a journal of a dead pid whose entry would rename onto a name it does not own */
        struct strbuf j;
        sb_init(&j);
        sb_printf(&j, "recast output journal 1\npid 999999\n");
        const char *e1[3] = {real_out, ".recast-999999-BBBBBB.other", "victim.txt"};
        for (int k = 0; k < 3; k++) sb_add(&j, e1[k], strlen(e1[k]) + 1);
        write_file(p("out/.recast-999999-BBBBBB.other"), "attack");
        FILE *f = fopen(p("out/.recast-journal.y"), "wb");
        fwrite(j.data, 1, j.len, f);
        fclose(f);
        sb_free(&j);
        long long finished = 0, removed = 0;
        CHECK(outset_recover(p("out"), &finished, &removed, &err) == 0);
        CHECK_INT(finished, 0);
        CHECK(is("out/victim.txt", "keep me"));
        CHECK(is("out/.recast-1-AAAAAA.victim.txt", "decoy"));
        CHECK(is("out/.recast-journal.x", "not a journal"));
        CHECK(access(p("out/.recast-journal.y"), F_OK) == 0);
    }

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    if (system(cmd) != 0) return 1;
    CHECK_DONE();
}
