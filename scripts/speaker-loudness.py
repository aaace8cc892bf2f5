#!/usr/bin/env python3
"""Per-speaker loudness of a rendered podcast, measured independently of recast.

Usage: scripts/speaker-loudness.py PODCAST.opus MANIFEST.json [--json]

Decodes the podcast with ffmpeg (48 kHz mono, float), cuts every turn's speech span
(speech_start_ms .. speech_end_ms from the manifest), and measures with ffmpeg's ebur128
filter: each turn's integrated loudness, each speaker's integrated loudness over all of their
turns (spans joined end to end), the programme's, and the jump at every change of speaker
(between consecutive measured turns; a turn under 1 s has no reliable integrated loudness
and is left out of the jumps).
Prints a table, or JSON with --json. Needs ffmpeg and python3 only.
"""
import json, os, re, struct, subprocess, sys, tempfile

def ebur128(raw, rate=48000):
    """Integrated loudness (LUFS) of mono float32 samples, by ffmpeg's ebur128 filter."""
    p = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-f", "f32le", "-ar", str(rate),
                        "-ac", "1", "-i", "-", "-af", "ebur128", "-f", "null", "-"],
                       input=raw, capture_output=True)
    m = re.findall(r"I:\s+(-?[0-9.]+|-inf) LUFS", p.stderr.decode())
    if not m:
        sys.exit("ffmpeg ebur128 printed no integrated loudness:\n" + p.stderr.decode()[-500:])
    return float(m[-1]) if m[-1] != "-inf" else float("-inf")

def mean(values):
    return sum(values) / len(values) if values else float("nan")

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    podcast, manifest_path = args
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    raw = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", podcast,
                          "-ac", "1", "-ar", "48000", "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    nsamples = len(raw) // 4
    turns = []
    for section in manifest["sections"]:
        for t in section["turns"]:
            a = max(0, int(t["speech_start_ms"]) * 48)
            b = min(nsamples, int(t["speech_end_ms"]) * 48)
            turns.append({"section": section["index"], "index": t["index"], "speaker": t["speaker"],
                          "start_ms": t["speech_start_ms"], "span": raw[a * 4:b * 4]})
    by_speaker = {}
    for t in turns:
        by_speaker.setdefault(t["speaker"], []).append(t["span"])
        # a span under 1 s has too few 400 ms gating blocks for integrated loudness
        t["lufs"] = ebur128(t["span"]) if len(t["span"]) >= 4 * 48000 else None  # bytes: 1 s of float32
    speakers = {s: ebur128(b"".join(spans)) for s, spans in by_speaker.items()}
    programme = ebur128(raw)
    jumps = []
    measured = [t for t in turns if t["lufs"] is not None]
    for prev, cur in zip(measured, measured[1:]):
        if prev["speaker"] != cur["speaker"]:
            jumps.append({"from_turn": prev["index"], "to_turn": cur["index"],
                          "jump_lu": round(cur["lufs"] - prev["lufs"], 2)})
    largest = max(jumps, key=lambda j: abs(j["jump_lu"])) if jumps else None
    over2 = sum(1 for j in jumps if abs(j["jump_lu"]) > 2.0)
    result = {"programme_lufs": programme,
              "speakers": {s: {"lufs": round(v, 2), "turns": len(by_speaker[s]),
                               "mean_turn_lufs": round(mean([t["lufs"] for t in turns
                                                         if t["speaker"] == s and t["lufs"] is not None]), 2)}
                           for s, v in speakers.items()},
              "speaker_changes": len(jumps), "changes_over_2lu": over2, "largest_jump": largest,
              "turns": [{k: t[k] for k in ("section", "index", "speaker", "start_ms", "lufs")} for t in turns]}
    if "--json" in sys.argv:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False); print()
        return
    print(f"programme            {programme:7.2f} LUFS")
    for s, v in result["speakers"].items():
        print(f"{s:20s} {v['lufs']:7.2f} LUFS over {v['turns']} turns (mean of turns {v['mean_turn_lufs']:.2f})")
    if largest:
        print(f"speaker changes      {len(jumps)}, {over2} over 2 LU; largest jump {largest['jump_lu']:+.2f} LU "
              f"(turn {largest['from_turn']} -> {largest['to_turn']})")

if __name__ == "__main__":
    main()
