#!/bin/sh
# jm-pay killed at any instant while paying both items (medical for next
# year, the pension for this one), then run again: every person is paid
# once per item on the platform, and a run made again charges nothing.
. "$(dirname "$0")/lib.sh"
plan 9
export JM_TODAY=2025-11-20
N=300
# N people of 淮南 aged 26 to 55, each with a pension grade of their own
awk -v n=$N 'BEGIN {
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
	split("20000 30000 50000 100000 200000", g, " ")
	for (i = 1; i <= n; i++) {
		d = sprintf("340403%04d%02d%02d%03d", 1970 + i % 30,
		    1 + i % 12, 1 + i % 28, i % 1000)
		s = 0
		for (k = 1; k <= 17; k++) s += substr(d, k, 1) * w[k]
		id = d substr("10X98765432", s % 11 + 1, 1)
		printf "{\"id_no\":\"%s\",\"name\":\"示例%s\",\"relation\":\"%s\"%s,\"grade_fen\":%s}\n",
		    id, (i == 1 ? "一" : "二"), (i == 1 ? "self" : "other"),
		    (i == 1 ? ",\"phone\":\"13800000000\"" : ""), g[i % 5 + 1]
	}
}' >"$T/roster.jsonl"
jm-register "$T/roster.jsonl" 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote --item medical,pension 2>/dev/null >"$T/quoted.jsonl"
check_eq "$N people quoted for both items" "$N $N" \
	"$(jq -r 'select(.quote.due_fen > 0) | .quote.item' "$T/quoted.jsonl" | sort | uniq -c | awk '{ print $1 }' | paste -sd' ' -)"

sb=$PLATFORM_DB
jr="$JM_HOME/journal.db"
for point in intents half-sent platform outcomes; do
	JM_TEST_KILL_AT=$point:2 jm-pay --yes --channel alipay "$T/quoted.jsonl" >/dev/null 2>&1
	echo "$point $?"
done >"$T/states"
check_eq "each fault point kills jm-pay" "intents 137 half-sent 137 platform 137 outcomes 137" "$(tr '\n' ' ' <"$T/states" | sed 's/ $//')"
i=0
while [ $i -lt 20 ]; do
	jm-pay --yes --channel alipay "$T/quoted.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(awk -v s=$i 'BEGIN { srand(s); printf "%02d", 2 + rand() * 40 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $? -eq 137 ] || break
	i=$((i + 1))
done

jm-pay --yes --channel alipay "$T/quoted.jsonl" >"$T/final.jsonl" 2>"$T/err"
check_eq "the last run exits 0" 0 $?
check_eq "every record comes out paid, once" "$((2 * N)) $((2 * N))" \
	"$(jq -r 'select(.payment.status == "paid") | .payment.order_id' "$T/final.jsonl" | sort -u | wc -l | tr -d ' ') $(wc -l <"$T/final.jsonl" | tr -d ' ')"
check_eq "the platform: one payment per person and item, no decline" "2026 medical $N $N,2025 pension $N $N" \
	"$(sqlite3 -separator ' ' "$sb" "SELECT year, item, count(*), count(DISTINCT insured_id) FROM payment GROUP BY year, item ORDER BY item" | paste -sd, -)"
check_eq "... the pension at each person's grade" \
	"$(jq -r 'select(.quote.item == "pension") | "\(.quote.insured_id) \(.quote.grade_fen)"' "$T/quoted.jsonl" | sort | md5sum)" \
	"$(sqlite3 -separator ' ' "$sb" "SELECT insured_id, amount_fen FROM payment WHERE item = 'pension'" | sort | md5sum)"
check_eq "one attempt per person and item in the journal, all paid" "$((2 * N)) paid" \
	"$(sqlite3 -separator ' ' "$jr" "SELECT count(*), group_concat(DISTINCT state) FROM attempt")"
jm-pay --yes --channel alipay "$T/quoted.jsonl" >"$T/again.jsonl" 2>/dev/null
check_same "the finished batch run again: the same payments" "$T/final.jsonl" "$T/again.jsonl"
check_eq "... and nothing charged" $((2 * N)) "$(sqlite3 "$sb" "SELECT count(*) FROM payment")"
done_testing
