#!/bin/sh
# The resident pension's rules, case by case: tests/data/policy/pension.in
# gives a person, the platform's date and the pension paid before;
# pension.out the quote expected, pension.err what jm-quote says on stderr.
. "$(dirname "$0")/lib.sh"
plan 2

seq=100
: >"$T/got"
: >"$T/got.err"
grep -v '^#' "$DATA/policy/pension.in" | while IFS='|' read -r name today region cat aid birth paid opts; do
	seq=$((seq + 1))
	export JM_TODAY="$today"
	id=$(mkid "$region" "$birth" "$seq")
	echo "{\"id_no\":\"$id\",\"name\":\"示例三\",\"region\":\"$region\",\"category\":\"$cat\"${aid:+,\"aid\":\"$aid\"}}" |
		jm-register >"$T/reg" 2>/dev/null
	# pension paid elsewhere: YEAR=AMOUNT_FEN[@PAID_AT]
	echo "$paid" | tr ',' '\n' | while read -r p; do
		[ -n "$p" ] || continue
		a=${p#*=}
		at=
		case $a in
		*@*) at=",\"paid_at\":\"${a#*@}\"" ;;
		esac
		echo "{\"fixture\":\"paid\",\"id_no\":\"$id\",\"year\":${p%%=*},\"item\":\"pension\",\"channel\":\"counter\",\"amount_fen\":${a%@*}$at}"
	done >"$T/fix"
	[ -s "$T/fix" ] && jm-sandbox -q --load "$T/fix"
	# shellcheck disable=SC2086
	jm-quote --item pension $opts "$T/reg" 2>"$T/err" | jq -r --arg n "$name" '
		if .error then "\($n): \(.error.code) (\(.error.item))"
		else .quote | "\($n): \(.year) \(.kind) grade \(.grade_fen) std \(.standard_fen) aid \(.aid_fen) paid \(.paid_fen) due \(.due_fen) subsidy \(.subsidy_fen) \(.subsidy_table) \(.status) window \(.window.from)..\(.window.to) in \(.in_window) cover \(.coverage.from)..\(.coverage.to)" end' >>"$T/got"
	sed "s|$T/||; s/^/$name: /; s/[0-9]\{4\}\*\{10\}[0-9X]\{4\}/ID/" "$T/err" >>"$T/got.err"
done
if [ -n "${JM_TEST_GOLDEN:-}" ]; then
	cp "$T/got" "$DATA/policy/pension.out"
	cp "$T/got.err" "$DATA/policy/pension.err"
fi
check_same "every pension case quotes as published" "$DATA/policy/pension.out" "$T/got"
check_same "warnings and errors on stderr" "$DATA/policy/pension.err" "$T/got.err"
done_testing
