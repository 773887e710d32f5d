#!/bin/sh
# The record stream: bad lines, bounds, CRLF, BOM, no final newline, keys kept.
. "$(dirname "$0")/lib.sh"
plan 27

good='{"id_no":"341122199003070017","name":"示例一","zz":1,"a":{"b":[1,2]}}'
printf '%s\n' "$good" >"$T/one.jsonl"

jm-register "$T/one.jsonl" >"$T/out" 2>"$T/err"
check_eq "unknown keys pass through in order" \
	'["id_no","name","zz","a","registration"]' "$(jq -c keys_unsorted "$T/out")"
check_eq "output is compact JSON" 1 "$(grep -c '^{"id_no":"341122199003070017","name":"示例一","zz":1,"a":{"b":\[1,2\]},' "$T/out")"
check_eq "nothing on stderr for a good record" "" "$(cat "$T/err")"

# code LINE...: the error code jm-register gives a one-line input
code() {
	printf '%s\n' "$1" >"$T/in"
	jm-register "$T/in" 2>/dev/null | jq -r '.error.code // "none"'
}
check_eq "not JSON" BAD_JSON "$(code 'hello')"
check_eq "single quotes are not JSON" BAD_JSON "$(code "{'a':1}")"
check_eq "NaN is not JSON" BAD_JSON "$(code '{"a":NaN}')"
check_eq "trailing comma" BAD_JSON "$(code '{"a":1,}')"
check_eq "trailing garbage" BAD_JSON "$(code '{"a":1} x')"
check_eq "an array is not a record" NOT_OBJECT "$(code '[1,2]')"
check_eq "a string is not a record" NOT_OBJECT "$(code '"x"')"
check_eq "duplicate keys are detected" DUPLICATE_KEY "$(code '{"id_no":"1","id_no":"2"}')"
check_eq "duplicate keys in a nested object" DUPLICATE_KEY "$(code '{"a":{"b":1,"b":{"c":2}}}')"
check_eq "same key in two objects is fine" MISSING_FIELD "$(code '{"a":{"b":1},"c":{"b":2}}')"
printf '{"name":"\377"}\n' >"$T/in"
check_eq "invalid UTF-8" BAD_UTF8 "$(jm-register "$T/in" 2>/dev/null | jq -r .error.code)"
printf '{"name":"a\000b"}\n' >"$T/in"
check_eq "a NUL byte" BAD_JSON "$(jm-register "$T/in" 2>/dev/null | jq -r .error.code)"
deep=$(awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]" }')
check_eq "nesting 100000 deep" TOO_DEEP "$(code "$deep" | head -n 1)"
deep='{"a":'$(awk 'BEGIN { for (i = 0; i < 70; i++) printf "{\"a\":"; printf "1"; for (i = 0; i < 71; i++) printf "}" }')
check_eq "objects nested past the limit" TOO_DEEP "$(code "$deep")"

# a 20 MiB line between two good ones
{ echo "$good"; head -c 20971520 /dev/zero | tr '\0' 'x'; echo; echo "$good"; } >"$T/big"
jm-register "$T/big" >"$T/out" 2>"$T/err"
check_eq "a 20 MiB line is LINE_TOO_LONG, the others go on" \
	"341122199003070017 LINE_TOO_LONG 341122199003070017" \
	"$(jq -r '.id_no // .error.code' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
check_eq "the long line's input is cut short" 1024 "$(jq -r 'select(.error) | .error.input | length' "$T/out")"
check_eq "its line number is kept" 2 "$(jq -r 'select(.error) | .error.line' "$T/out")"

printf '\357\273\277%s\r\n\r\n\n%s' "$good" "$good" >"$T/crlf"
jm-register "$T/crlf" >"$T/out" 2>"$T/err"
check_eq "BOM skipped, CRLF accepted, empty lines skipped, no final newline" \
	"2 0" "$(jq -s 'length' "$T/out") $(jq -s '[.[] | select(.error)] | length' "$T/out")"
check_eq "the last line keeps its number" 4 "$(printf '%s\n\n\n%s' "$good" '[1]' | jm-register 2>/dev/null | jq -r 'select(.error) | .error.line')"

: >"$T/empty"
check_exit "an empty file is no error" 0 jm-register "$T/empty"
printf 'x\n' >"$T/bad"
check_exit "a bad line exits 1" 1 jm-register "$T/bad"
check_exit "a missing input file exits 2" 2 jm-register "$T/nonexistent"

printf '%s\nnope\n' "$good" | jm-register 2>"$T/err" >/dev/null
check_eq "stdin errors are located as <stdin>:LINE" "jm-register: <stdin>:2: column 1: a bare word is not JSON (strings need double quotes)" "$(cat "$T/err")"

# records stream through a pipe: the first comes out before the input ends
( echo "$good"; sleep 2; echo "$good" ) | jm-register 2>/dev/null >"$T/pipe" &
sleep 1.2
check_eq "a pipeline streams record by record" 1 "$(wc -l <"$T/pipe" | tr -d ' ')"
wait
done_testing
