// feed.test.mjs: checks a feed that recast wrote with an independent Podcasting 2.0
// parser (podcast-partytime, the Podcast Index's own), and every URL in it against the
// files on disk: each maps to a file under DIR, and each enclosure length is that
// file's size.
//   node tests/feed/feed.test.mjs FEED.xml DIR BASE-URL EXPECT.json
// EXPECT.json: {"items": N, "title": "...", "alternates": N or {"GUID": N...}, "persons": N,
//               "transcripts": N, "captions": N, "image": true|false, and optionally "roles": [...],
//               "itemTitle", "pubDate" (ISO 8601), "descriptionStarts"}  (what every item must have).
// Prints PASS/FAIL lines like the other tests; exits 1 if any failed.
import fs from "node:fs";
import path from "node:path";
import pt from "podcast-partytime";

const [feedPath, dir, baseUrl, expectPath] = process.argv.slice(2);
const expect = JSON.parse(fs.readFileSync(expectPath, "utf8"));
let failed = 0;
const pass = (n) => console.log(`PASS ${n}`);
const fail = (n, why) => { console.log(`FAIL ${n}: ${why}`); failed++; };
const check = (n, ok, why) => (ok ? pass(n) : fail(n, why));
const name = path.basename(feedPath);

const feed = pt.parseFeed(fs.readFileSync(feedPath, "utf8"), { allowMissingGuid: false });
if (!feed) {
  fail(`feed ${name}: partytime parses it`, "parseFeed returned null (not a valid podcast feed)");
  process.exit(1);
}
pass(`feed ${name}: partytime parses it (Podcasting 2.0 phases: ${Object.keys(feed.pc20support).join(",")})`);
check(`feed ${name}: channel title`, feed.title === expect.title, `"${feed.title}" != "${expect.title}"`);
check(`feed ${name}: ${expect.items} item(s)`, feed.items.length === expect.items, `${feed.items.length}`);

// a URL under BASE-URL -> the file under DIR (percent-decoded), or null
function fileOf(url) {
  const base = baseUrl.replace(/\/+$/, "") + "/";
  if (!url || !url.startsWith(base)) return null;
  return path.join(dir, decodeURIComponent(url.slice(base.length)));
}
function checkFile(label, url, length) {
  const f = fileOf(url);
  if (!f || !fs.existsSync(f)) return fail(label, `${url} is not a file under ${dir}`);
  const size = fs.statSync(f).size;
  if (length !== undefined && Number(length) !== size) return fail(label, `${url}: length ${length}, file has ${size} bytes`);
  pass(label);
}

const guids = new Set();
for (const it of feed.items) {
  const t = `feed ${name}: item "${it.title}"`;
  check(`${t}: guid`, it.guid && !guids.has(it.guid), `missing or repeated guid ${it.guid}`);
  guids.add(it.guid);
  check(`${t}: pubDate`, it.pubDate instanceof Date && !isNaN(it.pubDate), `${it.pubDate}`);
  check(`${t}: duration`, it.duration > 0, `${it.duration}`);
  check(`${t}: description`, typeof it.description === "string" && it.description.length > 0, "empty");
  check(`${t}: enclosure type`, /^audio\//.test(it.enclosure?.type || ""), `${it.enclosure?.type}`);
  checkFile(`${t}: enclosure URL and length match the file`, it.enclosure?.url, it.enclosure?.length);
  check(`${t}: podcast:chapters`, it.podcastChapters?.type === "application/json+chapters", JSON.stringify(it.podcastChapters));
  if (it.podcastChapters) {
    checkFile(`${t}: chapters URL is a file`, it.podcastChapters.url);
    const f = fileOf(it.podcastChapters.url);
    if (f && fs.existsSync(f)) {
      const ch = JSON.parse(fs.readFileSync(f, "utf8"));
      check(`${t}: chapters file is Podcasting 2.0 JSON`, Array.isArray(ch.chapters) && ch.chapters.length > 0, "no chapters");
    }
  }
  const tr = it.podcastTranscripts || [];
  check(`${t}: ${expect.transcripts} podcast:transcript`, tr.length === expect.transcripts, `${tr.length}`);
  const captions = tr.filter((x) => x.rel === "captions");
  check(`${t}: ${expect.captions} with rel=captions (VTT, SRT)`, captions.length === expect.captions &&
        captions.every((x) => x.type === "text/vtt" || x.type === "application/srt"), JSON.stringify(tr));
  check(`${t}: transcript types known to the parser`, tr.every((x) => x.type !== "unknown"), JSON.stringify(tr));
  tr.forEach((x) => checkFile(`${t}: transcript ${x.type} URL is a file`, x.url));
  const people = it.podcastPeople || [];
  check(`${t}: ${expect.persons} podcast:person`, people.length === expect.persons && people.every((p) => p.name && p.role),
        JSON.stringify(people));
  const alts = it.alternativeEnclosures || [];
  const nAlt = typeof expect.alternates === "object" ? expect.alternates[it.guid] : expect.alternates;
  check(`${t}: ${nAlt} podcast:alternateEnclosure`, alts.length === nAlt, JSON.stringify(alts));
  for (const a of alts) {
    const uri = a.source?.[0]?.uri;
    check(`${t}: alternate ${a.type} is audio`, /^audio\//.test(a.type || ""), `${a.type}`);
    checkFile(`${t}: alternate ${a.type} URL and length match the file`, uri, a.length);
  }
  // (partytime capitalizes the taxonomy's roles: "host" -> "Host")
  if (expect.roles) check(`${t}: persons' roles ${expect.roles.join(", ")}`,
                         JSON.stringify(people.map((p) => p.role.toLowerCase())) === JSON.stringify(expect.roles), JSON.stringify(people));
  if (expect.itemTitle) check(`${t}: item title`, it.title === expect.itemTitle, `"${it.title}"`);
  if (expect.pubDate) check(`${t}: pubDate ${expect.pubDate}`, it.pubDate?.toISOString() === expect.pubDate, `${it.pubDate}`);
  if (expect.descriptionStarts) check(`${t}: description starts "${expect.descriptionStarts}"`,
                                      it.description.startsWith(expect.descriptionStarts), it.description.slice(0, 60));
  if (expect.image) {
    check(`${t}: itunes:image`, !!it.itunesImage || !!it.image, "missing");
    checkFile(`${t}: image URL is a file`, it.itunesImage || it.image);
  }
}
process.exit(failed ? 1 : 0);
