#!/bin/sh
# jm-quote: the household pipeline, a village roster's status, options,
# output formats, errors, warnings and the quote's own keys.
. "$(dirname "$0")/lib.sh"
plan 75
export JM_TODAY=2025-11-20
Q=$DATA/quote
payer=340202199003070016
parent=340202196001010032
cd "$T" || exit 2

# 芜湖 340202, coverage year 2026: 400 yuan, 低保 40 (芜湖 2025-10-27 notice)
jm-register "$Q/household.jsonl" 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote >hh.out 2>hh.err
rc=$?
check_eq "the pipeline quotes everyone, exit 0" "0 5" "$rc $(grep -c '"quote":' hh.out)"
check_eq "amounts due: 400, 400, 低保 40, 400, newborn 400" \
	"40000 40000 4000 40000 40000" "$(jq -r .quote.due_fen hh.out | tr '\n' ' ' | sed 's/ $//')"
check_eq "the aid group is quoted special, the others daily" \
	"daily daily special daily daily" "$(jq -r .quote.kind hh.out | tr '\n' ' ' | sed 's/ $//')"
check_eq "coverage year 2026 by default in November 2025" 2026 "$(jq -r .quote.year hh.out | sort -u)"
check_eq "芜湖's 2026 window" "2025-10-20..2025-12-31 true" \
	"$(jq -r '.quote | "\(.window.from)..\(.window.to) \(.in_window)"' hh.out | sort -u)"
check_eq "the 低保 quote: standard less aid" "40000 36000 0 4000 unpaid" \
	"$(sed -n 3p hh.out | jq -r '.quote | "\(.standard_fen) \(.aid_fen) \(.paid_fen) \(.due_fen) \(.status)"')"
check_eq "nothing on stderr for a clean household" "" "$(cat hh.err)"
check_eq "quote keys, in order" \
	'["quote_id","insured_id","year","item","kind","standard_fen","aid_fen","paid_fen","due_fen","window","in_window","waiting_months","coverage","expires_at","status"]' \
	"$(head -n 1 hh.out | jq -c '.quote | keys_unsorted')"
check_eq "the record keeps its keys, quote last" \
	'["id_no","name","relation","phone","registration","binding","quote"]' \
	"$(head -n 1 hh.out | jq -c keys_unsorted)"
check_eq "money keys are integers" 0 \
	"$(grep -o '"[a-z]*_fen":[^,}]*' hh.out | grep -cv '"[a-z]*_fen":[0-9][0-9]*$')"
check_eq "jq agrees: every *_fen is a whole number" true \
	"$(jq -s '[.[].quote | to_entries[] | select(.key | endswith("_fen")) | .value | type == "number" and . == floor] | all' hh.out)"

# a person by id_no alone, a newborn by registration.insured_id alone
check_eq "quoting by id_no without a registration key" 4000 \
	"$(echo "{\"id_no\":\"$parent\"}" | jm-quote 2>/dev/null | jq -r .quote.due_fen)"
ins=$(sed -n 5p hh.out | jq -r .registration.insured_id)
check_eq "quoting by registration.insured_id without id_no" "40000 2026-01-01" \
	"$(echo "{\"registration\":{\"insured_id\":\"$ins\"}}" | jm-quote 2>/dev/null | jq -r '.quote | "\(.due_fen) \(.coverage.from)"')"

# The registry reads a person's row by the number their insured_id ends
# in; a row numbered otherwise is found by the index, never another's:
# the first person's row renumbered 1001, the second's given its number.
a=$(sed -n 1p hh.out | jq -r .registration.insured_id)
b=$(sed -n 2p hh.out | jq -r .registration.insured_id)
sqlite3 "$PLATFORM_DB" "UPDATE person SET rowid = 1001 WHERE insured_id = '$a';
	UPDATE person SET rowid = CAST(substr('$a', 7) AS INTEGER) WHERE insured_id = '$b'"
check_eq "the row numbered as the insured_id is someone else's: not taken" "$a" \
	"$(echo "{\"registration\":{\"insured_id\":\"$a\"}}" | jm-quote 2>/dev/null | jq -r .quote.insured_id)"
check_eq "a row numbered otherwise is found by the index" "$b" \
	"$(echo "{\"registration\":{\"insured_id\":\"$b\"}}" | jm-quote 2>/dev/null | jq -r .quote.insured_id)"
check_eq "an insured_id that is no one's: NOT_REGISTERED" NOT_REGISTERED \
	"$(echo '{"registration":{"insured_id":"34020299999999"}}' | jm-quote 2>/dev/null | jq -r .error.code)"
stranger=$(mkid 340202 19800101 009)
echo "{\"id_no\":\"$stranger\",\"name\":\"示例十\"}" >stranger.jsonl
check_exit "a person not registered: exit 1" 1 jm-quote stranger.jsonl
check_eq "NOT_REGISTERED" NOT_REGISTERED "$(jq -r .error.code "$T/exit.out")"
check "one line on stderr with file, line and the masked ID" \
	grep -qx 'jm-quote: stranger.jsonl:1: 3402\*\*\*\*\*\*\*\*\*\*0090: not registered on the platform: run jm-register first' "$T/exit.err"
check_eq "neither id_no nor insured_id: MISSING_FIELD" MISSING_FIELD \
	"$(echo '{"name":"示例十"}' | jm-quote 2>/dev/null | jq -r .error.code)"
check_eq "an ID number as a JSON number: ID_NOT_STRING" ID_NOT_STRING \
	"$(echo '{"id_no":340202199003070016}' | jm-quote 2>/dev/null | jq -r .error.code)"
check_eq "a mistyped ID number is named as one, not as unregistered" ID_CHECKSUM \
	"$(echo '{"id_no":"340202199003070017"}' | jm-quote 2>/dev/null | jq -r .error.code)"
check_eq "a lower-case x is the same person" 40000 \
	"$(echo '{"id_no":"34112219650818004x","name":"示例四"}' | jm-register 2>/dev/null | jq -c '{id_no: "34112219650818004x"}' | jm-quote -q | jq -r .quote.due_fen)"

# options
check_eq "--year 2025 quotes the year being closed" "2025 2024-09-09 false" \
	"$(echo "{\"id_no\":\"$payer\"}" | jm-quote -q --year 2025 | jq -r '.quote | "\(.year) \(.window.from) \(.in_window)"')"
check_eq "a past coverage year is YEAR_CLOSED" YEAR_CLOSED \
	"$(echo "{\"id_no\":\"$payer\"}" | jm-quote --year 2024 2>/dev/null | jq -r .error.code)"
check_exit "--year abc is a usage error" 64 jm-quote --year abc /dev/null
check "the usage error says why" grep -q "^jm-quote: --year: 'abc' is not a year" "$T/exit.err"
check_exit "--year 1999 is a usage error" 64 jm-quote --year 1999 /dev/null
check_exit "--item medical" 0 jm-quote --item medical /dev/null
check_exit "--grade without the pension is a usage error" 64 jm-quote --grade 300 /dev/null
check "the refusal says --grade is the pension's" grep -q -- "--grade is the pension's" "$T/exit.err"
check_exit "--item other is refused" 64 jm-quote --item dental /dev/null
check_exit "--kind monthly is refused" 64 jm-quote --kind monthly /dev/null
echo "{\"id_no\":\"$parent\"}" >parent.jsonl
jm-quote --kind daily parent.jsonl >daily.out 2>daily.err
check_eq "--kind daily: an aid recipient pays the full standard" "daily 40000 0" \
	"$(jq -r '.quote | "\(.kind) \(.due_fen) \(.aid_fen)"' daily.out)"
check "a warning says to use --kind special" grep -qx \
	'jm-quote: warning: parent.jsonl:1: 3402\*\*\*\*\*\*\*\*\*\*0032: in the aid group 低保 (minimum-living), but quoted daily: a daily payment pays the full 400.00; use --kind special' daily.err
check_eq "-q hides the warning" "" "$(jm-quote -q --kind daily parent.jsonl 2>&1 >/dev/null)"
check_exit "a warning alone does not change the exit status" 0 jm-quote --kind daily parent.jsonl
check_eq "--kind special for the aid recipient" "special 4000" \
	"$(jm-quote --kind special parent.jsonl | jq -r '.quote | "\(.kind) \(.due_fen)"')"
echo "{\"id_no\":\"$payer\"}" >payer.jsonl
check_exit "--kind special for a person in no aid group: exit 1" 1 jm-quote --kind special payer.jsonl
check_eq "NOT_AID" NOT_AID "$(jq -r .error.code "$T/exit.out")"

# the default year flips on 1 September
check_eq "on 31 August the default is the current year" 2025 \
	"$(JM_TODAY=2025-08-31 jm-quote -q payer.jsonl | jq -r .quote.year)"
check_eq "on 1 September it is the next year" 2026 \
	"$(JM_TODAY=2025-09-01 jm-quote -q payer.jsonl | jq -r .quote.year)"

# a village roster: paid elsewhere, partly paid, subsidised, unknown
jm-register "$Q/roster-people.jsonl" >/dev/null 2>&1
jm-sandbox -q --load "$Q/roster-paid.jsonl"
cp "$Q/roster.jsonl" roster.jsonl
jm-quote --unpaid roster.jsonl >unpaid.out 2>unpaid.err
check_eq "--unpaid exits 1 when some are not quoted" 1 "$?"
check_eq "--unpaid passes who owes and the errors" \
	"示例一 unpaid,示例二 unpaid,示例三 unpaid,示例九 partly-paid,示例十 NOT_REGISTERED,示例十一 MISSING_FIELD" \
	"$(jq -r '"\(.name) \(.quote.status // .error.code)"' unpaid.out | paste -sd, -)"
# the same clock for both, to the second: quotes expire a day later
now=2025-11-20T10:00:00+08:00
JM_NOW=$now jm-quote roster.jsonl >all.out 2>/dev/null
JM_NOW=$now jm-quote --summary roster.jsonl >sum.out 2>sum.err
check_eq "--summary exits 1 when some are not quoted" 1 "$?"
check_same "--summary leaves stdout to the records" all.out sum.out
cat >want.err <<'EOF'
jm-quote: roster.jsonl:7: 3402**********0090: not registered on the platform: run jm-register first
jm-quote: roster.jsonl:8: the record has neither id_no nor registration.insured_id
jm-quote: 8 people, coverage year 2026 (medical)
  collection window 2025-10-20 to 2025-12-31: 41 days left (platform date 2025-11-20)
  TOWN   VILLAGE  PEOPLE  PAID  PARTLY  UNPAID  SUBSIDISED  NOT REG.  ERRORS  OUTSTANDING  PAID %
  -      示例村        8     1       1       3           1         1       1      1140.00    25.0
  total                8     1       1       3           1         1       1      1140.00    25.0
  to pay: 4 people, 1140.00 yuan (daily 日常 3, 1100.00; special 特殊 1, 40.00)
  not quoted:
    roster.jsonl:7  3402**********0090  NOT_REGISTERED  not registered on the platform: run jm-register first
    roster.jsonl:8  MISSING_FIELD  the record has neither id_no nor registration.insured_id
EOF
check_same "the summary on stderr: the window, counts by village, amounts, failures" want.err sum.err
check_eq "--summary with --unpaid still counts everyone" "8 people" \
	"$(jm-quote --summary --unpaid roster.jsonl 2>&1 >/dev/null | sed -n 's/^jm-quote: \(8 people\).*/\1/p')"
jm-quote --summary roster.jsonl >/dev/null 2>sum.err
check_eq "-q keeps errors and the summary" "$(cat sum.err)" \
	"$(jm-quote -q --summary roster.jsonl 2>&1 >/dev/null)"
jm-quote --format text roster.jsonl >text.out 2>/dev/null
cat >want.text <<'EOF'
LINE   ID NUMBER           NAME        YEAR  KIND     DUE       STATUS       NOTE
1      3402**********0016  示例一      2026  daily    400.00    unpaid
2      3402**********0022  示例二      2026  daily    400.00    unpaid
3      3402**********0032  示例三      2026  special  40.00     unpaid
4      3402**********0052  示例七      2026  special  0.00      subsidised
5      3402**********0061  示例八      2026  daily    0.00      paid
6      3402**********0076  示例九      2026  daily    300.00    partly-paid
7      3402**********0090  示例十                               error        not registered on the platform: run jm-register first
8                          示例十一                             error        the record has neither id_no nor registration.insured_id
EOF
check_same "--format text: an aligned table, masked IDs, yuan" want.text text.out
check_eq "--format text --unpaid lists who owes" "示例一 示例二 示例三 示例九 示例十 示例十一" \
	"$(jm-quote --format text --unpaid roster.jsonl 2>/dev/null | sed 1d | grep -o '示例[^ ]*' | paste -sd' ' -)"

printf '%s\n' '{"id_no":"340202199201010022","name":"示例\u001b[2J二","error":{"tool":"jm-pay","code":"DECLINED","message":"no\u001b]0;x\u0007\u009b thanks"}}' >esc.jsonl
jm-quote --format text --summary esc.jsonl >esc.out 2>esc.err
check_eq "no control character from a record reaches the terminal" 0 \
	"$(cat esc.out esc.err | tr -d '\n' | LC_ALL=C grep -c "$(printf '[\001-\037\177]\\|\302[\200-\237]')")"
check "the table shows them as ?" grep -q '示例?\[2J二 .*error  *no?\]0;x?? thanks$' esc.out

# errors of other programs pass untouched; jm-quote's own are tried again
other='{"id_no":"340202199201010022","name":"示例二","error":{"tool":"jm-bind","code":"NOT_BOUND","message":"x","line":2}}'
echo "$other" >other.jsonl
check_exit "another program's error: exit 0" 0 jm-quote other.jsonl
check_eq "another program's error passes untouched" "$other" "$(cat "$T/exit.out")"
check_eq "and says nothing on stderr" "" "$(cat "$T/exit.err")"
jm-quote stranger.jsonl >stale.jsonl 2>/dev/null
jm-register stranger.jsonl >/dev/null 2>&1
jm-quote stale.jsonl >requote.out 2>requote.err
check_eq "jm-quote's own earlier error is dropped and quoted again" "40000 null" \
	"$(jq -r '"\(.quote.due_fen) \(.error)"' requote.out)"
check_eq "the record keeps its keys in order" '["id_no","name","quote"]' "$(jq -c keys_unsorted requote.out)"
check_eq "a record quoted again keeps its keys in order" '["id_no","quote","note"]' \
	"$(jq -c '{id_no, quote, note: "x"}' requote.out | jm-quote | jq -c keys_unsorted)"
jq -c --arg id "$(mkid 340202 19810101 019)" '.id_no = $id' requote.out >gone.jsonl
jm-quote gone.jsonl >gone.out 2>/dev/null
check_eq "a failed re-quote drops the stale quote" "NOT_REGISTERED false" \
	"$(jq -r '"\(.error.code) \(has("quote"))"' gone.out)"

# quote_id and expires_at
export JM_NOW=2025-11-20T10:00:00+08:00
id1=$(jm-quote -q payer.jsonl | jq -r .quote.quote_id)
id2=$(jm-quote -q payer.jsonl | jq -r .quote.quote_id)
check_eq "quote_id is stable for the same inputs" "$id1" "$id2"
check "quote_id looks like one" test "$(echo "$id1" | grep -c '^Q[0-9a-f]\{16\}$')" = 1
echo "{\"fixture\":\"paid\",\"id_no\":\"$payer\",\"year\":2026,\"item\":\"medical\",\"channel\":\"wechat\",\"amount_fen\":100}" |
	jm-sandbox -q --load -
id3=$(jm-quote -q payer.jsonl | jq -r .quote.quote_id)
check "quote_id changes when due changes" test "$id1" != "$id3"
check_eq "expires_at a day ahead" 2025-11-21T10:00:00+08:00 \
	"$(jm-quote -q payer.jsonl | jq -r .quote.expires_at)"
check_eq "expires_at never past the window's last day" 2025-12-31T23:59:59+08:00 \
	"$(JM_NOW=2025-12-31T20:00:00+08:00 jm-quote -q payer.jsonl | jq -r .quote.expires_at)"
check_eq "late, a quote holds for a day" 2026-01-02T09:00:00+08:00 \
	"$(JM_NOW=2026-01-01T09:00:00+08:00 jm-quote -q --year 2026 payer.jsonl | jq -r .quote.expires_at)"
check_eq "nor past the coverage year's end" 2026-12-31T23:59:59+08:00 \
	"$(JM_NOW=2026-12-31T12:00:00+08:00 jm-quote -q --year 2026 payer.jsonl | jq -r .quote.expires_at)"
unset JM_NOW

# no full ID number on stderr, ever
cat hh.err unpaid.err sum.err daily.err requote.err >allerr
jm-quote --summary --format text "$Q/household.jsonl" roster.jsonl stranger.jsonl >/dev/null 2>>allerr
check_eq "no full ID number on stderr" 0 "$(grep -c '[0-9]\{17\}[0-9X]' allerr)"
check "stderr does name people, masked" grep -q '3402\*\*\*\*\*\*\*\*\*\*0090' allerr
check_exit "an empty input: exit 0" 0 jm-quote /dev/null
check_eq "and prints nothing" "" "$(cat "$T/exit.out" "$T/exit.err")"
check_exit "--summary of nothing" 0 jm-quote --summary /dev/null
check "says there was nobody" grep -qx 'jm-quote: 0 people' "$T/exit.err"
check_exit "a missing input file stops with 2" 2 jm-quote nosuch.jsonl
check_eq "a BAD_JSON line becomes an error and the rest goes on" "BAD_JSON 4000" \
	"$( (echo 'not json'; cat parent.jsonl) | jm-quote 2>/dev/null | jq -r '.error.code // .quote.due_fen' | paste -sd' ' -)"
done_testing
