#!/bin/sh
# The policy rules, case by case: tests/data/policy/cases.in gives a person,
# the platform's date and the payments made; cases.out the quote expected.
. "$(dirname "$0")/lib.sh"
plan 2
guardian=$(mkid 341122 19900307 001)

seq=100
: >"$T/got"
grep -v '^#' "$DATA/policy/cases.in" | while IFS='|' read -r name today region cat aid birth paid opts; do
	seq=$((seq + 1))
	export JM_TODAY="$today"
	if [ "$cat" = newborn ]; then
		echo "{\"id_no\":\"$guardian\",\"name\":\"示例一\"}" | jm-register >/dev/null 2>&1
		b=$(echo "$birth" | sed 's/\(....\)\(..\)\(..\)/\1-\2-\3/')
		rec="{\"category\":\"newborn\",\"name\":\"示例二\",\"region\":\"$region\",\"guardian_id_no\":\"$guardian\",\"birth_cert_no\":\"O340000$seq\",\"birth_date\":\"$b\"${aid:+,\"aid\":\"$aid\"}}"
	else
		id=$(mkid "$region" "$birth" "$seq")
		rec="{\"id_no\":\"$id\",\"name\":\"示例三\",\"region\":\"$region\",\"category\":\"$cat\"${aid:+,\"aid\":\"$aid\"}}"
	fi
	echo "$rec" | jm-register >"$T/reg" 2>/dev/null
	# payments made elsewhere: YEAR[=AMOUNT_FEN][@PAID_AT]
	echo "$paid" | tr ',' '\n' | while read -r p; do
		[ -n "$p" ] || continue
		y=${p%%[@=]*}
		extra=
		case $p in
		*@*) extra=",\"paid_at\":\"${p#*@}\"" ;;
		esac
		case $p in
		*=*) a=${p#*=}; extra="$extra,\"amount_fen\":${a%@*}" ;;
		esac
		echo "{\"fixture\":\"paid\",\"id_no\":\"$id\",\"year\":$y,\"item\":\"medical\",\"channel\":\"wechat\"$extra}"
	done >"$T/fix"
	[ -s "$T/fix" ] && jm-sandbox -q --load "$T/fix"
	# shellcheck disable=SC2086
	jm-quote $opts "$T/reg" 2>"$T/err" | jq -r --arg n "$name" '
		if .error then "\($n): \(.error.code)"
		else .quote | "\($n): \(.year) \(.kind) std \(.standard_fen) aid \(.aid_fen) paid \(.paid_fen) due \(.due_fen) \(.status) window \(.window.from)..\(.window.to) in \(.in_window) wait \(.waiting_months) cover \(if .coverage then "\(.coverage.from)..\(.coverage.to)" else "none" end)" end' >>"$T/got"
	sed "s|$T/||; s/^/$name: /; s/[0-9]\{4\}\*\{10\}[0-9X]\{4\}/ID/; s/newborn O[0-9]*/ID/" "$T/err" >>"$T/got.err"
done
if [ -n "${JM_TEST_GOLDEN:-}" ]; then
	cp "$T/got" "$DATA/policy/cases.out"
	cp "$T/got.err" "$DATA/policy/cases.err"
fi
check_same "every policy case quotes as published" "$DATA/policy/cases.out" "$T/got"
check_same "warnings and errors on stderr" "$DATA/policy/cases.err" "$T/got.err"
done_testing
