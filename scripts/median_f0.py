#!/usr/bin/env python3
"""median_f0.py WAV...: prints the median fundamental frequency (Hz) of the voiced frames of
each 16-bit mono WAV file, one "FILE HZ" line each.  Independent of recast: a plain
normalised-autocorrelation pitch tracker (40 ms frames at half the file's rate, 60-400 Hz,
voiced when the autocorrelation peak exceeds 0.6 and the frame is within 30 dB of the loudest)."""
import math, sys, wave, struct

def median_f0(path):
    with wave.open(path) as w:
        rate, n = w.getframerate(), w.getnframes()
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path + ": need 16-bit mono"
        pcm = struct.unpack("<%dh" % n, w.readframes(n))
    x = [(pcm[i] + pcm[i + 1]) / 2.0 for i in range(0, len(pcm) - 1, 2)]  # half rate
    rate /= 2.0
    size, step = int(0.04 * rate), int(0.02 * rate)
    lo, hi = int(rate / 400), int(rate / 60)
    frames = []
    for s in range(0, len(x) - size - hi, step):
        f = x[s:s + size]
        e = sum(v * v for v in f)
        frames.append((e, s))
    if not frames:
        return 0.0
    loud = max(e for e, _ in frames)
    f0s = []
    for e, s in frames:
        if e <= 0 or e < loud * 1e-3:
            continue
        f = x[s:s + size]
        best, best_lag = 0.0, 0
        for lag in range(lo, hi + 1):
            g = x[s + lag:s + lag + size]
            num = sum(a * b for a, b in zip(f, g))
            den = math.sqrt(e * sum(b * b for b in g)) or 1.0
            r = num / den
            if r > best:
                best, best_lag = r, lag
        if best > 0.6 and best_lag:
            f0s.append(rate / best_lag)
    if not f0s:
        return 0.0
    f0s.sort()
    return f0s[len(f0s) // 2]

for p in sys.argv[1:]:
    print("%s %.1f" % (p, median_f0(p)))
