/* cli.h: the command-line interface.  main() calls cli_main() and exits with what it
 * returns (an RC_ code from util.h).  Nothing else in recast calls exit(). */
#ifndef RECAST_CLI_H
#define RECAST_CLI_H

int cli_main(int argc, char **argv);

#endif
