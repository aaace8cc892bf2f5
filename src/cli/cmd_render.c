/* cmd_render.c: recast render: the podcast and its outputs. */
#include "cli/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"

/* --shard I/N: shard I of N, numbered from 0 (as SLURM_ARRAY_TASK_ID and `seq 0 N-1`). */
static int parse_shard(const char *arg, int *index, int *count)
{
    char *end;
    long i = strtol(arg, &end, 10), n = 0;
    int ok = end != arg && *end == '/' && arg[0] >= '0' && arg[0] <= '9';
    if (ok) {
        const char *m = end + 1;
        n = strtol(m, &end, 10);
        ok = end != m && !*end && *m >= '0' && *m <= '9';
    }
    if (!ok || n < 1 || n > 100000)
        return cli_usage_error("render", "--shard %s: write I/N, shard I of N (N from 1 to 100000, I from 0 to N-1), "
                               "e.g. --shard 0/4 ... --shard 3/4", arg);
    if (i < 0 || i >= n)
        return cli_usage_error("render", "--shard %s: the shards of %ld are numbered 0 to %ld (as SLURM_ARRAY_TASK_ID "
                               "with --array=0-%ld)", arg, n, n - 1, n - 1);
    *index = (int)i, *count = (int)n;
    return RC_OK;
}

/* What several transcripts, --out-dir and --shard allow with them. */
static int check_batch(const struct render_options *o, int n_files, const char *out_dir, const char *shard)
{
    const struct episode *ep = &o->episode;
    if (out_dir && o->output)
        return cli_usage_error("render", "-o and --out-dir: give one (-o names one podcast; --out-dir DIR writes "
                               "DIR/STEM.opus for each transcript)");
    if (shard) {
        const char *what = o->output ? "-o" : out_dir ? "--out-dir" : o->clips_dir ? "--clips" : o->html ? "--html"
                         : o->n_sections ? "--section" : NULL;
        if (what)
            return cli_usage_error("render", "--shard %s writes no podcast, so %s has nothing to do: render the shards "
                                   "with --shard, then mux with the same command without --shard and with %s", shard,
                                   what, what);
        return RC_OK;
    }
    if (n_files < 2) return RC_OK;
    if (o->output)
        return cli_usage_error("render", "-o %s names one podcast, and %d transcripts were given: use --out-dir DIR "
                               "(DIR/STEM.opus for each)", o->output, n_files);
    const char *single = o->clips_dir ? "--clips" : o->n_sections ? "--section" : o->meta_path ? "--meta"
                       : ep->title ? "--title" : ep->date ? "--date" : ep->description ? "--description"
                       : ep->url ? "--url" : ep->cover_path ? "--cover" : ep->n_persons ? "--person" : NULL;
    if (single)
        return cli_usage_error("render", "%s is about one episode, and %d transcripts were given: render that episode "
                               "on its own, or put it in each transcript's STEM.meta.json", single, n_files);
    return RC_OK;
}

/* --format NAME (repeatable): one of opus, m4a, mp3, or a comma-separated list. */
static int parse_format(const char *arg, struct render_options *o)
{
    static const char *const names[RENDER_N_FORMATS] = {"opus", "m4a", "mp3"};
    char *list = xstrdup(arg), *save = NULL;
    int rc = RC_OK;
    for (char *name = strtok_r(list, ",", &save); name && rc == RC_OK; name = strtok_r(NULL, ",", &save)) {
        int f = -1;
        for (int i = 0; i < RENDER_N_FORMATS; i++)
            if (strcmp(name, names[i]) == 0) f = i;
        if (f < 0) rc = cli_usage_error("render", "--format %s: the formats are opus, m4a (AAC in MP4) and mp3", name);
        else if (o->n_formats == RENDER_N_FORMATS) rc = cli_usage_error("render", "--format %s: each format once", name);
        else o->formats[o->n_formats++] = (enum render_format)f;
    }
    free(list);
    return rc;
}

static int cmd_render(int argc, char **argv)
{
    enum { O_CLIPS = 256, O_BITRATE, O_COMPLEXITY, O_LOUDNESS, O_TRUE_PEAK, O_CACHE, O_NO_CACHE, O_ANNOUNCE,
           O_PREFACE, O_HTML, O_PROGRESS, O_LEXICON, O_CAST, O_SET, O_TITLE, O_SHOW, O_DATE, O_DESCRIPTION,
           O_LANGUAGE, O_LICENCE, O_URL, O_PERSON, O_COVER, O_META, O_NO_META, O_CAP_CHARS, O_CAP_CHARS_EN,
           O_CAP_LINES, O_CAP_SECONDS, O_OUT_DIR, O_SHARD, O_FORMAT, O_FEED, O_M4A_BITRATE,
           O_MP3_BITRATE };
    static const struct option longopts[] = {
        CLI_COMMON_OPTIONS,
        {"output", required_argument, NULL, 'o'}, {"clips", required_argument, NULL, O_CLIPS},
        {"section", required_argument, NULL, 's'}, {"jobs", required_argument, NULL, 'j'},
        {"bitrate", required_argument, NULL, O_BITRATE}, {"complexity", required_argument, NULL, O_COMPLEXITY},
        {"loudness", required_argument, NULL, O_LOUDNESS}, {"true-peak", required_argument, NULL, O_TRUE_PEAK},
        {"cache", required_argument, NULL, O_CACHE}, {"no-cache", no_argument, NULL, O_NO_CACHE},
        {"announce-sections", no_argument, NULL, O_ANNOUNCE}, {"preface", no_argument, NULL, O_PREFACE},
        {"html", no_argument, NULL, O_HTML}, {"progress", no_argument, NULL, O_PROGRESS},
        {"quiet", no_argument, NULL, 'q'}, {"lexicon", required_argument, NULL, O_LEXICON},
        {"cast", required_argument, NULL, O_CAST}, {"set", required_argument, NULL, O_SET},
        {"title", required_argument, NULL, O_TITLE}, {"show", required_argument, NULL, O_SHOW},
        {"date", required_argument, NULL, O_DATE}, {"description", required_argument, NULL, O_DESCRIPTION},
        {"language", required_argument, NULL, O_LANGUAGE}, {"licence", required_argument, NULL, O_LICENCE},
        {"license", required_argument, NULL, O_LICENCE}, {"url", required_argument, NULL, O_URL},
        {"person", required_argument, NULL, O_PERSON}, {"cover", required_argument, NULL, O_COVER},
        {"meta", required_argument, NULL, O_META}, {"no-meta", no_argument, NULL, O_NO_META},
        {"caption-chars", required_argument, NULL, O_CAP_CHARS},
        {"caption-chars-en", required_argument, NULL, O_CAP_CHARS_EN},
        {"caption-lines", required_argument, NULL, O_CAP_LINES},
        {"caption-seconds", required_argument, NULL, O_CAP_SECONDS},
        {"out-dir", required_argument, NULL, O_OUT_DIR}, {"shard", required_argument, NULL, O_SHARD},
        {"format", required_argument, NULL, O_FORMAT}, {"feed", required_argument, NULL, O_FEED},
        {"m4a-bitrate", required_argument, NULL, O_M4A_BITRATE}, {"mp3-bitrate", required_argument, NULL, O_MP3_BITRATE},
        {0, 0, 0, 0}};
    struct render_options o;
    render_options_default(&o);
    const char **sections = xcalloc((size_t)argc, sizeof *sections);
    o.sections = sections;
    const char **voice_sets = xcalloc((size_t)argc, sizeof *voice_sets);
    o.voice_sets = voice_sets;
    struct episode *ep = &o.episode;
    ep->persons = xcalloc((size_t)argc, sizeof *ep->persons);
    int c, rc = RC_OK;
    double v;
    const char *out_dir = NULL, *shard = NULL;
    optind = 1;
    while (rc == RC_OK && (c = cli_getopt("render", argc, argv, "ho:s:j:q", longopts)) != -1) {
        switch (c) {
        case 'V': o.voices_dir = optarg; break;
        case 'o': o.output = optarg; break;
        case O_CLIPS: o.clips_dir = optarg; break;
        case 's': sections[o.n_sections++] = optarg; break;
        case 'j':
            if (cli_parse_number("render", "-j/--jobs", optarg, 1, 64, &v)) rc = RC_USAGE;
            else o.jobs = (int)v;
            break;
        case O_BITRATE:
            if (cli_parse_number("render", "--bitrate (kbit/s)", optarg, 6, 256, &v)) rc = RC_USAGE;
            else o.bitrate_bps = (int)(v * 1000);
            break;
        case O_COMPLEXITY:
            if (cli_parse_number("render", "--complexity", optarg, 0, 10, &v) || v != (int)v) rc = RC_USAGE;
            else o.complexity = (int)v;
            break;
        case O_LOUDNESS:
            if (cli_parse_number("render", "--loudness (LUFS)", optarg, -40, -10, &v)) rc = RC_USAGE;
            else o.loudness_lufs = v;
            break;
        case O_TRUE_PEAK:
            if (cli_parse_number("render", "--true-peak (dBTP)", optarg, -9, 0, &v)) rc = RC_USAGE;
            else o.true_peak_dbtp = v;
            break;
        case O_CACHE: o.cache_dir = optarg; break;
        case O_NO_CACHE: o.no_cache = 1; break;
        case O_ANNOUNCE: o.announce_sections = 1; break;
        case O_PREFACE: o.preface = 1; break;
        case O_HTML: o.html = 1; break;
        case O_PROGRESS: o.progress = 1; break;
        case 'q': o.quiet = 1; break;
        case O_LEXICON: o.lexicon_path = optarg; break;
        case O_CAST:
            if (cli_add_cast("render", optarg) != RC_OK) rc = RC_USAGE;
            break;
        case O_SET: voice_sets[o.n_voice_sets++] = optarg; break;
        case O_TITLE: ep->title = optarg; break;
        case O_SHOW: ep->show = optarg; break;
        case O_DATE:
            if (!episode_date_ok(optarg))
                rc = cli_usage_error("render", "--date %s: write the original date as YYYY, YYYY-MM or YYYY-MM-DD", optarg);
            else ep->date = optarg;
            break;
        case O_DESCRIPTION: ep->description = optarg; break;
        case O_LANGUAGE: ep->language = optarg; break;
        case O_LICENCE: ep->licence = optarg; break;
        case O_URL: ep->url = optarg; break;
        case O_PERSON: {
            /* "Name" or "Name:role" (the last colon separates the role) */
            char *colon = strrchr(optarg, ':');
            if (colon == optarg || (colon && !colon[1])) {
                rc = cli_usage_error("render", "--person '%s': write NAME or NAME:ROLE (e.g. 'Demis Hassabis:guest')",
                                     optarg);
                break;
            }
            if (colon) *colon = '\0';
            ep->persons[ep->n_persons++] = (struct episode_person){optarg, colon ? colon + 1 : NULL};
            break;
        }
        case O_COVER: ep->cover_path = optarg; break;
        case O_META: o.meta_path = optarg; break;
        case O_NO_META: o.no_meta = 1; break;
        case O_CAP_CHARS:
            if (cli_parse_number("render", "--caption-chars", optarg, 8, 60, &v) || v != (int)v) rc = RC_USAGE;
            else o.captions.zh_line_chars = (int)v;
            break;
        case O_CAP_CHARS_EN:
            if (cli_parse_number("render", "--caption-chars-en", optarg, 16, 100, &v) || v != (int)v) rc = RC_USAGE;
            else o.captions.en_line_chars = (int)v;
            break;
        case O_CAP_LINES:
            if (cli_parse_number("render", "--caption-lines", optarg, 1, 3, &v) || v != (int)v) rc = RC_USAGE;
            else o.captions.max_lines = (int)v;
            break;
        case O_CAP_SECONDS:
            if (cli_parse_number("render", "--caption-seconds", optarg, 2, 20, &v)) rc = RC_USAGE;
            else o.captions.max_cue_ms = (int)llround(v * 1000);
            break;
        case O_OUT_DIR: out_dir = optarg; break;
        case O_SHARD:
            shard = optarg;
            if (parse_shard(optarg, &o.shard_index, &o.shard_count) != 0) rc = RC_USAGE;
            break;
        case O_FORMAT: rc = parse_format(optarg, &o); break;
        case O_FEED:
            if (strncmp(optarg, "https://", 8) != 0 && strncmp(optarg, "http://", 7) != 0)
                rc = cli_usage_error("render", "--feed %s: give the http(s) URL the files will be served under", optarg);
            o.feed_url = optarg;
            break;
        case O_M4A_BITRATE:
        case O_MP3_BITRATE:
            if (cli_parse_number("render", c == O_M4A_BITRATE ? "--m4a-bitrate (kbit/s)" : "--mp3-bitrate (kbit/s)",
                                 optarg, 16, 320, &v))
                rc = RC_USAGE;
            else *(c == O_M4A_BITRATE ? &o.m4a_bitrate_bps : &o.mp3_bitrate_bps) = (int)(v * 1000);
            break;
        case 'h': free(sections), free(voice_sets), free(ep->persons); return cli_print_help("render");
        default: rc = RC_USAGE; break;
        }
    }
    if (rc == RC_OK && optind >= argc) rc = cli_usage_error("render", "missing the transcript FILE");
    if (rc == RC_OK) rc = check_batch(&o, argc - optind, out_dir, shard);
    if (rc == RC_OK) {
        o.transcript = argv[optind];
        o.casts = cli_casts(&o.n_casts);
        struct rc_error err = {0};
        if (render_batch(&o, (const char *const *)argv + optind, argc - optind, out_dir, &err) != 0)
            rc = cli_report(&err);
    }
    free(sections);
    free(voice_sets);
    free(ep->persons);
    return rc;
}

const struct command cli_cmd_render = {
    "render", "render the podcast: Ogg Opus with chapters, clips per section, subtitles, manifest",
     "Usage: recast render [OPTIONS] FILE...\n"
     "\n"
     "Renders the transcript into an Ogg Opus podcast (mono, 48 kHz playback) with one\n"
     "chapter per section, and beside it STEM.vtt and STEM.srt (subtitles of at most two\n"
     "short lines, cut where the voice starts a word), STEM.chapters.json and\n"
     "STEM.transcript.json (Podcasting 2.0), and\n"
     "STEM.manifest.json (every turn's start and end, settings, versions, input hash).\n"
     "Each turn is synthesized and encoded in its own worker process and cached, so a\n"
     "re-render after an edit only redoes the turns that changed.\n"
     "\n"
     "Output:\n"
     "  -o, --output FILE       the podcast (default: out/<transcript stem>.opus; with\n"
     "                          --section, out/<stem>-NN-<title>.opus).  A name without an\n"
     "                          extension gets .opus; a folder (existing, or ending in /)\n"
     "                          gets the default name inside it; a missing folder is\n"
     "                          created.  Never an input (transcript, lexicon, voices).\n"
     "  --clips DIR             also write one clip per section: DIR/NN-<title>.opus with\n"
     "                          its own chapters and subtitles; cut from the same encoded\n"
     "                          audio (no re-encoding), sample-exact with the full file\n"
     "  -s, --section S         write only section S to -o: its number (as 'recast list'\n"
     "                          shows it), or its title, the start or a part of the title,\n"
     "                          in any case ('--section 5', '--section gemini'); repeat\n"
     "                          for adjacent sections\n"
     "  --html                  also write the listening page STEM.html (clip links are\n"
     "                          relative to its folder, wherever DIR is)\n"
     "  --format F              opus (default), m4a (AAC in MP4, for Apple Podcasts) or mp3;\n"
     "                          repeat (or F,F) for several: STEM.opus, STEM.m4a, STEM.mp3, each\n"
     "                          with the same chapters and tags, clips in each; the first is\n"
     "                          the main file.  M4A and MP3 are the Opus audio decoded and\n"
     "                          encoded again (FFmpeg), never synthesized again\n"
     "  --feed BASE-URL         also write STEM.rss.xml, a podcast feed item (RSS 2.0, iTunes and\n"
     "                          Podcasting 2.0 tags) whose URLs are BASE-URL/<file name>;\n"
     "                          'recast feed DIR' gathers several episodes into one feed\n"
     "Several episodes, several hosts (see README, 'Scale-out'):\n"
     "  --out-dir DIR           with one or more FILEs: DIR/STEM.opus and its sidecars for\n"
     "                          each (several FILEs without it: out/).  One pool of -j\n"
     "                          workers and one cache for all; each episode's outputs are\n"
     "                          put in place as one set, with a summary per episode\n"
     "  --shard I/N             render only shard I (0 to N-1) of the FILEs' turns into the\n"
     "                          cache (split by length, the same on every host) and write\n"
     "                          no podcast; then the same command without --shard muxes\n"
     "                          from the cache.  Give every shard the same FILEs, options\n"
     "                          and --cache (a shared folder: scripts/recast-parallel.sh,\n"
     "                          scripts/recast-slurm.sh)\n"
     "Episode (what players and the page show; see README, 'Episode metadata'):\n"
     "  --meta FILE             episode metadata file (default: the transcript's name with\n"
     "                          .meta.json for .txt, when it exists); --no-meta: none\n"
     "  --title TEXT            episode title (default: the page's title)\n"
     "  --show TEXT             the show (ALBUM)\n"
     "  --date YYYY-MM-DD       original date (DATE; none unless given)\n"
     "  --description TEXT      episode description\n"
     "  --person 'NAME:ROLE'    a person and role (host, guest, ...); repeat for each\n"
     "  --language TAG          BCP 47 language tag (default zh)\n"
     "  --licence TEXT          licence of the episode (LICENSE)\n"
     "  --url URL               the original episode\n"
     "  --cover FILE            cover art, PNG or JPEG (in the Opus file and on the page)\n"
     "Subtitles:\n"
     "  --caption-chars N       characters per line of a Chinese cue, 8 to 60 (default 20;\n"
     "                          a Latin letter counts as half)\n"
     "  --caption-chars-en N    characters per line of an English cue, 16 to 100 (default 42)\n"
     "  --caption-lines N       lines per cue, 1 to 3 (default 2)\n"
     "  --caption-seconds S     longest cue, 2 to 20 s (default 7)\n"
     "Sound:\n"
     "  --bitrate KBPS          Opus bitrate, 6 to 256 kbit/s (default 32)\n"
     "  --complexity N          Opus complexity, 0 to 10 (default 10)\n"
     "  --loudness LUFS         programme loudness, -40 to -10 (default -19, podcast mono)\n"
     "  --true-peak DBTP        ceiling for the decoded file, -9 to 0 (default -1)\n"
     "  --m4a-bitrate KBPS      AAC bitrate, 16 to 320 kbit/s (default 64)\n"
     "  --mp3-bitrate KBPS      MP3 (LAME VBR) target: 96 and up -V2, 64 -V5 (default), less -V7\n"
     "  --announce-sections     the narrator reads each section's title at its start\n"
     "  --preface               the narrator reads the editor's note before the opening\n"
     "Speed:\n"
     "  -j, --jobs N            worker processes, 1 to 64 (default: the number of CPUs)\n"
     "  --cache DIR             turn cache (default: $XDG_CACHE_HOME/recast or ~/.cache/recast)\n"
     "  --no-cache              use a temporary cache, removed afterwards\n"
     "Other:\n"
     "  --progress              show progress even when stderr is not a terminal\n"
     "  -q, --quiet             print nothing but errors\n"
     "  --voices DIR            voice profiles and pause policy (default: the build's voices/)\n"
     "  --lexicon FILE          pronunciation lexicon (default: DIR/lexicon.txt)\n"
     "  --cast NAME=PROFILE     speaker NAME (as 'recast list' shows it) speaks with the profile\n"
     "                          PROFILE of the voices directory instead of its automatic voice\n"
     "  --set PROFILE.KEY=VALUE change a voice for this run only, without editing its file:\n"
     "                          KEY is mandarin, english, variant, rate, pitch, range or\n"
     "                          volume ('--set demis.pitch=45 --set demis.variant=m7');\n"
     "                          see 'recast voices' for the profiles and variants\n"
     "\n"
     "Examples:\n"
     "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --clips out/clips\n"
     "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --section 'Gemini 训练' -o gemini.opus\n"
     "  recast render my.txt -o my.opus --bitrate 24 --announce-sections -j 2\n"
     "  recast render transcripts/dwarkesh-hassabis-2024.zh.txt --section gemini --set demis.variant=m7\n"
     "  recast render my.txt --show 'My Show' --date 2024-02-28 --person 'Ann Lee:host' --cover art.png\n"
     "  recast render talks/*.txt --out-dir feed/ --show 'My Show'\n"
     "  recast render my.txt --shard 0/2 --cache /shared/recast & recast render my.txt --shard 1/2 \\\n"
     "      --cache /shared/recast; wait; recast render my.txt --cache /shared/recast\n"
     "  recast render my.txt -o site/ep1.opus --format opus,m4a --html --feed https://example.org/pod\n",
    cmd_render};
