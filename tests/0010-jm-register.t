#!/bin/sh
# jm-register: registration, idempotence, newborns, validation, exit codes.
. "$(dirname "$0")/lib.sh"
plan 38
export JM_TODAY=2026-11-27

check_exit "a household registers" 0 jm-register "$DATA/family.jsonl"
cp "$T/exit.out" "$T/first"
check_eq "everyone is registered" "registered registered registered registered registered registered" \
	"$(jq -r .registration.status "$T/first" | tr '\n' ' ' | sed 's/ $//')"
check_eq "lower-case x is written back as X" 34112219650818004X "$(sed -n 4p "$T/first" | jq -r .id_no)"
check_eq "region defaults to the ID's address code" 341122 "$(sed -n 3p "$T/first" | jq -r .registration.region)"
check_eq "the record's region wins over the ID's" 341122 "$(sed -n 2p "$T/first" | jq -r .registration.region)"
check_eq "aid group kept by the registry" minimum-living "$(sed -n 3p "$T/first" | jq -r .registration.aid)"
check_eq "no aid is null" null "$(sed -n 1p "$T/first" | jq -r .registration.aid)"
check_eq "category pupil" pupil "$(sed -n 5p "$T/first" | jq -r .registration.category)"
check_eq "the newborn takes the guardian's region" "341122 newborn" "$(sed -n 6p "$T/first" | jq -r '.registration | "\(.region) \(.category)"')"
check_eq "registered_at is RFC 3339 in +08:00" 6 "$(jq -r .registration.registered_at "$T/first" | grep -c '^2026-11-27T[0-9:]*+08:00$')"
check_eq "insured ids are distinct" 6 "$(jq -r .registration.insured_id "$T/first" | sort -u | wc -l | tr -d ' ')"

sleep 1
check_exit "registering again is no error" 0 jm-register "$DATA/family.jsonl"
check_eq "status existing on the second run" 6 "$(jq -r .registration.status "$T/exit.out" | grep -c existing)"
check_same "same insured ids and original times" \
	"$(jq -r '.registration | "\(.insured_id) \(.registered_at)"' "$T/first" >"$T/a"; echo "$T/a")" \
	"$(jq -r '.registration | "\(.insured_id) \(.registered_at)"' "$T/exit.out" >"$T/b"; echo "$T/b")"

# the newborn, later registered with an ID number, is the same person
printf '%s\n' '{"id_no":"341122202510010013","name":"示例六","birth_cert_no":"o340012345"}' >"$T/child"
jm-register "$T/child" >"$T/out" 2>"$T/err"
check_eq "a newborn's ID joins the same insured person" \
	"$(sed -n 6p "$T/first" | jq -r .registration.insured_id) existing" \
	"$(jq -r '.registration | "\(.insured_id) \(.status)"' "$T/out")"
check_eq "an ID born another day cannot take the certificate" BAD_VALUE "$(echo '{"id_no":"341122202510020019","name":"示例六","birth_cert_no":"O340012345"}' | jm-register 2>/dev/null | jq -r .error.code)"
check_eq "the ID's birth date must match" BAD_VALUE "$(echo '{"id_no":"341122202510010013","name":"示例六","birth_date":"2025-10-02"}' | jm-register 2>/dev/null | jq -r .error.code)"

printf '%s\n' '{"category":"newborn","name":"示例七","guardian_id_no":"341122199501010017","birth_cert_no":"P340012345","birth_date":"2026-11-01"}' >"$T/orphan"
jm-register "$T/orphan" >"$T/out" 2>"$T/err"
check_eq "guardian must be registered" GUARDIAN_NOT_REGISTERED "$(jq -r .error.code "$T/out")"
printf '%s\n' '{"id_no":"341122199501010017","name":"示例八"}' | jm-register >/dev/null 2>&1
jm-register "$T/out" >"$T/out2" 2>"$T/err"
check_eq "re-run after the cause is fixed: own error dropped" "registered null" "$(jq -r '"\(.registration.status) \(.error)"' "$T/out2")"
echo '{"id_no":"341122199003070017","name":"示例一","error":{"tool":"jm-quote","code":"X","message":"m"}}' | jm-register >"$T/out" 2>"$T/err"
check_eq "another program's error passes untouched" 'X null' "$(jq -r '"\(.error.code) \(.registration)"' "$T/out")"
check_eq "a message is one line, though the value it quotes had a newline" \
	"BAD_VALUE category 'new?born' is not one of: resident pupil university newborn" \
	"$(printf '%s\n' '{"id_no":"341122199003070017","name":"示例一","category":"new\nborn"}' | jm-register 2>/dev/null | jq -r '"\(.error.code) \(.error.message)"')"
check_eq "a newborn needs a birth certificate number" MISSING_FIELD "$(echo '{"category":"newborn","name":"示例九","guardian_id_no":"341122199003070017","birth_date":"2026-11-01"}' | jm-register 2>/dev/null | jq -r .error.code)"
check_eq "only newborns may lack id_no" MISSING_FIELD "$(echo '{"name":"示例九"}' | jm-register 2>/dev/null | jq -r .error.code)"

# a mixed roster
jm-register "$DATA/mixed.jsonl" >"$T/out" 2>"$T/err"
check_eq "mixed roster exits 1" 1 $?
check_same "mixed roster: one code per line, in order" "$DATA/mixed.codes" \
	"$(jq -r '.error.code // .registration.status' "$T/out" >"$T/codes"; echo "$T/codes")"
check_eq "one stderr line per error" "$(grep -c '"error"' "$T/out")" "$(wc -l <"$T/err" | tr -d ' ')"
check_eq "ID numbers are masked on stderr" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$T/err")"
check_eq "stderr says where and whom" "jm-register: $DATA/mixed.jsonl:2: 3411**********0018: id_no: the check character is 8, it should be 7: a digit was mistyped" "$(sed -n 1p "$T/err")"

check_exit "--help exits 0" 0 jm-register --help
check_eq "--version names program and package" "jm-register (jm) 0.1.0" "$(jm-register --version)"
check_exit "an unknown option is a usage error" 64 jm-register --no-such-option
check_exit "a bad --format is a usage error" 64 jm-register --format yaml
check_exit "malformed JM_TODAY stops the program" 2 env JM_TODAY=2026-13-01 jm-register "$DATA/family.jsonl"
check_exit "malformed JM_NOW stops the program" 2 env JM_NOW=yesterday jm-register "$DATA/family.jsonl"
check_exit "a full disk is exit 2" 2 sh -c 'jm-register "$1" >/dev/full' sh "$DATA/family.jsonl"
check_eq "JM_TODAY judges birth dates" ID_BIRTH_DATE "$(echo '{"id_no":"341122202611280012","name":"示例九"}' | jm-register 2>/dev/null | jq -r .error.code)"

jm-register --format text "$DATA/family.jsonl" >"$T/text" 2>&1
check_eq "text output is a masked table" "1      3411**********0017  示例一      341122  existing    34112200000001" "$(sed -n 2p "$T/text")"
check_eq "state folder and sandbox are private" "700 600" "$(stat -c %a "$PLATFORM_HOME") $(stat -c %a "$PLATFORM_DB")"
done_testing
