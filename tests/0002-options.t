#!/bin/sh
# Shared options, config file, environment, folders.
. "$(dirname "$0")/lib.sh"
plan 20
rec='{"id_no":"341122199003070017","name":"示例一"}'

mkdir -p "$JM_HOME"
printf '# jm config\nendpoint = sandbox:%s\ntimeout = 10\n' "$T/conf.db" >"$JM_HOME/config"
echo "$rec" | jm-register >/dev/null 2>&1
check "the config's endpoint is used" test -f "$T/conf.db"
echo "$rec" | JM_ENDPOINT="sandbox:$T/env.db" jm-register -v >/dev/null 2>"$T/err"
check "the environment overrides the config" test -f "$T/env.db"
check "-v says the environment overrides the config" grep -q 'JM_ENDPOINT=sandbox:.*overrides' "$T/err"
echo "$rec" | JM_ENDPOINT="sandbox:$T/env.db" jm-register --endpoint "sandbox:$T/opt.db" >/dev/null 2>&1
check "the option overrides the environment" test -f "$T/opt.db"
rm "$JM_HOME/config"

check_exit "a malformed JM_TIMEOUT stops the program" 2 env JM_TIMEOUT=soon jm-register /dev/null
printf 'timeout = -3\n' >"$JM_HOME/config"
check_exit "a malformed config value stops the program" 2 jm-register /dev/null
rm "$JM_HOME/config"
check_exit "--endpoint must be sandbox: or http(s)" 64 jm-register --endpoint ftp://x /dev/null
check_exit "--timeout 0 is refused" 64 jm-register --timeout 0 /dev/null
check_exit "--jobs 100 is refused" 64 jm-register --jobs 100 /dev/null
check_exit "--csv-sep must be one character" 64 jm-register --csv-sep ab /dev/null

echo "$rec" | jm-register --output "$T/o.jsonl" >"$T/stdout" 2>/dev/null
check_eq "--output writes there, not to stdout" "1 0" "$(wc -l <"$T/o.jsonl" | tr -d ' ') $(wc -c <"$T/stdout" | tr -d ' ')"
check_eq "--output files are private" 600 "$(stat -c %a "$T/o.jsonl")"
check_exit "--output cannot be an input" 64 jm-register -o "$T/o.jsonl" "$T/o.jsonl"
check_eq "... which is left as it was" 1 "$(wc -l <"$T/o.jsonl" | tr -d ' ')"

# XDG folders when JM_HOME is unset
(
	unset JM_HOME
	export HOME="$T/h"
	mkdir -p "$HOME"
	echo "$rec" | jm-register >/dev/null 2>&1
)
check "without JM_HOME the sandbox is in ~/.local/share/jm" test -f "$T/h/.local/share/jm/sandbox.db"
check_eq "XDG folders are private" 700 "$(stat -c %a "$T/h/.local/share/jm")"
(
	unset JM_HOME
	export HOME="$T/h" XDG_DATA_HOME="$T/xdg"
	echo "$rec" | jm-register >/dev/null 2>&1
)
check "XDG_DATA_HOME is honoured" test -f "$T/xdg/jm/sandbox.db"
check_exit "no JM_HOME and no HOME stops the program" 2 env -u JM_HOME -u HOME jm-register /dev/null

echo "$rec" | jm-register >/dev/null 2>&1
moved='{"id_no":"341122199003070017","name":"示例一","region":"341181"}'
check_eq "a record disagreeing with the registry is warned about" \
	"jm-register: warning: <stdin>:1: 3411**********0017: the registry has region 341122, the record says 341181" \
	"$(echo "$moved" | jm-register 2>&1 >/dev/null)"
check_eq "-q hides warnings" "" "$(echo "$moved" | jm-register -q 2>&1 >/dev/null)"
done_testing
