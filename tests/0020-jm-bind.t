#!/bin/sh
# jm-bind: the payer, the session, members, family accounts.
. "$(dirname "$0")/lib.sh"
plan 38
export JM_TODAY=2025-11-20
fam=$DATA/family.jsonl
payer=341122199003070017
jm-register "$fam" >"$T/reg" 2>/dev/null

check_exit "no session: --status exits 1" 1 jm-bind --status
check_exit "binding a payer" 0 jm-bind --payer $payer --payer-name 示例一 --phone 13800000000 </dev/null
check_eq "the session file is private" 600 "$(stat -c %a "$JM_HOME/session")"
jm-bind --status >"$T/st"
check "--status masks the payer" grep -q '^payer     3411\*\*\*\*\*\*\*\*\*\*0017 示例一, phone 138\*\*\*\*0000$' "$T/st"
check "--status says sandbox mode" grep -q 'sandbox: synthetic' "$T/st"
check_eq "--status never shows the full ID" 0 "$(grep -c $payer "$T/st")"
check_eq "--status --format json" "true 3411**********0017" "$(jm-bind --status --format json | jq -r '"\(.valid) \(.payer)"')"

jm-bind "$T/reg" >"$T/bound" 2>"$T/err"
check_eq "every member is bound" 6 "$(jq -r .binding.member_id "$T/bound" | grep -c '^M')"
check_eq "binding.payer is masked" "3411**********0017" "$(jq -r .binding.payer "$T/bound" | sort -u)"
check_eq "relations from the records" "self spouse parent parent child child" "$(jq -r .binding.relation "$T/bound" | tr '\n' ' ' | sed 's/ $//')"
jm-bind "$T/reg" >"$T/again" 2>/dev/null
check_same "binding again is idempotent" "$T/bound" "$T/again"
check_eq "records keep their keys in order" '["id_no","name","region","relation","phone","registration","binding"]' "$(head -n 1 "$T/bound" | jq -c keys_unsorted)"

norel='{"id_no":"340202198801010021","name":"示例二"}'
check_eq "no relation: an error naming --relation" MISSING_FIELD "$(echo "$norel" | jm-bind 2>/dev/null | jq -r .error.code)"
check_eq "--relation fills a missing relation" spouse "$(echo "$norel" | jm-bind --relation spouse 2>/dev/null | jq -r .binding.relation)"
check_eq "a member must be registered" NOT_REGISTERED "$(echo '{"id_no":"341122199501010017","name":"示例九","relation":"child"}' | jm-bind 2>/dev/null | jq -r .error.code)"
check_eq "the name must match the registry" NAME_MISMATCH "$(echo '{"id_no":"340202198801010021","name":"示例九","relation":"spouse"}' | jm-bind 2>/dev/null | jq -r .error.code)"
check_eq "a second self is PAYER_CONFLICT" PAYER_CONFLICT "$(echo '{"id_no":"340202198801010021","name":"示例二","relation":"self","phone":"13900000000"}' | jm-bind 2>/dev/null | jq -r .error.code)"
check_exit "--payer without --phone is a usage error" 64 jm-bind --payer $payer --payer-name 示例一
check_exit "a payer whose name disagrees is refused" 1 jm-bind --payer $payer --payer-name 示例九 --phone 13800000000 </dev/null
check "the refusal says why" grep -q 'name does not match' "$T/exit.err"
check_exit "a bad phone is refused" 1 jm-bind --payer $payer --payer-name 示例一 --phone 12345 </dev/null

check_exit "--logout ends the session" 0 jm-bind --logout
check "the session file is gone" test ! -e "$JM_HOME/session"
check_eq "without a session members fail NO_SESSION" NO_SESSION "$(echo "$norel" | jm-bind --relation spouse 2>/dev/null | jq -r .error.code)"

# the payer's own record binds when there is no session
jm-bind "$T/reg" >"$T/auto" 2>"$T/err"
check_eq "the self record with a phone binds the payer" 6 "$(jq -r .binding.member_id "$T/auto" | grep -c '^M')"
check_exit "--status after the automatic binding" 0 jm-bind --status
jm-bind --logout

# 门诊共济: the payer's own employee account
cat >"$T/acct.jsonl" <<EOT
{"fixture":"employee-account","id_no":"$payer","name":"示例一","region":"341122","balance_fen":100000}
EOT
jm-sandbox -q --load "$T/acct.jsonl"
jm-bind --payer $payer --payer-name 示例一 --phone 13800000000 </dev/null
jm-bind --family-account $payer "$T/reg" >"$T/fam" 2>"$T/err"
check_eq "close relatives bind to the family account" "3411**********0017" "$(sed -n 2p "$T/fam" | jq -r .binding.family_account)"
check_eq "the payer is no close relative of their own account" NOT_CLOSE_RELATIVE "$(sed -n 1p "$T/fam" | jq -r .error.code)"
check_eq "an unknown account" NO_ACCOUNT "$(sed -n 2p "$T/reg" | jm-bind --family-account 340202198801010021 2>/dev/null | jq -r .error.code)"
other='{"id_no":"341122199501010017","name":"示例九","relation":"other"}'
echo "$other" | jm-register >"$T/o" 2>/dev/null
check_eq "relation other is refused for a family account" NOT_CLOSE_RELATIVE "$(jm-bind --family-account $payer "$T/o" 2>/dev/null | jq -r .error.code)"
check_eq "a failed binding drops the record's stale binding" null "$(jm-bind --family-account $payer "$T/fam" 2>/dev/null | sed -n 1p | jq -c .binding)"
jm-bind --format text "$T/reg" >"$T/text" 2>/dev/null
check "--format text: a masked table" grep -q '^2      3402\*\*\*\*\*\*\*\*\*\*0021  示例二      spouse       M0000000002$' "$T/text"

# a refused --payer: no record of the input binds in its place
jm-bind --logout
jm-bind --payer $payer --payer-name 示例九 --phone 13800000000 "$T/reg" >"$T/out" 2>/dev/null
check_eq "after a refused --payer, the self record does not bind" "NO_SESSION 6" "$(jq -r .error.code "$T/out" | sort | uniq -c | awk '{ print $2, $1 }')"
check_eq "--status --format json with no session" false "$(jm-bind --status --format json | jq -r .valid)"

# an expired session is no session: the payer's record binds again
jm-bind "$T/reg" >/dev/null 2>&1
check_eq "an expired session: the self record binds anew" 6 "$(JM_TODAY=2025-12-20 jm-bind "$T/reg" 2>/dev/null | jq -r .binding.member_id | grep -c '^M')"
grep -v '"relation":"self"' "$T/reg" | head -n 1 >"$T/spouse"
JM_TODAY=2026-06-01 jm-bind "$T/spouse" >/dev/null 2>"$T/expired.err"
check "an expired session and no self record to bind anew: the line says it expired" grep -q ': no payer is bound (the session on file expired at 2026-01-[0-9][0-9]T[0-9:]*+08:00): run jm-bind --payer' "$T/expired.err"
check_exit "--logout refuses to drop another platform's session" 1 jm-bind --logout --endpoint "sandbox:$T/other.db"
check "... and keeps the file" test -f "$JM_HOME/session"
done_testing
