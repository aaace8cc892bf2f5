/* frontend_bench: times recast's front end (scripts/bench.sh frontend).
 *   frontend_bench --turns < turns.txt   fe_plan_turn over every line (one turn a line):
 *                                        prints the first pass and the best of 5, in ms
 *   frontend_bench --first TEXT          a fresh process reading TEXT: prints the ms from
 *                                        main() to its plan (the word table's first use)
 * Wall and CPU time are both printed: on a shared machine the CPU time is the cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "speech/frontend.h"

static double clock_ms(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }
static double cpu_ms(void) { return clock_ms(CLOCK_PROCESS_CPUTIME_ID); } /* the machine is shared */

int main(int argc, char **argv)
{
    double start = now_ms(), start_cpu = cpu_ms();
    struct lexicon lex = {0};
    if (argc == 3 && strcmp(argv[1], "--first") == 0) {
        struct fe_plan plan;
        fe_plan_turn(argv[2], &lex, &plan);
        double ms = now_ms() - start, cpu = cpu_ms() - start_cpu;
        int syl = 0;
        for (int i = 0; i < plan.n_segments; i++) syl += plan.segments[i].reading.n_syllables;
        printf("first plan in a fresh process, from main(): %.3f ms wall, %.3f ms CPU (%d syllables)\n", ms, cpu, syl);
        fe_plan_free(&plan);
        return 0;
    }
    if (argc != 2 || strcmp(argv[1], "--turns") != 0) {
        fprintf(stderr, "usage: frontend_bench --turns < turns.txt | --first TEXT\n");
        return 64;
    }
    char **turns = NULL, *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n') line[len - 1] = '\0';
        turns = realloc(turns, sizeof *turns * (n + 1));
        turns[n++] = strdup(line);
    }
    free(line);
    double first = 0, best = 1e30, first_cpu = 0, best_cpu = 1e30;
    long syl = 0;
    for (int pass = 0; pass < 5; pass++) {
        double t0 = now_ms(), c0 = cpu_ms();
        for (size_t i = 0; i < n; i++) {
            struct fe_plan plan;
            fe_plan_turn(turns[i], &lex, &plan);
            if (pass == 0)
                for (int s = 0; s < plan.n_segments; s++) syl += plan.segments[s].reading.n_syllables;
            fe_plan_free(&plan);
        }
        double ms = now_ms() - t0, cpu = cpu_ms() - c0;
        if (pass == 0) first = ms, first_cpu = cpu;
        if (ms < best) best = ms;
        if (cpu < best_cpu) best_cpu = cpu;
    }
    printf("front end on %zu turns (%ld syllables): first pass %.1f ms wall, %.1f ms CPU; best of 5 %.1f ms wall, "
           "%.1f ms CPU\n",
           n, syl, first, first_cpu, best, best_cpu);
    for (size_t i = 0; i < n; i++) free(turns[i]);
    free(turns);
    return 0;
}
