#!/bin/sh
# jm-pay: channels, test triggers, family accounts, money safety, exit codes.
. "$(dirname "$0")/lib.sh"
plan 63
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
ex=$TESTS/../share/examples/family.jsonl
sb=$PLATFORM_DB
platform() { sqlite3 -separator ' ' "$sb" "$1"; }

# quote PHONE: the household quoted, with the payer's phone set to PHONE
quote() {
	sed "s/13800000000/$1/" "$ex" | jm-register 2>/dev/null |
		jm-bind 2>/dev/null | jm-quote 2>/dev/null
}
quote 13800000000 >"$T/q"

check_exit "no terminal and no --yes: refused" 64 setsid -w jm-pay --channel alipay "$T/q"
check_eq "... and nothing is paid" 0 "$(platform 'SELECT count(*) FROM payment')"
check_eq "... and nothing is written out" 0 "$(wc -c <"$T/exit.out" | tr -d ' ')"
check_exit "no channel is a usage error" 64 jm-pay --yes "$T/q"
check_exit "family needs --account" 64 jm-pay --yes --channel family "$T/q"
check_exit "--account goes with family only" 64 jm-pay --yes --channel alipay --account 341122199003070017 "$T/q"
check_exit "--max-total must be an amount" 64 jm-pay --yes --channel alipay --max-total 12.345 "$T/q"

jm-pay --dry-run --channel wechat "$T/q" >"$T/dry" 2>&1
check "--dry-run names each person masked" grep -q '^3      3411\*\*\*\*\*\*\*\*\*\*0031  示例三      medical  2026  40.00      pay$' "$T/dry"
check "--dry-run gives the total" grep -q '^would pay 6 people, 2040.00 yuan, through wechat; nothing was paid$' "$T/dry"
check_eq "--dry-run pays nothing" 0 "$(platform 'SELECT count(*) FROM payment')"
jm-pay --dry-run --summary --channel wechat --max-total 2000 "$T/q" >/dev/null 2>"$T/drysum"
check "--dry-run --summary says what would be paid, not zeros" grep -q '^  would pay          5       1640.00 yuan$' "$T/drysum"
check "... and what --max-total would skip" grep -q '^  skipped            1        400.00 yuan (--max-total)$' "$T/drysum"

jm-pay --yes --channel alipay --max-total 1000 "$T/q" >"$T/cap" 2>"$T/err"
check_eq "--max-total 1000 pays 400, 400, 40, then skips the rest" "paid paid paid skipped skipped skipped" \
	"$(jq -r .payment.status "$T/cap" | tr '\n' ' ' | sed 's/ $//')"
check_eq "skipped records are no failure" 0 "$(jm-pay --yes --channel alipay --max-total 0 "$T/q" >/dev/null 2>&1; echo $?)"

jm-pay --yes --channel alipay --summary "$T/q" >"$T/paid" 2>"$T/sum"
check_eq "the rest is paid; the capped ones again as paid" 6 "$(jq -r 'select(.payment.status == "paid") | .payment.order_id' "$T/paid" | sort -u | wc -l | tr -d ' ')"
check_eq "the platform holds 6 payments, 2040.00 yuan" "6 204000" "$(platform "SELECT count(*), sum(amount_fen) FROM payment WHERE status = 'paid'")"
check "the summary counts what was paid now" grep -q '^  paid               3       1200.00 yuan$' "$T/sum"
check "... and what was paid before" grep -q '^  paid before        3 ' "$T/sum"
check_eq "payment keys" '["order_id","idempotency_key","status","channel","amount_fen","txn_id","paid_at","settled"]' "$(head -n 1 "$T/paid" | jq -c '.payment | keys_unsorted')"
jm-pay --yes --channel wechat "$T/q" >"$T/again" 2>/dev/null
check_same "a finished batch run again gives the same payments" "$T/paid" "$T/again"
check_eq "... and charges nothing" 6 "$(platform "SELECT count(*) FROM payment")"
jm-pay --yes --channel wechat --format text "$T/q" >"$T/text" 2>/dev/null
check "--format text: a table of the payments, ID numbers masked" grep -q '^3      3411\*\*\*\*\*\*\*\*\*\*0031  示例三      medical  2026  40.00      paid         JM[0-9]*$' "$T/text"

printf '{"fixture":"paid","id_no":"340202198801010021","year":2026,"item":"medical","channel":"wechat"}\n' >"$T/fix"
# keys of 32 hex digits that sort as they were made (the time first), so
# that an index takes each at its end; distinct all the same
sqlite3 "$JM_HOME/journal.db" 'SELECT key FROM attempt ORDER BY rowid' >"$T/keys"
check_eq "idempotency keys: 32 hex digits, distinct" "6 6" "$(grep -c '^[0-9a-f]\{32\}$' "$T/keys") $(sort -u "$T/keys" | wc -l | tr -d ' ')"
cut -c1-12 "$T/keys" >"$T/keys.ms"
check_same "... their times in the order they were made" "$T/keys.ms" "$(sort "$T/keys.ms" >"$T/keys.sorted"; echo "$T/keys.sorted")"
check "the journal cannot be deleted" sh -c "! sqlite3 '$JM_HOME/journal.db' 'DELETE FROM attempt' 2>/dev/null"
check "... nor its history rewritten" sh -c "! sqlite3 '$JM_HOME/journal.db' \"UPDATE event SET state = 'x'\" 2>/dev/null"

# the channel's answers by the payer's phone (a fresh household each time)
fresh() { fresh_platform; quote "$1" >"$T/q"; }
fresh 13800000002
check_exit "a declined payment exits 1" 1 jm-pay --yes --channel wechat "$T/q"
check_eq "declined: status and error" "declined DECLINED" "$(head -n 1 "$T/exit.out" | jq -r '"\(.payment.status) \(.error.code)"')"
check_eq "one stderr line per decline" 6 "$(grep -c "^jm-pay: $T/q:[1-6]: .*: the wechat channel declined the payment$" "$T/exit.err")"
check_eq "... with ID numbers masked" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$T/exit.err")"
fresh 13800009995
check_exit "insufficient funds exits 1" 1 jm-pay --yes --channel bank "$T/q"
check_eq "... INSUFFICIENT_BALANCE" INSUFFICIENT_BALANCE "$(head -n 1 "$T/exit.out" | jq -r .error.code)"
fresh 13800000119
check_exit "a channel failing transiently ends unknown: exit 75" 75 jm-pay --yes --channel wanshitong "$T/q"
check_eq "... unknown, OUTCOME_UNKNOWN" "unknown OUTCOME_UNKNOWN" "$(head -n 1 "$T/exit.out" | jq -r '"\(.payment.status) \(.error.code)"')"
key=$(head -n 1 "$T/exit.out" | jq -r .payment.idempotency_key)
check_exit "an unknown outcome blocks the person on any channel" 75 jm-pay --yes --channel alipay "$T/q"
check_eq "... the same key is sent again" "$key" "$(head -n 1 "$T/exit.out" | jq -r .payment.idempotency_key)"
jm-bind --payer 341122199003070017 --payer-name 示例一 --phone 13800000000 </dev/null
check_exit "once the channel answers, the attempt is resolved" 0 jm-pay --yes --channel alipay "$T/q"
check_eq "... with the same key, through the first channel" "$key wanshitong paid" "$(head -n 1 "$T/exit.out" | jq -r '.payment | "\(.idempotency_key) \(.channel) \(.status)"')"
check_eq "... one attempt in the journal for that person" 1 "$(sqlite3 "$JM_HOME/journal.db" "SELECT count(*) FROM attempt WHERE key = '$key'")"

# paid elsewhere since the quote; a quote that changed
fresh 13800000000
jm-sandbox -q --load "$T/fix"
jm-pay --yes --channel alipay "$T/q" >"$T/out" 2>/dev/null
check_eq "paid elsewhere since the quote: ALREADY_PAID" ALREADY_PAID "$(sed -n 2p "$T/out" | jq -r .error.code)"
check_eq "... nobody else is affected" 5 "$(jq -r 'select(.payment.status == "paid") | .id_no' "$T/out" | wc -l | tr -d ' ')"
fresh 13800000000
sed -n 2p "$T/q" | jq -c '.quote.expires_at = "2025-11-20T00:00:00+08:00"' >"$T/old"
check_exit "an expired quote is quoted again and paid" 0 jm-pay --yes --channel alipay "$T/old"
printf '{"fixture":"paid","id_no":"341122196205120031","year":2026,"item":"medical","channel":"wechat","amount_fen":1000}\n' >"$T/part"
jm-sandbox -q --load "$T/part"
sed -n 3p "$T/q" | jq -c '.quote.expires_at = "2025-11-20T00:00:00+08:00"' >"$T/old"
check_eq "an expired quote whose amount changed: QUOTE_CHANGED" QUOTE_CHANGED "$(jm-pay --yes --channel alipay "$T/old" 2>/dev/null | jq -r .error.code)"
check_eq "a live quote whose amount changed: the platform refuses" QUOTE_CHANGED "$(sed -n 3p "$T/q" | jm-pay --yes --channel alipay 2>/dev/null | jq -r .error.code)"
fresh_platform
jm-register <"$ex" 2>/dev/null | jm-bind 2>/dev/null | jm-quote 2>/dev/null |
	jm-pay --yes --channel alipay >"$T/pipe" 2>"$T/err"
check_eq "the whole pipeline on first use: jm-pay waits for jm-bind's session" "paid paid paid paid paid paid" \
	"$(jq -r .payment.status "$T/pipe" | tr '\n' ' ' | sed 's/ $//')"
# an unresolved attempt and no session: nothing decided, the key kept
fresh_platform
quote 13800000000 >"$T/q"
JM_TEST_KILL_AT=platform jm-pay --yes --channel alipay "$T/q" >/dev/null 2>&1
jm-bind --logout
jm-pay --yes --channel alipay "$T/q" >"$T/out" 2>/dev/null
check_eq "no session: the unresolved attempts are not judged" "NO_SESSION null" "$(head -n 1 "$T/out" | jq -r '"\(.error.code) \(.payment)"')"
check_eq "... the journal keeps them pending" "intent 6" "$(sqlite3 -separator ' ' "$JM_HOME/journal.db" "SELECT group_concat(DISTINCT state), count(*) FROM attempt")"
jm-bind --payer 341122199003070017 --payer-name 示例一 --phone 13800000000 </dev/null
check_exit "--max-total 0 holds back even an earlier attempt" 0 jm-pay --yes --channel alipay --max-total 0 "$T/q"
check_eq "... skipped, not sent" "skipped intent" "$(head -n 1 "$T/exit.out" | jq -r .payment.status) $(sqlite3 "$JM_HOME/journal.db" "SELECT state FROM attempt LIMIT 1")"
jm-pay --yes --channel alipay "$T/q" >"$T/out" 2>/dev/null
check_eq "bound again: the same keys bring the platform's payments" "6 6" "$(jq -r 'select(.payment.status == "paid") | .payment.order_id' "$T/out" | wc -l | tr -d ' ') $(sqlite3 "$sb" "SELECT count(*) FROM payment")"
check_eq "a quoted record with only an id_no is paid" paid "$(echo '{"id_no":"341122199501010017","name":"示例九","relation":"sibling"}' | jm-register 2>/dev/null | jm-bind 2>/dev/null | jq -c 'del(.registration)' | jm-quote 2>/dev/null | jm-pay --yes --channel alipay 2>/dev/null | jq -r .payment.status)"
check_exit "a malformed JM_CHANNEL stops the program" 2 env JM_CHANNEL=cash jm-pay --yes "$T/q"
check_exit "a malformed JM_RETRY_BASE_MS stops it at once" 2 env JM_RETRY_BASE_MS=soon jm-pay --yes --channel alipay "$T/q"
# a record whose id_no was changed after its quote: never paid under it
fresh_platform
quote 13800000000 >"$T/q"
a=$(sed -n 2p "$T/q" | jq -r .id_no)
b=$(sed -n 3p "$T/q" | jq -r .id_no)
sed -n 2p "$T/q" | sed "s/\"id_no\":\"$a\"/\"id_no\":\"$b\"/" >"$T/swap"
check_exit "an id_no not the quoted person's: the platform refuses, exit 1" 1 jm-pay --yes --channel alipay "$T/swap"
check_eq "... PERSON_MISMATCH, both IDs masked" "PERSON_MISMATCH the record's ID number $(echo "$b" | cut -c1-4)**********$(echo "$b" | cut -c15-18) is not the quoted person's ($(echo "$a" | cut -c1-4)**********$(echo "$a" | cut -c15-18)): quote again" \
	"$(jq -r '"\(.error.code) \(.error.message)"' "$T/exit.out")"
jm-pay --yes --channel alipay "$T/q" >/dev/null 2>&1
check_eq "the true records are paid afterwards, once each" "6 6" "$(platform "SELECT count(*), count(DISTINCT insured_id) FROM payment WHERE status = 'paid'")"
check_eq "... and the changed one, paid before, is refused by the journal" PERSON_MISMATCH \
	"$(jm-pay --yes --channel alipay "$T/swap" 2>/dev/null | jq -r .error.code)"
# a session on file that gives no token says why, in the one line
fresh_platform
quote 13800000000 >"$T/q"
check_exit "a session of another platform: exit 1, nothing sent" 1 jm-pay --yes --channel alipay --endpoint "sandbox:$T/other.db" "$T/q"
check_eq "... NO_SESSION, naming the platform the session is for" "6 NO_SESSION" "$(grep -c "no payer is bound (the session on file is for $PLATFORM, not sandbox:$T/other.db): run jm-bind; nothing was sent" "$T/exit.err") $(jq -r .error.code "$T/exit.out" | sort -u)"
check_eq "... and an expired one says when it expired" 6 "$(JM_TODAY=2026-03-01 jm-pay --yes --channel alipay "$T/q" 2>&1 >/dev/null | grep -c 'no payer is bound (the session on file expired at 2025-12-..T..:..:..+08:00): run jm-bind')"
check_eq "a record without a quote" MISSING_FIELD "$(sed -n 1p "$ex" | jm-pay --yes --channel alipay 2>/dev/null | jq -r .error.code)"
# on a terminal, the progress line counts the records written so far, not
# the outcomes of their whole batch (known before its first record is out)
if command -v script >/dev/null 2>&1; then
	fresh_platform
	"$TESTS/../tools/gen-roster" 150 3 | jm-register 2>/dev/null |
		jm-bind 2>/dev/null | jm-quote 2>/dev/null >"$T/q150"
	JM_TEST_BATCH=128 script -qec "jm-pay --yes --channel alipay '$T/q150' >'$T/p150'" \
		/dev/null </dev/null | tr '\r' '\n' >"$T/progress"
	head -n 100 "$T/p150" >"$T/p100"
	check_eq "the progress line at 100 records counts their outcomes" \
		"jm-pay: 100 records, $(grep -c '"status":"paid"' "$T/p100") paid, 0 declined, 0 unknown " \
		"$(grep '^jm-pay: 100 records' "$T/progress")"
	check_eq "... and the last one all 150" \
		"jm-pay: 150 records, $(grep -c '"payment":{[^}]*"status":"paid"' "$T/p150") paid, 0 declined, 0 unknown " \
		"$(grep '^jm-pay: 150 records' "$T/progress")"
else
	skip "the progress line" "no script(1) for a terminal"
	skip "the progress line" "no script(1) for a terminal"
fi
done_testing
