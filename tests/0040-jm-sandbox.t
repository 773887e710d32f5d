#!/bin/sh
# jm-sandbox --load: employee accounts, the aid list, payments made
# elsewhere; refused fixtures; usage; a busy sandbox.
. "$(dirname "$0")/lib.sh"
plan 43
export JM_TODAY=2025-11-20
S=$DATA/sandbox
payer=340202199003070016
spouse=340202199201010022
parent=340202195801010159
cd "$T" || exit 2

quote() {
	id=$1
	shift
	echo "{\"id_no\":\"$id\"}" | jm-quote -q "$@" 2>/dev/null
}
due() { quote "$1" | jq -r '.quote | "\(.kind) \(.due_fen) \(.status)"'; }

jm-register "$S/people.jsonl" >reg.jsonl 2>/dev/null
check_exit "--load one fixture of each kind" 0 jm-sandbox --load "$S/good.jsonl"
check "it says how many were loaded" grep -qx "jm-sandbox: loaded 3 of 3 fixtures into $PLATFORM" "$T/exit.err"
check_eq "and writes nothing on stdout" "" "$(cat "$T/exit.out")"
sed -n 2p "$S/good.jsonl" >aid.jsonl
check_eq "-q says nothing" "" "$(jm-sandbox -q --load aid.jsonl 2>&1)"
check_eq "an aid fixture makes a registered person's quote special" "special 4000 unpaid" "$(due $spouse)"
check_eq "a paid fixture without amount_fen pays what is owed" "daily 0 paid" "$(due $parent)"
check_eq "the amount is the quote's" 40000 "$(quote $parent | jq -r .quote.paid_fen)"
jm-bind 2>/dev/null <reg.jsonl >/dev/null
check_eq "an employee account pays for close relatives" "3402**********0016" \
	"$(sed -n 2p reg.jsonl | jm-bind --family-account $payer 2>/dev/null | jq -r .binding.family_account)"

# a paid fixture pays only what is still owed
echo "{\"fixture\":\"paid\",\"id_no\":\"$payer\",\"year\":2026,\"item\":\"medical\",\"channel\":\"alipay\",\"amount_fen\":15000}" >part.jsonl
echo "{\"fixture\":\"paid\",\"id_no\":\"$payer\",\"year\":2026,\"item\":\"medical\",\"channel\":\"bank\"}" >rest.jsonl
jm-sandbox -q --load part.jsonl
check_eq "amount_fen: a part payment" "daily 25000 partly-paid" "$(due $payer)"
jm-sandbox -q --load rest.jsonl
check_eq "then no amount_fen pays the rest" "40000 0 paid" \
	"$(quote $payer | jq -r '.quote | "\(.paid_fen) \(.due_fen) \(.status)"')"
check_exit "nothing left to pay: a paid fixture needs amount_fen" 1 jm-sandbox --load rest.jsonl
check "ALREADY_PAID says so" grep -q 'already paid for 2026: give amount_fen' "$T/exit.err"

# the aid list applies to people registered later, too
later=340202195501010130
echo "{\"fixture\":\"aid\",\"id_no\":\"$later\",\"aid\":\"orphan\"}" | jm-sandbox -q --load -
check_eq "--load - reads stdin; an unregistered person may be on the list" 0 "$?"
echo "{\"id_no\":\"$later\",\"name\":\"示例六\"}" | jm-register >later.jsonl 2>/dev/null
check_eq "registered later, the person is in the aid group" orphan "$(jq -r .registration.aid later.jsonl)"
check_eq "and is subsidised" "special 0 subsidised" "$(due $later)"
echo "{\"fixture\":\"aid\",\"id_no\":\"$spouse\",\"aid\":\"monitored\"}" | jm-sandbox -q --load -
check_eq "a second aid fixture changes the group" "special 20000 unpaid" "$(due $spouse)"

# the civil-affairs list as a CSV roster, with the village it names
printf '%s\n' 'fixture,身份证号,姓名,资助类别,村/社区' \
	"aid,$spouse,示例二,低保,示例村" >aid.csv
check_exit "--csv: an aid list from a spreadsheet" 0 jm-sandbox -q --csv --load aid.csv
check_eq "the group is the list's" "special 4000 unpaid" "$(due $spouse)"
echo "{\"fixture\":\"aid\",\"id_no\":\"$spouse\",\"aid\":\"monitored\"}" | jm-sandbox -q --load -

# refused fixtures: one line each on stderr, exit 1, the good ones load
cp "$S/bad.jsonl" bad.jsonl
check_exit "bad fixtures: exit 1" 1 jm-sandbox --load bad.jsonl
sed "s|$PLATFORM|sandbox:SANDBOX|" "$T/exit.err" >bad.err
check_same "one line on stderr for each refused fixture" "$S/bad.err" bad.err
check_eq "no full ID number on stderr" 0 "$(grep -c '[0-9]\{17\}[0-9X]' bad.err)"
check_eq "the good line of the file loaded" "special 0 paid" "$(due $parent)"
check_eq "the refused ones changed nothing" "special 20000 unpaid" "$(due $spouse)"
check_eq "a float amount is refused, not truncated" 40000 "$(quote $payer | jq -r .quote.paid_fen)"
check_exit "-q keeps the errors" 1 jm-sandbox -q --load bad.jsonl
check_eq "every error and no summary" 18 "$(wc -l <"$T/exit.err" | tr -d ' ')"
echo "{\"fixture\":\"employee-account\",\"id_no\":\"$spouse\",\"name\":\"示例九\",\"region\":\"340202\",\"balance_fen\":1}" >mismatch.jsonl
check_exit "NAME_MISMATCH of an employee account" 1 jm-sandbox --load mismatch.jsonl
check_eq "no account was made" NO_ACCOUNT \
	"$(sed -n 3p reg.jsonl | jm-bind --family-account $spouse 2>/dev/null | jq -r .error.code)"

# taken off the aid list: "aid": null, and the registry's group goes too
echo "{\"fixture\":\"aid\",\"id_no\":\"$spouse\",\"aid\":null}" >off.jsonl
check_exit "an aid fixture with aid null loads" 0 jm-sandbox --load off.jsonl
check_eq "... the person's quote is daily again, the group gone from the registry" "daily 40000 unpaid null" "$(due $spouse) $(echo "{\"id_no\":\"$spouse\"}" | jm-register -q 2>/dev/null | jq -r .registration.aid)"
echo "{\"fixture\":\"aid\",\"id_no\":\"$spouse\"}" >noaid.jsonl
check_exit "an aid fixture without aid is refused, not taken for null" 1 jm-sandbox --load noaid.jsonl

# usage
check_exit "no --load is a usage error" 64 jm-sandbox
check "it says what to give" grep -q 'give --load FILE' "$T/exit.err"
check_exit "a file without --load is refused" 64 jm-sandbox "$S/good.jsonl"
check_exit "a missing file stops with 2" 2 jm-sandbox --load nosuch.jsonl
check "naming the file" grep -q '^jm-sandbox: nosuch.jsonl: No such file' "$T/exit.err"
check_exit "several --load files" 0 jm-sandbox --load aid.jsonl --load - </dev/null
check "are counted together" grep -q 'loaded 1 of 1 fixtures' "$T/exit.err"
check_exit "only a sandbox is served" 64 jm-sandbox --endpoint https://example.invalid/jm --listen 127.0.0.1:0

# a sandbox another program holds: try again later (75)
(echo 'BEGIN IMMEDIATE;'; sleep 3; echo 'COMMIT;') | sqlite3 "$PLATFORM_DB" &
holder=$!
sleep 1
echo "{\"id_no\":\"$(mkid 340202 19700101 017)\",\"name\":\"示例七\"}" >new.jsonl
export JM_SANDBOX_BUSY_MS=200
if over_http; then
	why="over HTTP the server waits for the sandbox (its own JM_SANDBOX_BUSY_MS) and the client retries"
	skip "a busy sandbox: jm-register exits 75" "$why"
	skip "with a message saying to try again later" "$why"
	skip "and no record" "$why"
else
	check_exit "a busy sandbox: jm-register exits 75" 75 jm-register new.jsonl
	check "with a message saying to try again later" \
		grep -q 'busy.*try again later' "$T/exit.err"
	check_eq "and no record" "" "$(cat "$T/exit.out")"
fi
check_exit "quoting reads while another program writes" 0 jm-quote -q "$S/people.jsonl"
unset JM_SANDBOX_BUSY_MS
wait "$holder"
done_testing
