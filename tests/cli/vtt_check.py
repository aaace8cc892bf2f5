#!/usr/bin/env python3
"""Checks a WebVTT file written by recast (sidecars.c).

usage: vtt_check.py FILE.vtt [--total-ms N] [--zh-chars 20] [--en-chars 42] [--max-lines 2]
                    [--max-seconds 7] [--ffprobe]

Checks: "WEBVTT" header, cue timings "HH:MM:SS.mmm --> HH:MM:SS.mmm", starts strictly
increasing, no overlap, end > start, within [0, total]; 1 to --max-lines text lines per cue,
the first starting "<v Name>", & < > escaped, no line starting or ending with a space; a
line of a cue with Han characters at most --zh-chars wide (a CJK character or punctuation
counts 1, anything else 1/2), of an English cue at most --en-chars characters; a cue at
most --max-seconds long.  With --ffprobe, ffmpeg's WebVTT demuxer must read as many packets
as there are cues, at the same times.  Prints "ok: N cues, ..." with the longest line, the
most lines in a cue and the longest cue, and exits 0, or prints the problems to stderr and
exits 1."""
import argparse
import re
import subprocess
import sys

TIMING = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$")
ENTITY = re.compile(r"&(amp|lt|gt);")
stats = {"longest_zh": 0, "longest_en": 0, "max_lines": 0, "longest_ms": 0}


def ms(h, m, s, f):
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


def is_wide(ch):
    return ord(ch) >= 0x2E80


def width(line, zh):
    """Columns in half-characters: a CJK character 2, anything else 1 (English: all 1)."""
    return sum(2 if zh and is_wide(c) else 1 for c in line) if zh else len(line)


def parse(path, args, total_ms, problems):
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
        if not 2 <= len(lines) <= 1 + args.max_lines:
            problems.append("%s: expected 1 to %d text lines, got %d" % (where, args.max_lines, len(lines) - 1))
            continue
        v = re.match(r"^<v ([^>]+)>(.*)$", lines[1])
        if not v:
            problems.append("%s: text without <v Name>: %r" % (where, lines[1]))
            continue
        body_lines = [v.group(2)] + lines[2:]
        text_lines = []
        for body in body_lines:
            if "<" in body or ">" in body or "&" in ENTITY.sub("", body):
                problems.append("%s: unescaped markup: %r" % (where, body))
            text_lines.append(body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
        text = "\n".join(text_lines)
        zh = any(0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF for c in text)
        limit = 2 * args.zh_chars if zh else args.en_chars
        for line in text_lines:
            if not line.strip():
                problems.append("%s: empty line" % where)
            elif line != line.strip(" "):
                problems.append("%s: a line starts or ends with a space: %r" % (where, line))
            w = width(line, zh)
            if w > limit:
                problems.append("%s: line %r is %s wide (max %s)" % (where, line, w / 2 if zh else w,
                                                                   args.zh_chars if zh else args.en_chars))
            stats["longest_zh" if zh else "longest_en"] = max(stats["longest_zh" if zh else "longest_en"],
                                                              w / 2 if zh else w)
        stats["max_lines"] = max(stats["max_lines"], len(text_lines))
        stats["longest_ms"] = max(stats["longest_ms"], b - a)
        if b - a > args.max_seconds * 1000:
            problems.append("%s: lasts %.3f s (max %g)" % (where, (b - a) / 1000, args.max_seconds))
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
    ap.add_argument("--zh-chars", type=int, default=20)
    ap.add_argument("--en-chars", type=int, default=42)
    ap.add_argument("--max-lines", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=7.0)
    ap.add_argument("--ffprobe", action="store_true")
    args = ap.parse_args()
    problems = []
    try:
        cues = parse(args.file, args, args.total_ms, problems)
    except (OSError, UnicodeDecodeError) as e:
        print("%s: %s" % (args.file, e), file=sys.stderr)
        return 1
    if args.ffprobe and not problems:
        ffprobe_check(args.file, cues, problems)
    for p in problems:
        print("%s: %s" % (args.file, p), file=sys.stderr)
    if problems:
        return 1
    print("ok: %d cues, longest line %g CJK-wide (Chinese) / %d characters (English), at most %d lines a cue, "
          "longest cue %.3f s" % (len(cues), stats["longest_zh"], stats["longest_en"], stats["max_lines"],
                                   stats["longest_ms"] / 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
