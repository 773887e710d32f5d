#!/bin/sh
# The pension through jm-pay and jm-receipt: the household's November
# sitting (medical for next year, the pension for this one), payments
# exactly once, a higher grade later in the year paid as the difference,
# the top grade, past years, receipts of the calendar year.
. "$(dirname "$0")/lib.sh"
plan 43
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
cd "$T" || exit 1
xsd=$TESTS/../share/receipt.xsd
sb=$PLATFORM_DB
jr=$JM_HOME/journal.db
platform() { sqlite3 -separator ' ' "$sb" "$1"; }

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
jm-quote --item medical,pension bound.jsonl >q.jsonl 2>/dev/null

jm-pay --dry-run --channel wechat q.jsonl >dry.out 2>/dev/null
check "--dry-run names the item of each payment" grep -q '^2      3404\*\{10\}[0-9X]\{4\}  示例一      pension  2025  500.00     pay$' dry.out
check_eq "--dry-run counts payments and people" "would pay 4 people (6 payments), 2900.00 yuan, through wechat; nothing was paid" "$(tail -n 1 dry.out)"

jm-pay --yes --channel wechat --summary q.jsonl >paid.jsonl 2>pay.err
check_eq "the household's sitting: jm-pay exits 0" 0 "$?"
check_eq "what each record paid" "medical 40000,pension 50000,medical 40000,pension 100000,medical nothing-due,pension -,medical 40000,pension -,medical 20000,pension nothing-due" \
	"$(jq -r '"\(.quote.item // .error.item) \(if .payment.status == "paid" then .payment.amount_fen else .payment.status // "-" end)"' paid.jsonl | paste -sd, -)"
check_eq "the platform: medical for 2026, the pension for 2025" "2026 medical 4 140000,2025 pension 2 150000" \
	"$(platform "SELECT year, item, count(*), sum(amount_fen) FROM payment WHERE status = 'paid' GROUP BY year, item ORDER BY item" | paste -sd, -)"
check_eq "the journal keeps the pension's grade with its attempts" "50000 50000,100000 100000" \
	"$(sqlite3 -separator ' ' "$jr" "SELECT grade_fen, amount_fen FROM attempt WHERE item = 'pension' ORDER BY rowid" | paste -sd, -)"

jm-receipt paid.jsonl >receipts.jsonl 2>/dev/null
check_eq "jm-receipt: a receipt for each payment" 6 "$(jq -r 'select(.receipt.verified) | .receipt.receipt_no' receipts.jsonl | sort -u | wc -l | tr -d ' ')"
check "every receipt follows receipt.xsd" xmllint --noout --schema "$xsd" "$JM_HOME"/receipts/*/*.xml
pr=$(sed -n 2p receipts.jsonl | jq -r .receipt.path)
check_eq "the pension's receipt is stored under its year, 2025" "$JM_HOME/receipts/2025" "$(dirname "$pr")"
check "it names 城乡居民基本养老保险费" grep -q '<item code="pension">城乡居民基本养老保险费</item>' "$pr"
check "its period is the calendar year" grep -q '<period year="2025" from="2025-01-01" to="2025-12-31">2025年度</period>' "$pr"
check "its amount" grep -q '<amount fen="50000" yuan="500.00">伍佰元整</amount>' "$pr"
check "the medical receipt beside it is for 2026" grep -q '<period year="2026" from="2026-01-01" to="2026-12-31">2026年度</period>' "$(sed -n 1p receipts.jsonl | jq -r .receipt.path)"
check_exit "jm-receipt --verify: the pension's receipt is genuine" 0 jm-receipt --verify "$pr"
jm-receipt --format text paid.jsonl >receipts.txt 2>/dev/null
check "text: the item and the period" grep -q '^  Item          城乡居民基本养老保险费$' receipts.txt
check_eq "text: no full ID number" 0 "$(grep -cE '[0-9]{17}[0-9X]' receipts.txt)"

# run again: nothing charged, the same payments
jm-pay --yes --channel wechat q.jsonl >again.jsonl 2>/dev/null
check_same "jm-pay on the same quotes again: the same payments" paid.jsonl again.jsonl
jm-quote --item medical,pension bound.jsonl 2>/dev/null | jm-pay --yes --channel alipay >fresh.jsonl 2>/dev/null
check_eq "the whole sitting again: the same orders" "$(jq -r '.payment.order_id // "-"' paid.jsonl)" "$(jq -r '.payment.order_id // "-"' fresh.jsonl)"
check_eq "... and nothing charged" 6 "$(platform "SELECT count(*) FROM payment")"

# a higher grade later in the year: the difference, a new payment
export JM_TODAY=2025-12-10
sed -n 1p bound.jsonl | jq -c 'del(.grade_fen)' >self.jsonl
jm-quote --item pension --grade 1000 self.jsonl >q1000.jsonl 2>/dev/null
check_eq "grade 1000 after 500: 500 due, the subsidy of the total" "partly-paid 50000 50000 21000" \
	"$(jq -r '.quote | "\(.status) \(.paid_fen) \(.due_fen) \(.subsidy_fen)"' q1000.jsonl)"
jm-pay --yes --channel alipay q1000.jsonl >p1000.jsonl 2>/dev/null
check_eq "... paid: a new order for the difference" "paid 50000 new" \
	"$(jq -r --arg o "$(sed -n 2p paid.jsonl | jq -r .payment.order_id)" '.payment | "\(.status) \(.amount_fen) \(if .order_id == $o then "old" else "new" end)"' p1000.jsonl)"
check_eq "... the platform's pension for self in 2025: 500 + 500" "2 100000" \
	"$(platform "SELECT count(*), sum(amount_fen) FROM payment p JOIN person USING (insured_id) WHERE id_no = '$self' AND item = 'pension' AND year = 2025")"
jm-receipt p1000.jsonl >r1000.jsonl 2>/dev/null
check "... its own receipt" grep -q '<amount fen="50000" yuan="500.00">伍佰元整</amount>' "$(jq -r .receipt.path r1000.jsonl)"
jm-quote --item pension --grade 500 self.jsonl 2>/dev/null | jm-pay --yes --channel alipay >p500.jsonl 2>/dev/null
check_eq "the grade-500 sitting again: its first payment, nothing charged" "$(sed -n 2p paid.jsonl | jq -c .payment)" "$(jq -c .payment p500.jsonl)"
jm-pay --yes --channel alipay q1000.jsonl >p1000b.jsonl 2>/dev/null
check_same "the grade-1000 quotes paid again: the same payment" p1000.jsonl p1000b.jsonl
check_eq "... 3 pension payments in all, none twice" 3 "$(platform "SELECT count(*) FROM payment WHERE item = 'pension'")"

# the top grade, and a payment that would pass it
jm-quote --item pension --grade 6000 self.jsonl 2>/dev/null | jm-pay --yes --channel alipay >p6000.jsonl 2>/dev/null
check_eq "up to the top grade: 5000 more" "paid 500000" "$(jq -r '.payment | "\(.status) \(.amount_fen)"' p6000.jsonl)"
check_eq "the top grade reached: nothing more due" "paid 0" \
	"$(jm-quote --item pension --grade 6000 self.jsonl 2>/dev/null | jq -r '.quote | "\(.status) \(.due_fen)"')"
sed -n 2p bound.jsonl | jq -c 'del(.grade_fen)' >spouse.jsonl
jm-quote --item pension --grade 6000 spouse.jsonl >s6000.jsonl 2>/dev/null
echo "{\"fixture\":\"paid\",\"id_no\":\"$spouse\",\"year\":2025,\"item\":\"pension\",\"channel\":\"counter\",\"amount_fen\":200000}" | jm-sandbox -q --load -
check_exit "a quote from before a payment elsewhere: exit 1" 1 jm-pay --yes --channel alipay s6000.jsonl
check_eq "... GRADE_LIMIT: it would pass the top grade" "declined GRADE_LIMIT" \
	"$(jq -r '"\(.payment.status) \(.error.code)"' "$T/exit.out")"
check "... the message says how much more may be paid" grep -q 'would total 8000.00 yuan, more than the top grade 6000.00: at most 3000.00 more can be paid$' "$T/exit.err"
check_eq "... nothing charged" 0 "$(platform "SELECT count(*) FROM payment p JOIN person USING (insured_id) WHERE id_no = '$spouse' AND item = 'pension' AND status = 'paid' AND amount_fen = 500000")"
jm-quote --item pension --grade 6000 spouse.jsonl 2>/dev/null | jm-pay --yes --channel alipay >s6000b.jsonl 2>/dev/null
check_eq "quoted again: the rest, 3000, paid with a new key" "paid 300000 new" \
	"$(jq -r --arg k "$(jq -r .payment.idempotency_key "$T/exit.out")" '.payment | "\(.status) \(.amount_fen) \(if .idempotency_key == $k then "old" else "new" end)"' s6000b.jsonl)"

jm-receipt --reconcile >rec.jsonl 2>/dev/null
check_eq "reconciliation: several pension payments a year are no duplicate" 0 "$(grep -c '"finding":"duplicate"' rec.jsonl)"

# past years are the counter's
export JM_TODAY=2026-01-05
jm-quote --item pension --grade 500 --year 2025 self.jsonl >past.jsonl 2>past.err
check_eq "2025's pension in 2026: YEAR_CLOSED" YEAR_CLOSED "$(jq -r .error.code past.jsonl)"
check "... pointing to the counter (补缴)" grep -q 'past years (补缴) are paid at a tax office counter, and earn no subsidy$' past.err
check_exit "... jm-pay passes it on, paying nothing" 0 jm-pay --yes --channel alipay past.jsonl
check_eq "the default year in January is the new one" 2026 "$(jm-quote --item pension --grade 500 self.jsonl 2>/dev/null | jq -r .quote.year)"

# an unknown outcome blocks the person, whatever grade is asked next
export JM_HOME="$T/unknown" JM_TODAY=2025-11-20
fresh_platform
sed 's/13800000000/13800000119/' family.jsonl | sed -n 1p | jm-register 2>/dev/null | jm-bind >u.jsonl 2>/dev/null
jm-quote --item pension --grade 500 u.jsonl 2>/dev/null >u500.jsonl
check_exit "the channel fails: unknown, exit 75" 75 jm-pay --yes --channel wechat u500.jsonl
key=$(jq -r .payment.idempotency_key "$T/exit.out")
jm-quote --item pension --grade 800 u.jsonl 2>/dev/null >u800.jsonl
check_exit "a higher grade asked meanwhile: still blocked, exit 75" 75 jm-pay --yes --channel wechat u800.jsonl
check_eq "... the unresolved attempt sent again with its key and grade" "$key 50000" \
	"$(jq -r '.payment | "\(.idempotency_key) \(.amount_fen)"' "$T/exit.out")"
check "... and a warning says so" grep -q 'an earlier attempt for grade 500.00 is unresolved: it is sent again, not one for grade 800.00$' "$T/exit.err"
check_eq "... one attempt in the journal" 1 "$(sqlite3 "$JM_HOME/journal.db" "SELECT count(*) FROM attempt")"
done_testing
