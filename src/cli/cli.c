/* cli.c: command dispatch and the main help.  Each command is in its own file
 * (cmd_NAME.c: options table, help text, run function); what they share is in common.c. */
#include "cli/cli.h"

#include <string.h>

#include "cli/common.h"

static const struct command *const commands[] = {&cli_cmd_parse, &cli_cmd_list, &cli_cmd_plan, &cli_cmd_say,
                                                 &cli_cmd_render, &cli_cmd_voices, &cli_cmd_cache,
                                                 &cli_cmd_help};
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

int cli_main(int argc, char **argv)
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

