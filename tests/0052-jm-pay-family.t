#!/bin/sh
# jm-pay --channel family: 门诊共济, an employee's account pays for relatives.
. "$(dirname "$0")/lib.sh"
plan 8
export JM_TODAY=2025-11-20
ex=$TESTS/../share/examples/family.jsonl
payer=341122199003070017
sb=$PLATFORM_DB

jm-register "$ex" >"$T/reg" 2>/dev/null
printf '{"fixture":"employee-account","id_no":"%s","name":"示例一","region":"340202","balance_fen":50000}\n' $payer >"$T/acct"
jm-sandbox -q --load "$T/acct"
jm-bind --family-account $payer "$T/reg" 2>/dev/null | jm-quote 2>/dev/null >"$T/q"
check_eq "relatives are bound to the account, the holder is not" "NOT_CLOSE_RELATIVE 3411**********0017" \
	"$(sed -n 1p "$T/q" | jq -r .error.code) $(sed -n 2p "$T/q" | jq -r .binding.family_account)"

jm-pay --yes --channel family --account $payer --summary "$T/q" >"$T/paid" 2>"$T/err"
check_eq "exit 1: the account could not cover everyone" 1 $?
check_eq "paid in order while the balance lasts" "jm-bind paid paid INSUFFICIENT_BALANCE INSUFFICIENT_BALANCE INSUFFICIENT_BALANCE" \
	"$(jq -r 'if .error then (if .error.tool == "jm-pay" then .error.code else .error.tool end) else .payment.status end' "$T/paid" | tr '\n' ' ' | sed 's/ $//')"
check_eq "the holder's own error passes through untouched" jm-bind "$(sed -n 1p "$T/paid" | jq -r .error.tool)"
check_eq "the account was charged 440.00 yuan" 6000 "$(sqlite3 "$sb" "SELECT balance_fen FROM account")"
check_eq "the payments name the family channel" "family family" "$(sqlite3 "$sb" "SELECT group_concat(channel, ' ') FROM payment WHERE status = 'paid'")"

# someone bound to the payer, but not to the account
other='{"id_no":"341122199501010017","name":"示例九","relation":"sibling"}'
echo "$other" | jm-register 2>/dev/null | jm-bind 2>/dev/null | jm-quote 2>/dev/null >"$T/o"
check_eq "a member not bound to the account: NOT_BOUND" NOT_BOUND "$(jm-pay --yes --channel family --account $payer "$T/o" 2>/dev/null | jq -r .error.code)"
check_eq "the same member pays through another channel" paid "$(jm-pay --yes --channel alipay "$T/o" 2>/dev/null | jq -r .payment.status)"
done_testing
