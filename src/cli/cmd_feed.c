/* cmd_feed.c: recast feed: the episodes rendered into one folder, gathered into one feed. */
#include "cli/common.h"

#include "publish/feed.h"

static int cmd_feed(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {"output", required_argument, NULL, 'o'},
                                             {"channel", required_argument, NULL, 'c'}, {0, 0, 0, 0}};
    const char *output = NULL, *channel = NULL;
    int c;
    optind = 1;
    while ((c = cli_getopt("feed", argc, argv, "ho:c:", longopts)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'c': channel = optarg; break;
        case 'h': return cli_print_help("feed");
        default: return RC_USAGE;
        }
    }
    if (optind >= argc) return cli_usage_error("feed", "missing the DIR of rendered episodes");
    if (optind + 1 < argc) return cli_usage_error("feed", "one DIR at a time (got '%s' too)", argv[optind + 1]);
    struct rc_error err = {0};
    int n = 0;
    if (feed_gather_dir(argv[optind], channel, output, &n, &err) != 0) return cli_report(&err);
    fprintf(stderr, "recast: %d episode%s gathered\n", n, n == 1 ? "" : "s");
    return RC_OK;
}

const struct command cli_cmd_feed = {
    "feed", "gather the episodes rendered into one directory into one podcast feed",
    "Usage: recast feed [OPTIONS] DIR\n"
    "\n"
    "Reads every DIR/*.rss.xml that 'recast render --feed BASE-URL' wrote and writes one RSS 2.0\n"
    "feed with all their items, newest first (by pubDate), under channel metadata read from a\n"
    "JSON file:\n"
    "  {\"title\": \"My show\", \"link\": \"https://example.org/pod/\", \"description\": \"...\",\n"
    "   \"language\": \"zh\", \"author\": \"...\", \"image\": \"https://example.org/pod/cover.jpg\",\n"
    "   \"category\": \"Technology\", \"explicit\": false, \"owner\": {\"name\": \"...\", \"email\": \"...\"},\n"
    "   \"self\": \"https://example.org/pod/feed.xml\", \"guid\": \"...\"}\n"
    "title, link and description are required; an unknown key is an error.\n"
    "\n"
    "Options:\n"
    "  -c, --channel FILE      the channel metadata (default: DIR/channel.json)\n"
    "  -o, --output FILE       the feed (default: DIR/feed.xml)\n"
    "\n"
    "Example:\n"
    "  recast render ep1.txt -o site/ep1.opus --format opus,m4a --feed https://example.org/pod\n"
    "  recast render ep2.txt -o site/ep2.opus --format opus,m4a --feed https://example.org/pod\n"
    "  recast feed site --channel show.json      # site/feed.xml\n",
    cmd_feed};
