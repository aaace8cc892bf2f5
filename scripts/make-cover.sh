#!/bin/sh
# Makes the cover of the bundled interview, transcripts/dwarkesh-hassabis-2024.zh.cover.png
# (1400 x 1400, the smallest square most podcast directories accept), with ffmpeg's drawtext
# and Debian's fonts-noto-cjk (SIL Open Font Licence 1.1).  The picture is recast's own
# (same licence as recast); re-run this script to regenerate it byte for byte with the same
# ffmpeg and fonts.
#   usage: scripts/make-cover.sh [OUT.png]
set -eu
out=${1:-$(dirname "$0")/../transcripts/dwarkesh-hassabis-2024.zh.cover.png}
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
[ -f "$font" ] || { echo "make-cover: $font missing (apt-get install fonts-noto-cjk)" >&2; exit 1; }
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=0x16324f:s=1400x1400:d=1" -frames:v 1 \
    -vf "drawbox=x=0:y=980:w=1400:h=420:color=0xffe9a3:t=fill,\
drawtext=fontfile=$font:text='Demis Hassabis':fontcolor=white:fontsize=120:x=(w-text_w)/2:y=330,\
drawtext=fontfile=$font:text='对话 Dwarkesh Patel':fontcolor=0xcfe0f5:fontsize=86:x=(w-text_w)/2:y=520,\
drawtext=fontfile=$font:text='Gemini · Scaling · AGI':fontcolor=0xcfe0f5:fontsize=64:x=(w-text_w)/2:y=690,\
drawtext=fontfile=$font:text='recast':fontcolor=0x16324f:fontsize=150:x=(w-text_w)/2:y=1100" \
    -fflags +bitexact -flags +bitexact -pix_fmt rgb24 "$out"
echo "make-cover: wrote $out"
