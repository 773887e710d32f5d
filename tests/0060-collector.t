#!/bin/sh
# The collector's season: a roster of 280 people in four villages of three
# towns, some paid through jm, some elsewhere, some subsidised, some never
# registered; their statuses, --unpaid, the progress report's numbers and
# the days left on several dates.
. "$(dirname "$0")/lib.sh"
plan 46
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
cd "$T" || exit 2

# place TOWN VILLAGE: the records of stdin in that village
place() { jq -c --arg t "$1" --arg v "$2" '. + {town: $t, village: $v}'; }
# fixtures KIND [AMOUNT_FEN]: a "paid" fixture for each record of stdin
fixtures() {
	jq -c --argjson a "${1:-null}" '{fixture: "paid", id_no, year: 2026,
	    item: "medical", channel: "wechat"} + (if $a then {amount_fen: $a}
	    else {} end)'
}

# 湾里镇 (镜湖区 340202): 示例村 100 people and 二号村 80
roster 180 340202 >wl.jsonl
sed -n 1,100p wl.jsonl | place 湾里镇 示例村 >v1.jsonl
sed -n 101,180p wl.jsonl | jq -c '.relation = "child"' | place 湾里镇 二号村 >v2.jsonl
# 示例村: 21-25 extreme-poverty (subsidised); 二号村: 1-8 低保 (40 yuan)
jq -c 'if (input_line_number > 20 and input_line_number <= 25)
    then .aid = "extreme-poverty" else . end' v1.jsonl >v1a.jsonl
jq -c 'if input_line_number <= 8 then .aid = "minimum-living" else . end' \
	v2.jsonl >v2a.jsonl
# 二号村's 80th has a mistyped ID number (the check character)
sed '$s/"id_no":"\([0-9]*\)[0-9X]"/"id_no":"\10"/' v2a.jsonl >v2b.jsonl
if [ "$(tail -n 1 v2b.jsonl | jq -r .id_no)" = "$(tail -n 1 v2a.jsonl | jq -r .id_no)" ]; then
	sed -i '$s/"id_no":"\([0-9]*\)[0-9X]"/"id_no":"\11"/' v2b.jsonl
fi
# 清水街道 (鸠江区 340207): 三号社区 60; 姑孰镇 (当涂县 340521): 示例村 40
roster 60 340207 | jq -c '.relation = "other"' | place 清水街道 三号社区 >v3.jsonl
roster 40 340521 | jq -c '.relation = "other"' | place 姑孰镇 示例村 >v4.jsonl
cat v1a.jsonl v2b.jsonl v3.jsonl v4.jsonl >roster.jsonl
check_eq "the roster has 280 people" 280 "$(wc -l <roster.jsonl | tr -d ' ')"

# never registered: 示例村 96-100, 二号村 78-79
{ sed -n 1,95p v1a.jsonl; sed -n 1,77p v2b.jsonl; cat v3.jsonl v4.jsonl; } |
	jm-register >/dev/null 2>reg.err
check_eq "jm-register names the mistyped ID, not as unregistered" 0 "$(grep -c ID_CHECKSUM reg.err)"
# paid through jm: 示例村 1-20 (the first is the payer)
sed -n 1,20p v1a.jsonl | jm-register 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote 2>/dev/null | jm-pay --yes --channel alipay >paid1.jsonl 2>pay.err
check_eq "20 paid through jm" 20 "$(jq -r 'select(.payment.status == "paid") | .name' paid1.jsonl | wc -l | tr -d ' ')"
# paid elsewhere: 示例村 26-35 in full, 36-40 100 yuan; 二号村 9-18; 三号社区 1-30
{
	sed -n 26,35p v1a.jsonl | fixtures
	sed -n 36,40p v1a.jsonl | fixtures 10000
	sed -n 9,18p v2b.jsonl | fixtures
	sed -n 1,30p v3.jsonl | fixtures
} >fixtures.jsonl
check_exit "the payments made elsewhere load" 0 jm-sandbox -q --load fixtures.jsonl

# statuses
jm-quote roster.jsonl >q.jsonl 2>q.err
check_eq "jm-quote exits 1: some are not registered" 1 "$?"
status() { jq -r '.quote.status // .error.code' q.jsonl | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -; }
check_eq "every person has a status or an error" \
	"ID_CHECKSUM=1 NOT_REGISTERED=7 paid=70 partly-paid=5 subsidised=5 unpaid=192" "$(status)"
check_eq "the payer and those paid through jm are paid" "paid paid" \
	"$(sed -n '1p;20p' q.jsonl | jq -r .quote.status | paste -sd' ' -)"
check_eq "paid elsewhere in part: 300 still due" "partly-paid 10000 30000" \
	"$(sed -n 36p q.jsonl | jq -r '.quote | "\(.status) \(.paid_fen) \(.due_fen)"')"
check_eq "extreme poverty: subsidised, nothing due" "subsidised special 0" \
	"$(sed -n 21p q.jsonl | jq -r '.quote | "\(.status) \(.kind) \(.due_fen)"')"
check_eq "低保 in 芜湖: 40 yuan" "unpaid 4000" \
	"$(sed -n 101p q.jsonl | jq -r '.quote | "\(.status) \(.due_fen)"')"
check_eq "never registered: NOT_REGISTERED, no quote" "NOT_REGISTERED false" \
	"$(sed -n 96p q.jsonl | jq -r '"\(.error.code) \(has("quote"))"')"
check "the error on stderr names the person masked" grep -q \
	'^jm-quote: roster.jsonl:96: 3402\*\*\*\*\*\*\*\*\*\*[0-9]\{3\}[0-9X]: not registered' q.err

# --unpaid: who still owes, and the errors
jm-quote --unpaid roster.jsonl >unpaid.jsonl 2>/dev/null
check_eq "--unpaid passes 192 unpaid, 5 partly paid and 8 errors" 205 "$(wc -l <unpaid.jsonl | tr -d ' ')"
check_eq "--unpaid passes nobody paid or subsidised" 0 \
	"$(jq -r 'select(.quote.status == "paid" or .quote.status == "subsidised")' unpaid.jsonl | wc -l | tr -d ' ')"

# the report as records
jm-quote --report roster.jsonl >report.jsonl 2>report.err
check_eq "--report exits as the records would" 1 "$?"
check_eq "--report: one record per village and the total" \
	"village 湾里镇 示例村,village 湾里镇 二号村,village 清水街道 三号社区,village 姑孰镇 示例村,total null null" \
	"$(jq -r '"\(.group) \(.town) \(.village)"' report.jsonl | paste -sd, -)"
counts() { jq -r '[.people, .paid, .partly_paid, .unpaid, .subsidised, .not_registered, .errors, .outstanding_fen, .paid_pct] | map(tostring) | join(" ")' report.jsonl | sed -n "$1p"; }
check_eq "示例村: 100 people, 30 paid, 5 partly, 55 unpaid, 5 subsidised, 5 not registered" \
	"100 30 5 55 5 5 0 2350000 35" "$(counts 1)"
check_eq "二号村: 10 paid, 67 unpaid (8 of them 低保), 2 not registered, 1 error" \
	"80 10 0 67 0 2 1 2392000 12.5" "$(counts 2)"
check_eq "三号社区: half paid" "60 30 0 30 0 0 0 1200000 50" "$(counts 3)"
check_eq "姑孰镇 示例村 is another village than 湾里镇's" "40 0 0 40 0 0 0 1600000 0" "$(counts 4)"
check_eq "the total" "280 70 5 192 5 7 1 7542000 26.7" "$(counts 5)"
check_eq "the window and the days left, on every record" \
	"2025-12-31 41 2025-11-20 2026" \
	"$(jq -r '"\(.window.to) \(.days_left) \(.today) \(.year)"' report.jsonl | sort -u)"
check_eq "芜湖 opens on 20 October, 当涂 (马鞍山) on the default 1 September" \
	"2025-10-20 2025-10-20 2025-10-20 2025-09-01 null" \
	"$(jq -r .window.from report.jsonl | paste -sd' ' -)"
check_eq "--report writes no person record" 0 "$(grep -c '"id_no"' report.jsonl)"
check_eq "the errors still go to stderr" 8 "$(grep -c '^jm-quote: roster.jsonl:' report.err)"

# the report as text, on stdout with --report, on stderr with --summary
jm-quote --report --format text roster.jsonl >report.txt 2>/dev/null
cat >want.txt <<'EOF'
jm-quote: 280 people, coverage year 2026 (medical)
  collection window closing 2025-12-31: 41 days left (platform date 2025-11-20)
  TOWN      VILLAGE   PEOPLE  PAID  PARTLY  UNPAID  SUBSIDISED  NOT REG.  ERRORS  OUTSTANDING  PAID %
  湾里镇    示例村       100    30       5      55           5         5       0     23500.00    35.0
  湾里镇    二号村        80    10       0      67           0         2       1     23920.00    12.5
  清水街道  三号社区      60    30       0      30           0         0       0     12000.00    50.0
  姑孰镇    示例村        40     0       0      40           0         0       0     16000.00     0.0
  total                  280    70       5     192           5         7       1     75420.00    26.7
  to pay: 197 people, 75420.00 yuan (daily 日常 189, 75100.00; special 特殊 8, 320.00)
  not quoted:
EOF
sed -n 1,10p report.txt >head.txt
check_same "--report --format text: a table aligned for CJK, yuan, percentages" want.txt head.txt
check_eq "the 8 not quoted are listed, masked" 8 "$(grep -c '^    roster.jsonl:[0-9]*  3402\*\*\*\*\*\*\*\*\*\*[0-9]\{3\}[0-9X]  [A-Z_]*  ' report.txt)"
check_eq "no full ID number in the report" 0 "$(grep -cE '[0-9]{17}[0-9X]' report.txt)"
jm-quote --summary roster.jsonl >sum.out 2>sum.err
# (the quotes' expiry follows the time of day)
nox() { jq -c 'del(.quote.expires_at, .quote.quote_id)' "$1"; }
check_eq "--summary leaves stdout to the records" "$(nox q.jsonl)" "$(nox sum.out)"
check_eq "--summary prints the same report on stderr, after the errors" \
	"$(cat report.txt)" "$(grep -v '^jm-quote: roster.jsonl:' sum.err)"
check_eq "--summary-by town" "湾里镇 180 40,清水街道 60 30,姑孰镇 40 0,total 280 70" \
	"$(jm-quote --report --summary-by town roster.jsonl 2>/dev/null | jq -r '"\(.town // .group) \(.people) \(.paid)"' | paste -sd, -)"
check_eq "--summary-by region, with the county's name" \
	"340202 镜湖区 180,340207 鸠江区 60,340521 当涂县 40,total null 280" \
	"$(jm-quote --report --summary-by region roster.jsonl 2>/dev/null | jq -r '"\(.region // .group) \(.region_name) \(.people)"' | paste -sd, -)"
check_eq "--summary-by none: the total alone" "total 280" \
	"$(jm-quote --report --summary-by none roster.jsonl 2>/dev/null | jq -r '"\(.group) \(.people)"')"
check_exit "--summary-by street is a usage error" 64 jm-quote --summary-by street /dev/null

# the days left on other dates (芜湖 alone: one window)
sed -n 1,100p roster.jsonl >wuhu.jsonl
left() { JM_TODAY=$1 jm-quote --report --format text --summary-by none wuhu.jsonl 2>/dev/null | sed -n 2p; }
check_eq "41 days left on 20 November" \
	"  collection window 2025-10-20 to 2025-12-31: 41 days left (platform date 2025-11-20)" "$(left 2025-11-20)"
check_eq "1 day left on 30 December" \
	"  collection window 2025-10-20 to 2025-12-31: 1 day left (platform date 2025-12-30)" "$(left 2025-12-30)"
check_eq "the last day" \
	"  collection window 2025-10-20 to 2025-12-31: today is the last day (platform date 2025-12-31)" "$(left 2025-12-31)"
check_eq "after the window closed" \
	"  collection window 2025-10-20 to 2025-12-31: closed 5 days ago, paying now is late (platform date 2026-01-05)" "$(left 2026-01-05)"
check_eq "before it opens" \
	"  collection window 2025-10-20 to 2025-12-31: opens in 19 days (platform date 2025-10-01)" "$(left 2025-10-01)"
check_eq "days_left: 0 on the last day, negative after" "0 -5" \
	"$(for d in 2025-12-31 2026-01-05; do JM_TODAY=$d jm-quote --report --summary-by none wuhu.jsonl 2>/dev/null | jq .days_left; done | paste -sd' ' -)"

# a county that closes earlier: the groups' windows differ, and say so
mkdir -p "$PLATFORM_HOME/policy.d"
echo '{"windows":[{"region":"340207","year":2026,"opens":"2025-10-20","closes":"2025-12-20","source":"jm test table"}]}' \
	>"$PLATFORM_HOME/policy.d/early.json"
platform_tables
jm-quote --report --format text roster.jsonl >mixed.txt 2>/dev/null
check "the header says the windows differ" grep -qx \
	'  the groups'"'"' collection windows differ: see CLOSES and DAYS LEFT (platform date 2025-11-20)' mixed.txt
check "each group says when it closes" grep -q '^  清水街道  三号社区 .*  50\.0  2025-12-20         30$' mixed.txt
check "... the others too" grep -q '^  湾里镇    示例村 .*  35\.0  2025-12-31         41$' mixed.txt
check_eq "as records: each group's window, none for the total" \
	"2025-12-31 41,2025-12-31 41,2025-12-20 30,2025-12-31 41,null null" \
	"$(jm-quote --report roster.jsonl 2>/dev/null | jq -r '"\(.window.to) \(.days_left)"' | paste -sd, -)"
rm "$PLATFORM_HOME/policy.d/early.json"
platform_tables

# register those who were not, then pay everyone who owes in one pipeline,
# and report again
jm-register roster.jsonl 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote --unpaid 2>/dev/null | jm-pay --yes --channel wechat >paid2.jsonl 2>/dev/null
check_eq "the 197 who owed and the 7 registered now are paid; the mistyped ID is not" \
	"ID_CHECKSUM=1 paid=204" \
	"$(jq -r '.payment.status // .error.code' paid2.jsonl | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' ' -)"
check_eq "afterwards: all paid but the mistyped one" \
	"280 274 0 0 5 0 1 0 99.6" \
	"$(jm-quote --report --summary-by none roster.jsonl 2>/dev/null | jq -r '[.people, .paid, .partly_paid, .unpaid, .subsidised, .not_registered, .errors, .outstanding_fen, .paid_pct] | map(tostring) | join(" ")')"
done_testing
