#!/bin/sh
# jm-receipt --reconcile: every finding, each from its own scenario.
. "$(dirname "$0")/lib.sh"
plan 25
export JM_TODAY=2025-11-20
ex=$TESTS/../share/examples/family.jsonl
sb=$PLATFORM_DB
jm-register <"$ex" 2>/dev/null | jm-bind 2>/dev/null | jm-quote 2>/dev/null >"$T/q"
findings() { jq -r '.reconcile.finding' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }' | sed 's/ $//'; }

# paid, receipts never fetched
sed -n 1,2p "$T/q" | jm-pay --yes --channel alipay >/dev/null 2>&1
check_exit "receipts missing are fetched: nothing needs a person" 0 jm-receipt --reconcile
check_eq "... one finding per receipt" "receipt-fetched:2" "$(findings <"$T/exit.out")"
check_eq "... stored and verified" 2 "$(ls "$JM_HOME/receipts/2026" | wc -l | tr -d ' ')"
check_exit "reconciling again finds nothing" 0 jm-receipt --reconcile
check_eq "... and says nothing" "" "$(cat "$T/exit.out")"

# killed after the platform committed, before the journal knew
{ sed -n 3p "$T/q" | JM_TEST_KILL_AT=platform jm-pay --yes --channel alipay; } >/dev/null 2>&1
check_eq "the journal does not know the outcome" intent "$(sqlite3 "$JM_HOME/journal.db" "SELECT state FROM attempt ORDER BY rowid DESC LIMIT 1")"
jm-receipt --reconcile >"$T/out" 2>&1
check_eq "an unknown outcome the platform has: resolved as paid, receipt fetched" "receipt-fetched:1 resolved:1" "$(findings <"$T/out")"
check_eq "... the journal now says paid" paid "$(sqlite3 "$JM_HOME/journal.db" "SELECT state FROM attempt ORDER BY rowid DESC LIMIT 1")"

# killed before anything reached the platform
{ sed -n 4p "$T/q" | JM_TEST_KILL_AT=intents jm-pay --yes --channel alipay; } >/dev/null 2>&1
check_exit "a request perhaps still travelling is pending: exit 75" 75 jm-receipt --reconcile
check_eq "... finding pending" pending "$(jq -r .reconcile.finding "$T/exit.out")"
JM_TODAY=2025-11-21 jm-receipt --reconcile >"$T/out" 2>&1
check_eq "a day later: resolved as not paid" "resolved declined" "$(jq -r '"\(.reconcile.finding) \(.reconcile.outcome)"' "$T/out")"
check_eq "... and jm-pay pays with a new key" "paid 2" "$(sed -n 4p "$T/q" | JM_TODAY=2025-11-21 jm-pay --yes --channel alipay 2>/dev/null | jq -r .payment.status) $(sqlite3 "$JM_HOME/journal.db" "SELECT count(*) FROM attempt WHERE person = '34020200000004'")"
jm-receipt --reconcile >/dev/null 2>&1

# paid elsewhere, and paid twice
printf '{"fixture":"paid","id_no":"341122201209010052","year":2026,"item":"medical","channel":"wechat"}\n{"fixture":"paid","id_no":"341122199003070017","year":2026,"item":"medical","channel":"wechat","amount_fen":40000}\n' >"$T/fix"
jm-sandbox -q --load "$T/fix"
check_exit "paid twice needs a person: exit 1" 1 jm-receipt --reconcile
check_eq "... paid elsewhere, twice for one person" "duplicate:1 paid-elsewhere:2" "$(findings <"$T/exit.out")"
check_eq "... the duplicate names both orders" 2 "$(jq -r 'select(.reconcile.finding == "duplicate") | .reconcile.order_ids | length' "$T/exit.out")"

# the platform's amount differs; the platform lost a payment
o=$(sqlite3 "$sb" "SELECT order_id FROM payment WHERE insured_id = '34020200000002'")
sqlite3 "$sb" "UPDATE payment SET amount_fen = 30000 WHERE order_id = '$o'"
jm-receipt --reconcile --since 2025-11-20 >"$T/out" 2>&1
check_eq "an amount that differs" 1 "$(jq -r 'select(.reconcile.finding == "amount-mismatch") | .reconcile.order_id' "$T/out" | grep -c "$o")"
sqlite3 "$sb" "PRAGMA foreign_keys = OFF; DELETE FROM payment WHERE order_id = '$o'"
jm-receipt --reconcile >"$T/out" 2>&1
check_eq "a payment the platform no longer lists" 1 "$(jq -r 'select(.reconcile.finding == "missing-on-platform") | .reconcile.order_id' "$T/out" | grep -c "$o")"

# settled (入库) some working days on: the journal keeps it
JM_TODAY=2025-11-28 jm-receipt --reconcile >/dev/null 2>&1
check_eq "a settled payment is settled in the journal" settled "$(sqlite3 "$JM_HOME/journal.db" "SELECT state FROM attempt WHERE person = '34020200000001'")"
check_eq "... and jm-pay says so when it gives the payment again" "paid true" "$(sed -n 1p "$T/q" | JM_TODAY=2025-11-28 jm-pay --yes --channel alipay 2>/dev/null | jq -r '"\(.payment.status) \(.payment.settled)"')"

# never settled (the sandbox's test phone ending 0404)
fresh_platform
sed 's/13800000000/13800000404/' "$ex" | jm-register 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote 2>/dev/null | sed -n 1p | jm-pay --yes --channel bank >/dev/null 2>&1
jm-receipt --reconcile >/dev/null 2>&1
check_exit "settled in time is no finding" 0 env JM_TODAY=2025-11-25 jm-receipt --reconcile
JM_TODAY=2025-12-01 jm-receipt --reconcile --summary >"$T/out" 2>"$T/sum"
check_eq "not settled after the usual delay: needs a person" "not-settled true" "$(jq -r '"\(.reconcile.finding) \(.reconcile.needs_person)"' "$T/out")" ||
	cat "$T/out" "$T/sum" | sed 's/^/#   /' | head -20
check "--summary for the cron mail" grep -q '^    not settled (入库)        1$' "$T/sum"
check_exit "--since later than everything: nothing to say" 0 env JM_TODAY=2025-12-01 jm-receipt --reconcile --since 2025-11-30
# a newborn without an ID number: named by the registry's number
sed -n 6p "$T/q" | jm-pay --yes --channel alipay >/dev/null 2>&1
nbid=$(sed -n 6p "$T/q" | jq -r .registration.insured_id)
jm-receipt --reconcile --format text >"$T/out" 2>&1
check "a newborn's finding, as text, names the insured number" grep -q "^  receipt-fetched  *$nbid  *the receipt was missing" "$T/out"
if over_http; then
	skip "a busy platform: exit 75" "over HTTP the server waits for the sandbox (its own JM_SANDBOX_BUSY_MS) and the client retries"
else
	check_exit "a busy platform: exit 75" 75 sh -c '(echo "BEGIN IMMEDIATE;"; sleep 2; echo "COMMIT;") | sqlite3 "$1" & sleep 0.5; JM_SANDBOX_BUSY_MS=100 jm-receipt --reconcile; rc=$?; wait; exit $rc' sh "$PLATFORM_DB"
fi
done_testing
