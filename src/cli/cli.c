/* cli.c: command dispatch and the main help.  Each command is in its own file
 * (cmd_NAME.c: options table, help text, run function); what they share is in common.c. */
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/common.h"

static const struct command *const commands[] = {&cli_cmd_parse, &cli_cmd_list,   &cli_cmd_plan,   &cli_cmd_pinyin,
                                                 &cli_cmd_say,   &cli_cmd_render, &cli_cmd_voices, &cli_cmd_cache,
                                                 &cli_cmd_feed,  &cli_cmd_help};
#define N_COMMANDS (int)(sizeof commands / sizeof commands[0])

const struct command *cli_find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0) return commands[i];
    return NULL;
}

static void print_main_help(FILE *fp)
{
    fprintf(fp,
            "recast %s: rebuild a podcast from an interview transcript\n"
            "\n"
            "Usage: recast COMMAND [OPTIONS] FILE\n"
            "\n"
            "Commands:\n",
            RECAST_VERSION);
    for (int i = 0; i < N_COMMANDS; i++) fprintf(fp, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(fp,
            "\n"
            "Run 'recast help COMMAND' for a command's options and examples.\n"
            "\n"
            "Exit status: 0 ok, 64 usage error, 65 bad input data, 66 cannot open input,\n"
            "69 a voice or espeak-ng data is unavailable, 70 internal error, 73 cannot create\n"
            "output, 74 I/O error, 130/143 interrupted.\n"
            "\n"
            "Examples:\n"
            "  recast list transcripts/dwarkesh-hassabis-2024.zh.txt\n"
            "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --clips out/clips --html\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stdout);
        return RC_OK;
    }
    return cli_print_help(argv[1]);
}

const struct command cli_cmd_help = {"help", "show help for a command", "Usage: recast help [COMMAND]\n", cmd_help};

/* Every command's last word: what it printed must have reached stdout (a full disk, a
 * closed or broken pipe are I/O errors, exit 74, not success). */
static int finish_stdout(int rc)
{
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    /* closing a descriptor that was never open (stdout closed, nothing written) is fine */
    if (fclose(stdout) != 0 && errno != EBADF && !bad) bad = 1, e = errno;
    if (bad && rc == RC_OK) {
        fprintf(stderr, "recast: stdout: write error: %s\n", strerror(e));
        return RC_IOERR;
    }
    return rc;
}

static int dispatch(int argc, char **argv);

int cli_main(int argc, char **argv)
{
    /* A write past the file size limit (ulimit -f) fails with EFBIG and is reported,
     * instead of killing the process.  It also keeps libespeak-ng 1.51 alive under a
     * limit below 64 MiB: its initialisation opens an audio device whatever the output
     * mode (fixed upstream in 1.52, commit cd0dd09), and PulseAudio's client sizes a
     * 64 MiB memfd pool with ftruncate; ignored, that fails and espeak goes on without
     * audio output, which recast never uses. */
    signal(SIGXFSZ, SIG_IGN);
    return finish_stdout(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stderr);
        return RC_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_main_help(stdout);
        return RC_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("recast %s\n", RECAST_VERSION);
        return RC_OK;
    }
    const struct command *c = cli_find_command(name);
    if (!c) return cli_usage_error(NULL, "unknown command '%s'", name);
    return c->run(argc - 1, argv + 1);
}

