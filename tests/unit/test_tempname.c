/* Temporary file names shared by many hosts (a cache over NFS): every name carries its
 * writer's PID and HOST tag (base/util.h), so a writer's name never collides with another
 * host's, and a leftover is judged by a PID only where that PID means something: a dead
 * writer of this host's is stale, another host's (or an older recast's name without a tag,
 * judged as before) is not taken for dead because of a local PID. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "check.h"

static char root[64];

/* a path inside the test's root */
static const char *p(const char *rel) { return path_in(root, rel); }

/* A PID that is certainly not running: a child that has exited and been reaped. */
static long dead_pid(void)
{
    pid_t c = fork();
    if (c == 0) _exit(0);
    waitpid(c, NULL, 0);
    return (long)c;
}

static int is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i])) return 0;
    return 1;
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/test-tempname-XXXXXX");
    if (!mkdtemp(root)) return 1;
    struct rc_error err = {0};
    const char *tag = atomic_host_tag();

    TEST_CASE("tempname: the host tag is 8 hex digits, the same on every call and in a forked child")
    {
        CHECK_INT(strlen(tag), ATOMIC_HOST_TAG_LEN);
        CHECK(is_lower_hex(tag, strlen(tag)));
        CHECK_STR(atomic_host_tag(), tag);
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t c = fork();
        if (c == 0) {
            ssize_t n = write(fds[1], atomic_host_tag(), ATOMIC_HOST_TAG_LEN);
            _exit(n == ATOMIC_HOST_TAG_LEN ? 0 : 1);
        }
        char got[ATOMIC_HOST_TAG_LEN + 1] = "";
        CHECK_INT(read(fds[0], got, ATOMIC_HOST_TAG_LEN), ATOMIC_HOST_TAG_LEN);
        waitpid(c, NULL, 0);
        close(fds[0]), close(fds[1]);
        CHECK_STR(got, tag);
    }

    TEST_CASE("tempname: a temporary file is .recast-PID-HOST-XXXXXX.NAME, parsed back to its PID and HOST")
    {
        struct atomic_file af;
        CHECK(atomic_open(&af, p("pod.opus"), &err) == 0);
        const char *name = strrchr(af.tmp_path, '/') + 1;
        char want[64];
        snprintf(want, sizeof want, ".recast-%ld-%s-", (long)getpid(), tag);
        CHECK(strncmp(name, want, strlen(want)) == 0);
        CHECK_STR(name + strlen(want) + 6, ".pod.opus");
        long pid = 0;
        char host[ATOMIC_HOST_TAG_LEN + 1];
        CHECK(atomic_temp_parse(name, &pid, host) == 1);
        CHECK_INT(pid, getpid());
        CHECK_STR(host, tag);
        CHECK(!atomic_temp_is_foreign(name));
        int dfd = open(root, O_RDONLY | O_DIRECTORY);
        CHECK(!atomic_temp_is_stale(dfd, name)); /* ours, being written */
        close(dfd);
        atomic_abort(&af);
    }

    TEST_CASE("tempname: 200 writers' names of one target are all different")
    {
        char *names[200];
        struct atomic_file af[200];
        int ok = 1;
        for (int i = 0; i < 200; i++) {
            ok &= atomic_open(&af[i], p("entry.run"), &err) == 0;
            names[i] = ok ? af[i].tmp_path : NULL;
        }
        for (int i = 0; ok && i < 200; i++)
            for (int k = 0; k < i; k++) ok &= strcmp(names[i], names[k]) != 0;
        CHECK(ok);
        for (int i = 0; i < 200; i++) atomic_abort(&af[i]);
    }

    TEST_CASE("tempname: the forms: with a HOST tag, an older recast's without, and what is neither")
    {
        long pid;
        char host[ATOMIC_HOST_TAG_LEN + 1];
        CHECK(atomic_temp_parse(".recast-123-0a1b2c3d-AbC123.x.run", &pid, host) == 1);
        CHECK_INT(pid, 123);
        CHECK_STR(host, "0a1b2c3d");
        CHECK(atomic_temp_parse(".recast-123-AbC123.x.run", &pid, host) == 1);
        CHECK_STR(host, "");
        CHECK(!atomic_temp_is_foreign(".recast-123-AbC123.x.run"));
        CHECK(atomic_temp_parse(".recast-123-0A1B2C3D-AbC123.x.run", &pid, host) == 0); /* tags are lowercase */
        CHECK(atomic_temp_parse(".recast-123-0a1b2c3d-AbC12.x.run", &pid, host) == 0);
        CHECK(atomic_temp_parse(".recast-123-0a1b2c3d-AbC123.", &pid, host) == 0);
        CHECK(atomic_temp_parse(".recast--0a1b2c3d-AbC123.x", &pid, host) == 0);
        CHECK(atomic_temp_parse("recast-123-0a1b2c3d-AbC123.x", &pid, host) == 0);
    }

    TEST_CASE("tempname: a dead writer of this host is stale; another host's with the same dead PID is not")
    {
        long dead = dead_pid();
        char other[ATOMIC_HOST_TAG_LEN + 1];
        snprintf(other, sizeof other, "%s", tag);
        other[0] = other[0] == '0' ? '1' : '0';
        char mine[128], theirs[128], legacy[128];
        snprintf(mine, sizeof mine, ".recast-%ld-%s-AbC123.x.run", dead, tag);
        snprintf(theirs, sizeof theirs, ".recast-%ld-%s-AbC123.x.run", dead, other);
        snprintf(legacy, sizeof legacy, ".recast-%ld-AbC123.x.run", dead);
        CHECK(write_file(p(mine), "a") == 0 && write_file(p(theirs), "b") == 0 && write_file(p(legacy), "c") == 0);
        int dfd = open(root, O_RDONLY | O_DIRECTORY);
        CHECK(atomic_temp_is_stale(dfd, mine));
        CHECK(!atomic_temp_is_stale(dfd, theirs));
        CHECK(atomic_temp_is_foreign(theirs));
        CHECK(atomic_temp_is_stale(dfd, legacy)); /* an older recast's: judged as before */
        CHECK_INT(atomic_remove_stale(root, NULL), 2);
        CHECK(access(p(theirs), F_OK) == 0);
        CHECK(access(p(mine), F_OK) != 0);
        close(dfd);
        unlink(p(theirs));
    }

    rmdir(root);
    CHECK_DONE();
}
