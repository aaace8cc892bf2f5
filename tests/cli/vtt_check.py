#!/usr/bin/env python3
"""Checks a WebVTT file written by recast (sidecars.c).

usage: vtt_check.py FILE.vtt [--total-ms N] [--max-chars 65] [--ffprobe]

Checks: "WEBVTT" header, cue timings "HH:MM:SS.mmm --> HH:MM:SS.mmm", starts strictly
increasing, no overlap, end > start, within [0, total]; one text line per cue of the form
"<v Name>text" with & < > escaped; text at most --max-chars code points.  With --ffprobe,
ffmpeg's WebVTT demuxer must read as many packets as there are cues, at the same times.
Prints "ok: N cues" and exits 0, or prints the problems to stderr and exits 1."""
import argparse
import re
import subprocess
import sys

TIMING = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$")
ENTITY = re.compile(r"&(amp|lt|gt);")


def ms(h, m, s, f):
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


def parse(path, max_chars, total_ms, problems):
    with open(path, encoding="utf-8") as fp:
        blocks = re.split(r"\n\s*\n", fp.read().replace("\r\n", "\n").strip("\n"))
    if not blocks or blocks[0].strip() != "WEBVTT":
        problems.append("no WEBVTT header line")
        return []
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        if lines[0].startswith("NOTE") or lines[0].startswith("STYLE"):
            continue
        if "-->" not in lines[0]:
            lines = lines[1:]  # identifier
        m = TIMING.match(lines[0]) if lines else None
        if not m:
            problems.append("bad timing line: %r" % (lines[0] if lines else block))
            continue
        a, b = ms(*m.groups()[:4]), ms(*m.groups()[4:])
        where = lines[0]
        if len(lines) != 2:
            problems.append("%s: expected one text line, got %d" % (where, len(lines) - 1))
            continue
        v = re.match(r"^<v ([^>]+)>(.*)$", lines[1])
        if not v:
            problems.append("%s: text without <v Name>: %r" % (where, lines[1]))
            continue
        body = v.group(2)
        if "<" in body or ">" in body or "&" in ENTITY.sub("", body):
            problems.append("%s: unescaped markup: %r" % (where, body))
        text = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        if not text.strip():
            problems.append("%s: empty cue" % where)
        if len(text) > max_chars:
            problems.append("%s: %d characters (max %d)" % (where, len(text), max_chars))
        if b <= a:
            problems.append("%s: ends before it starts" % where)
        if cues and (a <= cues[-1][0] or a < cues[-1][1]):
            problems.append("%s: starts before the previous cue ends" % where)
        if total_ms is not None and b > total_ms:
            problems.append("%s: ends after the programme (%d ms)" % (where, total_ms))
        cues.append((a, b, v.group(1), text))
    return cues


def ffprobe_check(path, cues, problems):
    try:
        out = subprocess.run(["ffprobe", "-v", "error", "-i", path, "-show_entries",
                              "packet=pts_time,duration_time", "-of", "csv"],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:
        problems.append("ffprobe not found")
        return
    if out.returncode != 0:
        problems.append("ffprobe failed: " + out.stderr.strip())
        return
    packets = [l.split(",") for l in out.stdout.splitlines() if l.startswith("packet,")]
    if len(packets) != len(cues):
        problems.append("ffprobe reads %d packets, file has %d cues" % (len(packets), len(cues)))
    for i, (p, c) in enumerate(zip(packets, cues)):
        if round(float(p[1]) * 1000) != c[0] or round(float(p[2]) * 1000) != c[1] - c[0]:
            problems.append("cue %d: ffprobe pts %s duration %s, file %d..%d ms" % (i + 1, p[1], p[2], c[0], c[1]))
            break


def main():
    ap = argparse.ArgumentParser(description="check a recast WebVTT file")
    ap.add_argument("file")
    ap.add_argument("--total-ms", type=int)
    ap.add_argument("--max-chars", type=int, default=65)
    ap.add_argument("--ffprobe", action="store_true")
    args = ap.parse_args()
    problems = []
    try:
        cues = parse(args.file, args.max_chars, args.total_ms, problems)
    except (OSError, UnicodeDecodeError) as e:
        print("%s: %s" % (args.file, e), file=sys.stderr)
        return 1
    if args.ffprobe and not problems:
        ffprobe_check(args.file, cues, problems)
    for p in problems:
        print("%s: %s" % (args.file, p), file=sys.stderr)
    if problems:
        return 1
    print("ok: %d cues" % len(cues))
    return 0


if __name__ == "__main__":
    sys.exit(main())
