/* summary.c: see summary.h. */
#include "render/summary.h"

#include <stdio.h>
#include <string.h>

#include "publish/timeline.h"
#include "render/passes.h"
#include "render/mux.h"

void summary_print(const struct render *r, const struct output_set *set)
{
    const struct output_file *podcast = output_set_podcast(set);
    int n_turns = 0, n_parts = 0, n_narrator = 0;
    for (int i = 0; i < r->n_jobs; i++) {
        if (r->jobs[i].kind == JOB_TURN) n_parts++, n_turns += r->jobs[i].part == 0;
        else if (r->jobs[i].kind != JOB_CALIBRATE) n_narrator++;
    }
    char parts[48] = "", narr[48] = "";
    if (n_parts != n_turns) snprintf(parts, sizeof parts, " in %d pieces", n_parts);
    if (n_narrator) snprintf(narr, sizeof narr, " + %d narrator lines", n_narrator);
    long long packets = r->section_start_packet[podcast->sec_last] - r->section_start_packet[podcast->sec_first];
    double seconds = tl_seconds(packets * ENCODE_FRAME48);
    if (r->o->n_sections) {
        int heard = 0;
        for (int i = 0; i < r->n_jobs; i++) heard += pass_job_heard(r, i);
        char sized[64] = "";
        if (r->n_sized) snprintf(sized, sizeof sized, " (%d before it analysed for the pre-roll)", r->n_sized);
        fprintf(stderr, "recast: section%s %d%s of %d: %d of %d pieces (%d rendered, %d from cache); the other %d "
                        "not synthesized%s; %.1f min of audio in %.1f s\n",
                podcast->sec_last - podcast->sec_first > 1 ? "s" : "", podcast->sec_first,
                podcast->sec_last - podcast->sec_first > 1 ? "..." : "", r->doc.n_sections, heard, n_parts + n_narrator,
                r->n_rendered, heard - r->n_rendered, n_parts + n_narrator - heard, sized, seconds / 60,
                render_elapsed_seconds(r));
    } else {
        fprintf(stderr, "recast: %d turns%s%s (%d rendered, %d from cache), %.1f min of audio in %.1f s\n", n_turns,
                parts, narr, r->n_rendered, n_parts + n_narrator - r->n_rendered, seconds / 60,
                render_elapsed_seconds(r));
    }
    fprintf(stderr, "recast: loudness as synthesized %.1f LUFS, sample peak %+.1f dBFS; after each turn's gain to the target "
                    "(%+.1f to %+.1f dB) and "
                    "true-peak limiter (ceiling %.1f dBTP) %.1f LUFS, sample peak %+.1f dBFS; output gain %+.2f dB "
                    "(from the voices: %.1f LUFS predicted) -> %.1f LUFS\n",
            r->before_lufs, r->before_tp, r->gain_min_db, r->gain_max_db, r->enc.ceiling_dbtp, r->encoded_lufs, r->encoded_tp,
            r->header_gain_db, r->voices_lufs, r->encoded_lufs + r->header_gain_db);
    char also[64] = "";
    for (int k = 1; k < r->n_formats; k++)
        snprintf(also + strlen(also), sizeof also - strlen(also), " .%s", mux_format_extension(r->formats[k]));
    fprintf(stderr, "recast: wrote %s (and%s .vtt .srt .chapters.json .transcript.json .manifest.json%s%s)\n",
            podcast->opus_path, also, r->o->html ? " .html" : "", r->o->feed_url ? " .rss.xml" : "");
    int listed = 0;
    for (int i = 0; i < set->n_files; i++) {
        if (!set->files[i].is_clip) continue;
        if (!listed++) fprintf(stderr, "recast: clips:\n");
        fprintf(stderr, "  %s  %s\n", set->files[i].opus_path, set->files[i].title);
    }
}
