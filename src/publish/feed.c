/* feed.c: see feed.h. */
#include "publish/feed.h"

#include <dirent.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlstring.h>
#include <stdlib.h>
#include <string.h>

#ifndef RECAST_VERSION
#define RECAST_VERSION "dev"
#endif

#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_PODCAST "https://podcastindex.org/namespace/1.0"
#define NS_ATOM "http://www.w3.org/2005/Atom"

struct feed_doc {
    xmlDocPtr doc;
    xmlNodePtr channel;
    xmlNsPtr itunes, podcast, atom;
    const char *bad_text; /* first string libxml2 cannot take (invalid UTF-8) */
};

/* ---- small pieces ---- */

char *feed_url(const char *base, const char *rel)
{
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/') bl--;
    /* xmlURIEscapeStr keeps RFC 3986's unreserved characters and those listed */
    xmlChar *escaped = xmlURIEscapeStr(BAD_CAST rel, BAD_CAST "/");
    struct strbuf sb;
    sb_init(&sb);
    sb_add(&sb, base, bl);
    sb_addc(&sb, '/');
    sb_adds(&sb, escaped ? (const char *)escaped : rel);
    xmlFree(escaped);
    return sb_detach(&sb);
}

void feed_rfc822_date(time_t t, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (!gmtime_r(&t, &tm)) memset(&tm, 0, sizeof tm), tm.tm_mday = 1, tm.tm_year = 70;
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Parses our own RFC 822 form (and the usual variants with a zone offset); -1 if not. */
static int parse_rfc822(const char *s, time_t *out)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const char *comma = strchr(s, ',');
    if (comma) s = comma + 1;
    int day, year, h, m, sec = 0;
    char mon[4], zone[8] = "+0000";
    if (sscanf(s, " %d %3s %d %d:%d:%d %7s", &day, mon, &year, &h, &m, &sec, zone) < 5) return -1;
    int month = -1;
    for (int i = 0; i < 12; i++)
        if (strcmp(mon, months[i]) == 0) month = i;
    if (month < 0) return -1;
    struct tm tm = {.tm_year = year - 1900, .tm_mon = month, .tm_mday = day, .tm_hour = h, .tm_min = m, .tm_sec = sec};
    time_t t = timegm(&tm);
    int off = 0;
    if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 5) {
        int v = atoi(zone + 1);
        off = (v / 100 * 60 + v % 100) * 60 * (zone[0] == '-' ? -1 : 1);
    }
    *out = t - off;
    return 0;
}

static int checked(struct feed_doc *f, const char *text)
{
    if (!text) return 0;
    if (!xmlCheckUTF8(BAD_CAST text)) {
        if (!f->bad_text) f->bad_text = text;
        return 0;
    }
    return 1;
}

static xmlNodePtr add_text(struct feed_doc *f, xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
    if (!checked(f, text)) return NULL;
    return xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST text); /* escapes */
}

static void add_prop(struct feed_doc *f, xmlNodePtr node, const char *name, const char *value)
{
    if (node && checked(f, value)) xmlNewProp(node, BAD_CAST name, BAD_CAST value);
}

static void add_prop_ll(xmlNodePtr node, const char *name, long long v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", v);
    xmlNewProp(node, BAD_CAST name, BAD_CAST num);
}

static xmlNodePtr add_empty(xmlNodePtr parent, xmlNsPtr ns, const char *name)
{
    return xmlNewChild(parent, ns, BAD_CAST name, NULL);
}

/* ---- the channel ---- */

static int check_channel(const struct feed_channel *ch, struct rc_error *err)
{
    if (!ch->title || !ch->title[0]) return rc_fail(err, RC_USAGE, "feed: the channel needs a title");
    if (!ch->link || !ch->link[0]) return rc_fail(err, RC_USAGE, "feed: the channel needs a link (its web page)");
    if (!ch->description) return rc_fail(err, RC_USAGE, "feed: the channel needs a description");
    return 0;
}

static void new_feed(struct feed_doc *f, const struct feed_channel *ch, time_t last_build)
{
    memset(f, 0, sizeof *f);
    f->doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr rss = xmlNewNode(NULL, BAD_CAST "rss");
    xmlDocSetRootElement(f->doc, rss);
    xmlNewProp(rss, BAD_CAST "version", BAD_CAST "2.0");
    f->itunes = xmlNewNs(rss, BAD_CAST NS_ITUNES, BAD_CAST "itunes");
    f->podcast = xmlNewNs(rss, BAD_CAST NS_PODCAST, BAD_CAST "podcast");
    f->atom = xmlNewNs(rss, BAD_CAST NS_ATOM, BAD_CAST "atom");
    xmlNodePtr c = f->channel = add_empty(rss, NULL, "channel");
    add_text(f, c, NULL, "title", ch->title);
    add_text(f, c, NULL, "link", ch->link);
    add_text(f, c, NULL, "description", ch->description);
    if (ch->language) add_text(f, c, NULL, "language", ch->language);
    add_text(f, c, NULL, "generator", "recast " RECAST_VERSION);
    if (last_build) {
        char date[40];
        feed_rfc822_date(last_build, date);
        add_text(f, c, NULL, "lastBuildDate", date);
    }
    if (ch->self_url) {
        xmlNodePtr self = add_empty(c, f->atom, "link");
        add_prop(f, self, "href", ch->self_url);
        add_prop(f, self, "rel", "self");
        add_prop(f, self, "type", "application/rss+xml");
    }
    if (ch->image_url) {
        xmlNodePtr img = add_empty(c, NULL, "image");
        add_text(f, img, NULL, "url", ch->image_url);
        add_text(f, img, NULL, "title", ch->title);
        add_text(f, img, NULL, "link", ch->link);
        add_prop(f, add_empty(c, f->itunes, "image"), "href", ch->image_url);
    }
    if (ch->author) add_text(f, c, f->itunes, "author", ch->author);
    if (ch->owner_name || ch->owner_email) {
        xmlNodePtr owner = add_empty(c, f->itunes, "owner");
        if (ch->owner_name) add_text(f, owner, f->itunes, "name", ch->owner_name);
        if (ch->owner_email) add_text(f, owner, f->itunes, "email", ch->owner_email);
    }
    if (ch->category) add_prop(f, add_empty(c, f->itunes, "category"), "text", ch->category);
    add_text(f, c, f->itunes, "explicit", ch->explicit_content ? "true" : "false");
    add_text(f, c, f->itunes, "type", "episodic");
    if (ch->podcast_guid) add_text(f, c, f->podcast, "guid", ch->podcast_guid);
}

static int save_feed(struct feed_doc *f, const char *path, struct rc_error *err)
{
    if (f->bad_text)
        return rc_fail(err, RC_SOFTWARE, "%s: text that is not valid UTF-8 cannot go into the feed: \"%.40s\"", path,
                       f->bad_text);
    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(f->doc, &buf, &size, "UTF-8", 1);
    if (!buf || size <= 0) {
        xmlFree(buf);
        return rc_fail(err, RC_SOFTWARE, "%s: libxml2 could not serialize the feed", path);
    }
    int rc = atomic_write(path, buf, (size_t)size, err);
    xmlFree(buf);
    return rc;
}

/* ---- one item ---- */

static int check_item(const struct feed_item *it, struct rc_error *err)
{
    if (!it->title || !it->guid || !it->enclosure.url || !it->enclosure.type || it->enclosure.length <= 0)
        return rc_fail(err, RC_SOFTWARE, "feed: an item needs a title, a guid and an enclosure with a length");
    for (int i = 0; i < it->n_alternates; i++)
        if (!it->alternates[i].url || !it->alternates[i].type || it->alternates[i].length <= 0)
            return rc_fail(err, RC_SOFTWARE, "feed: alternate enclosure %d needs a url, a type and a length", i);
    return 0;
}

static void add_media_attrs(struct feed_doc *f, xmlNodePtr n, const struct feed_media *m)
{
    add_prop(f, n, "type", m->type);
    add_prop_ll(n, "length", m->length);
    if (m->bitrate > 0) add_prop_ll(n, "bitrate", m->bitrate);
    if (m->title) add_prop(f, n, "title", m->title);
    if (m->codecs) add_prop(f, n, "codecs", m->codecs);
}

static void add_item(struct feed_doc *f, const struct feed_item *it)
{
    xmlNodePtr item = add_empty(f->channel, NULL, "item");
    add_text(f, item, NULL, "title", it->title);
    if (it->description) add_text(f, item, NULL, "description", it->description);
    if (it->link) add_text(f, item, NULL, "link", it->link);
    xmlNodePtr guid = add_text(f, item, NULL, "guid", it->guid);
    add_prop(f, guid, "isPermaLink", "false");
    char date[40];
    feed_rfc822_date(it->pub_date, date);
    add_text(f, item, NULL, "pubDate", date);
    xmlNodePtr enc = add_empty(item, NULL, "enclosure");
    add_prop(f, enc, "url", it->enclosure.url);
    add_prop_ll(enc, "length", it->enclosure.length);
    add_prop(f, enc, "type", it->enclosure.type);
    long long s = (it->duration_ms + 500) / 1000;
    char dur[32];
    snprintf(dur, sizeof dur, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    add_text(f, item, f->itunes, "duration", dur);
    if (it->image_url) add_prop(f, add_empty(item, f->itunes, "image"), "href", it->image_url);
    add_text(f, item, f->itunes, "episodeType", "full");
    if (it->chapters_url) {
        xmlNodePtr ch = add_empty(item, f->podcast, "chapters");
        add_prop(f, ch, "url", it->chapters_url);
        add_prop(f, ch, "type", "application/json+chapters");
    }
    for (int i = 0; i < it->n_transcripts; i++) {
        const struct feed_transcript *t = &it->transcripts[i];
        xmlNodePtr tr = add_empty(item, f->podcast, "transcript");
        add_prop(f, tr, "url", t->url);
        add_prop(f, tr, "type", t->type);
        if (t->language) add_prop(f, tr, "language", t->language);
        if (t->captions) add_prop(f, tr, "rel", "captions");
    }
    for (int i = 0; i < it->n_persons; i++) {
        const struct feed_person *p = &it->persons[i];
        xmlNodePtr pn = add_text(f, item, f->podcast, "person", p->name);
        if (p->role) add_prop(f, pn, "role", p->role);
        if (p->group) add_prop(f, pn, "group", p->group);
        if (p->href) add_prop(f, pn, "href", p->href);
        if (p->img) add_prop(f, pn, "img", p->img);
    }
    for (int i = 0; i < it->n_alternates; i++) {
        xmlNodePtr alt = add_empty(item, f->podcast, "alternateEnclosure");
        add_media_attrs(f, alt, &it->alternates[i]);
        add_prop(f, add_empty(alt, f->podcast, "source"), "uri", it->alternates[i].url);
    }
}

int feed_write_episode(const char *path, const struct feed_channel *ch, const struct feed_item *item,
                       struct rc_error *err)
{
    if (check_channel(ch, err) != 0 || check_item(item, err) != 0) return -1;
    struct feed_doc f;
    new_feed(&f, ch, item->pub_date);
    add_item(&f, item);
    int rc = save_feed(&f, path, err);
    xmlFreeDoc(f.doc);
    return rc;
}

/* ---- gathering ---- */

struct gathered {
    xmlDocPtr doc;    /* the episode feed it came from (not owned here) */
    xmlNodePtr item;
    const char *file;
    time_t date;
    char *guid;
};

static int by_date_desc(const void *a, const void *b)
{
    const struct gathered *x = a, *y = b;
    if (x->date != y->date) return x->date < y->date ? 1 : -1;
    return strcmp(x->guid, y->guid);
}

static char *child_text(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !n->ns && xmlStrcmp(n->name, BAD_CAST name) == 0) {
            xmlChar *t = xmlNodeGetContent(n);
            char *s = xstrdup(t ? (const char *)t : "");
            xmlFree(t);
            return s;
        }
    return NULL;
}

int feed_gather(const char *const *episode_files, int n, const struct feed_channel *ch, const char *out_path,
                struct rc_error *err)
{
    if (check_channel(ch, err) != 0) return -1;
    xmlDocPtr *docs = xcalloc((size_t)n + 1, sizeof *docs);
    struct gathered *items = NULL;
    int n_items = 0, rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        FILE *probe = fopen(episode_files[i], "rb");
        if (!probe) {
            rc = rc_fail(err, RC_NOINPUT, "%s: cannot open", episode_files[i]);
            break;
        }
        fclose(probe);
        docs[i] = xmlReadFile(episode_files[i], NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                                          XML_PARSE_NOWARNING);
        xmlNodePtr root = docs[i] ? xmlDocGetRootElement(docs[i]) : NULL;
        xmlNodePtr channel = NULL;
        for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "channel") == 0) channel = c;
        if (!root || xmlStrcmp(root->name, BAD_CAST "rss") != 0 || !channel) {
            const xmlError *xe = xmlGetLastError();
            rc = rc_fail(err, RC_DATAERR, "%s:%d: not an RSS 2.0 feed%s%s", episode_files[i], xe ? xe->line : 0,
                         xe && xe->message ? ": " : "", xe && xe->message ? xe->message : "");
            break;
        }
        for (xmlNodePtr it = channel->children; it && rc == 0; it = it->next) {
            if (it->type != XML_ELEMENT_NODE || xmlStrcmp(it->name, BAD_CAST "item") != 0) continue;
            char *guid = child_text(it, "guid"), *date = child_text(it, "pubDate");
            time_t t = 0;
            if (!guid || !guid[0] || !date || parse_rfc822(date, &t) != 0) {
                rc = rc_fail(err, RC_DATAERR, "%s:%ld: an item without a guid or an RFC 822 pubDate", episode_files[i],
                             xmlGetLineNo(it));
                free(guid);
            } else {
                for (int k = 0; k < n_items && rc == 0; k++)
                    if (strcmp(items[k].guid, guid) == 0)
                        rc = rc_fail(err, RC_DATAERR, "%s and %s: two items with the guid \"%s\"", items[k].file,
                                     episode_files[i], guid);
                if (rc == 0) {
                    items = xrealloc(items, sizeof *items * (size_t)(n_items + 1));
                    items[n_items++] = (struct gathered){docs[i], it, episode_files[i], t, guid};
                } else free(guid);
            }
            free(date);
        }
    }
    if (rc == 0) {
        if (n_items > 1) qsort(items, (size_t)n_items, sizeof *items, by_date_desc);
        struct feed_doc f;
        new_feed(&f, ch, n_items ? items[0].date : 0);
        for (int k = 0; k < n_items && rc == 0; k++) {
            xmlNodePtr copy = NULL;
            /* cloned under the new channel, so its itunes:/podcast: names reuse the
             * declarations on the new <rss> instead of repeating them */
            if (xmlDOMWrapCloneNode(NULL, items[k].doc, items[k].item, &copy, f.doc, f.channel, 1, 0) != 0 || !copy)
                rc = rc_fail(err, RC_SOFTWARE, "%s: libxml2 could not copy an item", items[k].file);
            else xmlAddChild(f.channel, copy);
        }
        if (rc == 0) rc = save_feed(&f, out_path, err);
        xmlFreeDoc(f.doc);
    }
    for (int k = 0; k < n_items; k++) free(items[k].guid);
    free(items);
    for (int i = 0; i < n; i++) xmlFreeDoc(docs[i]);
    free(docs);
    return rc;
}

/* ---- channel metadata ---- */

int feed_channel_load(const char *path, struct feed_channel *ch, struct feed_channel_store *store,
                      struct rc_error *err)
{
    memset(ch, 0, sizeof *ch);
    store->json = NULL;
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        FILE *fp = fopen(path, "rb");
        if (!fp) return rc_fail(err, RC_NOINPUT, "%s: cannot open the channel metadata (a JSON file)", path);
        fclose(fp);
        return rc_fail(err, RC_DATAERR, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    int explicit_content = 0;
    if (json_unpack_ex(j, &je, JSON_STRICT, "{s:s, s:s, s:s, s?:s, s?:s, s?:s, s?:s, s?:b, s?:{s?:s, s?:s}, s?:s, s?:s}",
                       "title", &ch->title, "link", &ch->link, "description", &ch->description, "language",
                       &ch->language, "author", &ch->author, "image", &ch->image_url, "category", &ch->category,
                       "explicit", &explicit_content, "owner", "name", &ch->owner_name, "email", &ch->owner_email,
                       "self", &ch->self_url, "guid", &ch->podcast_guid) != 0) {
        json_decref(j);
        memset(ch, 0, sizeof *ch);
        return rc_fail(err, RC_DATAERR,
                       "%s: %s (expected keys: title, link, description [required], language, author, image, "
                       "category, explicit, owner {name, email}, self, guid)",
                       path, je.text);
    }
    ch->explicit_content = explicit_content;
    store->json = j;
    return 0;
}

void feed_channel_free(struct feed_channel_store *store)
{
    json_decref(store->json);
    store->json = NULL;
}

/* ---- recast feed DIR ---- */

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int feed_gather_dir(const char *dir, const char *channel_path, const char *out_path, int *n_items,
                    struct rc_error *err)
{
    *n_items = 0;
    struct strbuf chp, outp;
    sb_init(&chp), sb_init(&outp);
    if (channel_path) sb_adds(&chp, channel_path);
    else sb_printf(&chp, "%s/channel.json", dir);
    if (out_path) sb_adds(&outp, out_path);
    else sb_printf(&outp, "%s/feed.xml", dir);
    DIR *d = opendir(dir);
    if (!d) {
        sb_free(&chp), sb_free(&outp);
        return rc_fail(err, RC_NOINPUT, "%s: cannot read the directory", dir);
    }
    char **files = NULL;
    int n = 0;
    size_t suffix = strlen(".rss.xml");
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= suffix || strcmp(e->d_name + len - suffix, ".rss.xml") != 0) continue;
        struct strbuf p;
        sb_init(&p);
        sb_printf(&p, "%s/%s", dir, e->d_name);
        if (strcmp(sb_cstr(&p), sb_cstr(&outp)) == 0) {
            sb_free(&p);
            continue;
        }
        files = xrealloc(files, sizeof *files * (size_t)(n + 1));
        files[n++] = sb_detach(&p);
    }
    closedir(d);
    if (n > 1) qsort(files, (size_t)n, sizeof *files, by_name);
    int rc = 0;
    if (n == 0) rc = rc_fail(err, RC_DATAERR, "%s: no episode feeds (*.rss.xml; render with --feed BASE-URL)", dir);
    struct feed_channel ch;
    struct feed_channel_store store = {0};
    if (rc == 0) rc = feed_channel_load(sb_cstr(&chp), &ch, &store, err);
    if (rc == 0) rc = feed_gather((const char *const *)files, n, &ch, sb_cstr(&outp), err);
    if (rc == 0) *n_items = n;
    feed_channel_free(&store);
    for (int i = 0; i < n; i++) free(files[i]);
    free(files);
    sb_free(&chp), sb_free(&outp);
    return rc;
}
