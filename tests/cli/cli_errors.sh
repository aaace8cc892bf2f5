# Exit codes and messages of the command line for bad usage and bad input.
. tests/lib.sh
export RECAST_VOICES=voices
SEED=transcripts/dwarkesh-hassabis-2024.zh.txt

expect_exit "cli: no arguments is a usage error (64)" 64 "$RECAST"
expect_exit "cli: unknown command (64)" 64 "$RECAST" frobnicate
expect_contains "cli: unknown command names it" "$TMP/err" "unknown command 'frobnicate'"
expect_exit "cli: --help (0)" 0 "$RECAST" --help
expect_contains "cli: --help lists commands" "$TMP/out" "parse"
expect_contains "cli: --help lists exit codes" "$TMP/out" "65 bad input data"
expect_exit "cli: --version (0)" 0 "$RECAST" --version
expect_contains "cli: --version prints the version" "$TMP/out" "recast $(cat VERSION)"
expect_exit "cli: help parse (0)" 0 "$RECAST" help parse
expect_contains "cli: help parse shows usage" "$TMP/out" "Usage: recast parse"
expect_exit "cli: parse --help (0)" 0 "$RECAST" parse --help
expect_exit "cli: help of an unknown command (64)" 64 "$RECAST" help nope
expect_exit "cli: parse without FILE (64)" 64 "$RECAST" parse
expect_exit "cli: unknown option (64)" 64 "$RECAST" parse --bogus "$SEED"
expect_contains "cli: unknown option is named" "$TMP/err" "--bogus"
expect_exit "cli: missing file (66)" 66 "$RECAST" parse "$TMP/nope.txt"
expect_contains "cli: missing file is named" "$TMP/err" "$TMP/nope.txt"
expect_exit "cli: a directory (66)" 66 "$RECAST" parse "$TMP"
: >"$TMP/empty.txt"
expect_exit "cli: empty file (65)" 65 "$RECAST" parse "$TMP/empty.txt"
expect_contains "cli: empty file says so" "$TMP/err" "empty.txt: the file is empty"
printf 'Dwarkesh好\n\nDemis\377\376\n' >"$TMP/bad.txt"
expect_exit "cli: invalid UTF-8 (65)" 65 "$RECAST" parse "$TMP/bad.txt"
expect_contains "cli: invalid UTF-8 names file:line:column" "$TMP/err" "bad.txt:3:6: invalid UTF-8"
printf 'Dwarkesh好\000\n' >"$TMP/nul.txt"
expect_exit "cli: NUL byte (65)" 65 "$RECAST" parse "$TMP/nul.txt"
expect_contains "cli: NUL byte names file:line:column" "$TMP/err" "nul.txt:1:10: NUL byte"
printf '一篇文章。\n\n没有对话。\n' >"$TMP/prose.txt"
expect_exit "cli: no speaker turns (65)" 65 "$RECAST" parse "$TMP/prose.txt"
expect_contains "cli: no speaker turns explains" "$TMP/err" "no speaker turns"
expect_exit "cli: missing voices directory (66)" 66 "$RECAST" parse --voices "$TMP/novoices" "$SEED"
mkdir "$TMP/v"; printf 'name = X\nrole = host\naliases = X\nmandarin = cmn\nenglish = en\nvariant = m1\nrate = 9999\npitch = 50\nrange = 50\n' >"$TMP/v/x.voice"
expect_exit "cli: out-of-range voice value (65)" 65 "$RECAST" parse --voices "$TMP/v" "$SEED"
expect_contains "cli: voice error names file:line and range" "$TMP/err" "x.voice:7: rate must be an integer in the range 80 to 450"
expect_exit "cli: list runs (0)" 0 "$RECAST" list "$SEED"
expect_contains "cli: list shows the totals" "$TMP/out" "10 sections, 93 turns"
expect_exit "cli: parse to a full disk is an I/O error (74)" 74 sh -c "'$RECAST' parse '$SEED' >/dev/full"
expect_exit "cli: a binary file (65)" 65 "$RECAST" parse "$RECAST"
expect_contains "cli: a binary file is named with line:column" "$TMP/err" "NUL byte in input"
printf 'Alice: 你好。\n\nBob: 你好。\n' >"$TMP/unknown.txt"
expect_exit "cli: speakers without profiles are detected (0)" 0 "$RECAST" parse "$TMP/unknown.txt"
expect_contains "cli: speakers without profiles get automatic voices" "$TMP/out" '"cast": "automatic"'
printf '这是一段文字。\n\n没有任何说话人。\n\n注意：这里也没有。\n' >"$TMP/nolabels.txt"
expect_exit "cli: a page without speaker labels (65)" 65 "$RECAST" render "$TMP/nolabels.txt" -o "$TMP/u.opus"
expect_contains "cli: no labels: the known labels and the remedy are named" "$TMP/err" "add an alias to a profile in"
[ ! -e "$TMP/u.opus" ] && pass "cli: no output file for bad input" || fail "cli: no output file for bad input" "u.opus exists"
printf 'name = X\nrole = host\naliases = X\nmandarin = cmn-latn-pinyin\nenglish = en-us\nvariant = nosuch\nrate = 170\npitch = 50\nrange = 50\n' >"$TMP/v/x.voice"
printf 'X: 你好。\n' >"$TMP/x.txt"
expect_exit "cli: render with an unknown espeak variant (65)" 65 "$RECAST" render --voices "$TMP/v" "$TMP/x.txt" -o "$TMP/u.opus" --no-cache
expect_contains "cli: the unknown variant is named with its profile" "$TMP/err" "x.voice: unknown espeak-ng variant \"nosuch\""
printf 'Dwarkesh你好。\n\n../危险/.标题\n\nDemis谢谢。\n' >"$TMP/evil.txt"
mkdir -p "$TMP/evil"
"$RECAST" render "$TMP/evil.txt" -o "$TMP/evil/pod.opus" --clips "$TMP/evil/clips" --no-cache -q 2>/dev/null
n=$(find "$TMP" -name '*.opus' -newer "$TMP/evil.txt" | grep -vc "^$TMP/evil/")
[ "$n" = 0 ] && ls "$TMP/evil/clips" | grep -q '^01-危险.标题.opus$' && pass "cli: a section title with ../ and a leading dot becomes a safe clip name" || fail "cli: clip name sanitising" "$(ls "$TMP/evil/clips")"
