#!/bin/sh
# jm-quote --item pension and --item medical,pension: one record per person
# and item, the November sitting (medical for next year, pension for this
# one), the reports counting people per item, --unpaid, and a stream
# quoted again that stays the same size.
. "$(dirname "$0")/lib.sh"
plan 44
export JM_TODAY=2025-11-20
cd "$T" || exit 1

self=$(mkid 340403 19850307 011)
spouse=$(mkid 340403 19880101 022)
parent=$(mkid 340403 19620512 031)
child=$(mkid 340403 20120901 041)
sibling=$(mkid 340403 19790101 051)
cat >family.jsonl <<EOF2
{"id_no":"$self","name":"示例一","relation":"self","phone":"13800000000","grade_fen":50000}
{"id_no":"$spouse","name":"示例二","relation":"spouse","grade_fen":100000}
{"id_no":"$parent","name":"示例三","relation":"parent","aid":"extreme-poverty"}
{"id_no":"$child","name":"示例四","relation":"child","category":"pupil"}
{"id_no":"$sibling","name":"示例五","relation":"sibling","aid":"monitored"}
EOF2
jm-register family.jsonl 2>/dev/null | jm-bind >bound.jsonl 2>/dev/null

jm-quote --item medical,pension bound.jsonl >both.jsonl 2>both.err
check_eq "two items: exit 1 (two people cannot join the pension)" 1 "$?"
check_eq "one record per person and item, a person's two together" \
	"示例一 medical,示例一 pension,示例二 medical,示例二 pension,示例三 medical,示例三 pension,示例四 medical,示例四 pension,示例五 medical,示例五 pension" \
	"$(jq -r '"\(.name) \(.quote.item // .error.item)"' both.jsonl | paste -sd, -)"
check_eq "in November: medical for next year, the pension for this one" "2026 2025" \
	"$(sed -n 1,2p both.jsonl | jq -r .quote.year | paste -sd' ' -)"
check_same "each record keeps the person's keys as they were" \
	bound.jsonl "$(jq -c 'del(.quote, .error)' both.jsonl | awk 'NR % 2' >odd.jsonl; echo odd.jsonl)"
check_eq "each record's grade_fen" "50000 100000" \
	"$(jq -r 'select(.quote.item == "pension" and .quote.kind == "daily") | .quote.grade_fen' both.jsonl | paste -sd' ' -)"
check_eq "--grade, for every record" "30000 30000" \
	"$(jm-quote --item pension --grade 300 bound.jsonl 2>/dev/null | jq -r 'select(.quote.kind == "daily") | .quote.grade_fen' | paste -sd' ' -)"
check_eq "Huainan's own subsidy table, said so" "11500 city,21000 city" \
	"$(jq -r 'select(.quote.kind == "daily" and .quote.item == "pension") | "\(.quote.subsidy_fen) \(.quote.subsidy_table)"' both.jsonl | paste -sd, -)"
check_eq "the monitored sibling: special, the county pays the 100 grade" "special 10000 0 subsidised" \
	"$(sed -n 10p both.jsonl | jq -r '.quote | "\(.kind) \(.aid_fen) \(.due_fen) \(.status)"')"
check_eq "the parent (63) and the pupil: NOT_ELIGIBLE for the pension" "NOT_ELIGIBLE pension,NOT_ELIGIBLE pension" \
	"$(jq -r 'select(.error) | "\(.error.code) \(.error.item)"' both.jsonl | paste -sd, -)"
check_eq "... each one line on stderr, masked" 2 "$(grep -c '^jm-quote: bound.jsonl:[34]: 3404\*\{10\}[0-9X]\{4\}: the resident pension' both.err)"
check_eq "... and the medical quote is still there for them" "0 40000" \
	"$(jq -r 'select(.name == "示例三" or .name == "示例四") | select(.quote) | .quote.due_fen' both.jsonl | paste -sd' ' -)"
check_eq "the pension's quote keys" '["quote_id","insured_id","year","item","kind","grade_fen","standard_fen","aid_fen","paid_fen","due_fen","subsidy_fen","subsidy_table","window","in_window","waiting_months","coverage","expires_at","status","items"]' \
	"$(sed -n 2p both.jsonl | jq -c '.quote | keys_unsorted')"
check_eq "... the window and coverage are the calendar year" "2025-01-01 2025-12-31 2025-01-01 2025-12-31 0" \
	"$(sed -n 2p both.jsonl | jq -r '.quote | "\(.window.from) \(.window.to) \(.coverage.from) \(.coverage.to) \(.waiting_months)"')"

check_eq "each record says it is one of two items, errors too" '["medical","pension"] 10' \
	"$(jq -c '.quote.items // .error.items' both.jsonl | sort -u) $(jq -c '.quote.items // .error.items' both.jsonl | wc -l | tr -d ' ')"

# quoted again: the same records, never doubled
jm-quote --item medical,pension both.jsonl >again.jsonl 2>/dev/null
check_eq "quoted again: still one record per person and item" \
	"$(jq -r '"\(.name) \(.quote.item // .error.item)"' both.jsonl)" \
	"$(jq -r '"\(.name) \(.quote.item // .error.item)"' again.jsonl)"
jm-quote both.jsonl >medical-again.jsonl 2>/dev/null
check_eq "jm-quote (medical) on both: ten records still" 10 "$(wc -l <medical-again.jsonl | tr -d ' ')"
check_same "... the pension's records pass unchanged" \
	"$(jq -c 'select(.quote.item == "pension" or .error.item == "pension")' both.jsonl >p1; echo p1)" \
	"$(jq -c 'select(.quote.item == "pension" or .error.item == "pension")' medical-again.jsonl >p2; echo p2)"
jm-quote --item pension --grade 1000 both.jsonl >raised.jsonl 2>/dev/null
check_eq "--item pension --grade 1000 on both: the medical records unchanged" \
	"$(jq -c 'select(.quote.item == "medical")' both.jsonl)" "$(jq -c 'select(.quote.item == "medical")' raised.jsonl)"
check_eq "... and self's pension at the new grade" "100000 100000" \
	"$(sed -n 2p raised.jsonl | jq -r '.quote | "\(.grade_fen) \(.due_fen)"')"

jm-quote bound.jsonl >medical.jsonl 2>/dev/null
check_eq "records quoted for the medical insurance alone carry no items" null "$(jq -c .quote.items medical.jsonl | sort -u)"
check_eq "... --item pension quotes them for the pension" "pension pension pension pension pension" \
	"$(jm-quote --item pension medical.jsonl 2>/dev/null | jq -r '.quote.item // .error.item' | paste -sd' ' -)"
check_eq "... --item medical,pension for both" 10 "$(jm-quote --item medical,pension medical.jsonl 2>/dev/null | wc -l | tr -d ' ')"

# the reports count people, per item
jm-quote --item medical,pension --summary bound.jsonl >/dev/null 2>sum.err
check_eq "--summary: a report per item, each of 5 people" \
	"jm-quote: 5 people, coverage year 2026 (medical)|jm-quote: 5 people, coverage year 2025 (pension)" \
	"$(grep '^jm-quote: 5 people' sum.err | paste -sd'|' -)"
check "... the pension's: 2 unpaid, 1 subsidised, 2 errors" \
	grep -q '^  total                5     0       0       2           1         0       2      1500.00    20.0$' sum.err
check "... the medical's: 4 unpaid, 1 subsidised" \
	grep -q '^  total                5     0       0       4           1         0       0      1400.00    20.0$' sum.err
jm-quote --item medical,pension --report --summary-by none bound.jsonl >report.jsonl 2>/dev/null
check_eq "--report: the totals, one per item" "medical 5 4,pension 5 2" \
	"$(jq -r '"\(.item) \(.people) \(.unpaid)"' report.jsonl | paste -sd, -)"
jm-quote --item pension --grade 500 --report --summary-by none bound.jsonl 2>/dev/null >preport.jsonl
check_eq "--item pension alone: one report of 5 people" "pension 5 2 2" \
	"$(jq -r '"\(.item) \(.people) \(.unpaid) \(.errors)"' preport.jsonl)"
check_eq "--unpaid: who still owes, per item, and the errors" \
	"示例一 medical,示例一 pension,示例二 medical,示例二 pension,示例三 pension,示例四 medical,示例四 pension,示例五 medical" \
	"$(jm-quote --item medical,pension --unpaid bound.jsonl 2>/dev/null | jq -r '"\(.name) \(.quote.item // .error.item)"' | paste -sd, -)"

# text and spreadsheets name the item
jm-quote --item medical,pension --format text bound.jsonl >text.out 2>/dev/null
check "--format text: an ITEM column" grep -q '^LINE   ID NUMBER           NAME        ITEM     YEAR  KIND     DUE       STATUS       NOTE$' text.out
mask() { echo "$1" | sed 's/^\(....\).\{10\}/\1**********/'; }
check "... the pension's grade and subsidy in the note" \
	grep -qxF "1      $(mask "$self")  示例一      pension  2025  daily    500.00    unpaid       grade 500.00, subsidy 115.00 (city table)" text.out
check "... the county's grade for the monitored sibling" \
	grep -q '示例五      pension  2025  special  0.00      subsidised   grade 100.00, paid by the county$' text.out
check "... the error names its item" grep -qF "3      $(mask "$parent")  示例三      pension                           error        the resident pension is for ages 16 to 59" text.out
jm-quote --format text bound.jsonl 2>/dev/null | head -n 1 >mtext.out
check_eq "medical alone: no ITEM column" "LINE   ID NUMBER           NAME        YEAR  KIND     DUE       STATUS       NOTE" "$(cat mtext.out)"
jm-quote --item medical,pension --format csv bound.jsonl 2>/dev/null | sed '1s/^\xef\xbb\xbf//' >q.csv
check "--format csv: 险种, 缴费档次, 政府补贴 and 补贴标准 columns" \
	grep -q '^乡镇/街道,村/社区,姓名,身份证号,手机号,参保地,资助类别,险种,年度,缴费类型,缴费档次,缴费标准,资助金额,已缴,应缴,政府补贴,补贴标准,状态,截止日期,错误代码,错误说明' q.csv
check "... a pension row" grep -q "^,,示例一,\"=\"\"$self\"\"\",\"=\"\"13800000000\"\"\",\"=\"\"340403\"\"\",,城乡居民养老保险,2025,日常缴费,500.00,500.00,0.00,0.00,500.00,115.00,市县标准,未缴,2025-12-31,," q.csv
check "... an error row names the item" grep -q ',城乡居民养老保险,,,,,,,,,,,,NOT_ELIGIBLE,' q.csv

# the options
check_exit "--item dental: usage error" 64 jm-quote --item dental /dev/null
check_exit "--item medical,medical: usage error" 64 jm-quote --item medical,medical /dev/null
check_exit "--grade abc: usage error" 64 jm-quote --item pension --grade abc /dev/null
check_exit "--grade 0: usage error" 64 jm-quote --item pension --grade 0 /dev/null
check_exit "--item pension,medical: the pension's records first" 1 jm-quote --item pension,medical --grade 500 bound.jsonl
check_eq "... in that order" "pension medical" "$(head -n 2 "$T/exit.out" | jq -r .quote.item | paste -sd' ' -)"
echo "{\"id_no\":\"$self\",\"grade_fen\":\"500\"}" | jm-quote --item pension >bad.out 2>/dev/null
check_eq "a grade_fen that is no amount of fen: BAD_VALUE" BAD_VALUE "$(jq -r .error.code bad.out)"
check_eq "no grade at all: MISSING_FIELD listing the grades" MISSING_FIELD \
	"$(echo "{\"id_no\":\"$self\"}" | jm-quote --item pension 2>&1 >/dev/null | grep -q '200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000 yuan$' && echo MISSING_FIELD)"
done_testing
