#!/bin/sh
# jm-pay killed at any instant, then run again: every person is paid exactly
# once on the platform, every record comes out paid once, the journal agrees.
. "$(dirname "$0")/lib.sh"
plan 15
export JM_TODAY=2025-11-20
N=1500
roster $N 341122 >"$T/roster.jsonl"
jm-register "$T/roster.jsonl" 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote 2>/dev/null >"$T/quoted.jsonl"
check_eq "$N people quoted" $N "$(jq -r 'select(.quote.due_fen == 40000) | .id_no' "$T/quoted.jsonl" | wc -l | tr -d ' ')"

sb=$PLATFORM_DB
jr="$JM_HOME/journal.db"
paid_rows() {
	sqlite3 "$sb" "SELECT count(*) FROM payment WHERE status = 'paid'"
}

# killed at each state of the journal, in the second batch of each run
for point in intents half-sent platform outcomes; do
	JM_TEST_KILL_AT=$point:2 jm-pay --yes --channel alipay "$T/quoted.jsonl" >/dev/null 2>&1
	echo "$point $?"
done >"$T/states"
check_eq "each fault point kills jm-pay (SIGKILL)" "intents 137 half-sent 137 platform 137 outcomes 137" "$(tr '\n' ' ' <"$T/states" | sed 's/ $//')"

# killed at random instants, until a run gets through
i=0
killed=0
while [ $i -lt 40 ]; do
	jm-pay --yes --channel alipay "$T/quoted.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(awk -v s=$i 'BEGIN { srand(s); printf "%02d", 2 + rand() * 40 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $? -eq 137 ] || break
	killed=$((killed + 1))
	i=$((i + 1))
done
check "jm-pay was killed mid-batch several times ($killed)" test $killed -ge 3
check "some people were paid while it was being killed" test "$(paid_rows)" -gt 0

jm-pay --yes --channel alipay "$T/quoted.jsonl" >"$T/final.jsonl" 2>"$T/err"
check_eq "the last run exits 0" 0 $?
check_eq "every record comes out paid" $N "$(jq -r 'select(.payment.status == "paid") | .id_no' "$T/final.jsonl" | sort -u | wc -l | tr -d ' ')"
check_eq "and only once" $N "$(wc -l <"$T/final.jsonl" | tr -d ' ')"
check_eq "the platform has exactly one payment per person" "$N $N" \
	"$(sqlite3 -separator " " "$sb" "SELECT count(*), count(DISTINCT insured_id) FROM payment WHERE status = 'paid' AND year = 2026")"
check_eq "no second payment and no decline on the platform" 0 \
	"$(sqlite3 "$sb" "SELECT count(*) FROM payment WHERE status <> 'paid'")"
jq -r '.payment.order_id' "$T/final.jsonl" | sort >"$T/ours"
sqlite3 "$sb" "SELECT order_id FROM payment ORDER BY order_id" >"$T/theirs"
check_same "the order ids emitted are the platform's" "$T/theirs" "$T/ours"
check_eq "one attempt per person in the journal, all paid" "$N $N paid" \
	"$(sqlite3 -separator " " "$jr" "SELECT count(*), count(DISTINCT person), group_concat(DISTINCT state) FROM attempt")"
sqlite3 "$jr" "SELECT order_id FROM attempt ORDER BY order_id" >"$T/journal"
check_same "the journal's order ids are the platform's" "$T/theirs" "$T/journal"
check_eq "every attempt's history starts with its intent" 0 \
	"$(sqlite3 "$jr" "SELECT count(*) FROM attempt a WHERE (SELECT state FROM event e WHERE e.key = a.key ORDER BY id LIMIT 1) <> 'intent'")"

jm-pay --yes --channel alipay "$T/quoted.jsonl" >"$T/again.jsonl" 2>"$T/again.err" || cat "$T/again.err"
check_same "running the finished batch again re-emits the same payments" "$T/final.jsonl" "$T/again.jsonl"
check_eq "and charges nothing" "$N" "$(paid_rows)"
done_testing
