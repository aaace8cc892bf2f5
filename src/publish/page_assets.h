/* page_assets.h: the listening page's stylesheet and script.  Their sources are
 * src/publish/page/page.css and src/publish/page/page.js (edit those: they are real CSS
 * and JavaScript, checked by `node --check` and tests/js/page_cues.test.mjs); the build
 * embeds them with scripts/embed-assets.sh into a generated C file.  NUL-terminated,
 * static storage. */
#ifndef RECAST_PAGE_ASSETS_H
#define RECAST_PAGE_ASSETS_H

extern const char page_css[]; /* the <style> of every page */
extern const char page_js[];  /* the <script>: cue highlighting, seeking, keys (page.c says the rules) */

#endif
