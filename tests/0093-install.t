#!/bin/sh
# make install into a scratch root puts every program, share/ (data,
# policy tables, schemas, examples), every man page, the completions and
# the message catalogs where they belong; the installed programs find their
# data there; make uninstall removes exactly that.
. "$(dirname "$0")/lib.sh"
TOP=$(cd "$TESTS/.." && pwd)
R=$T/root
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
# mk TARGET...: make in the source tree, for the build the suite runs on
# (make check SANITIZE=1 tests build-san/)
mk() {
	case ${JM_BIN:-} in
	*/build-san/bin) make -s -C "$TOP" SANITIZE=1 "$@" ;;
	*) make -s -C "$TOP" "$@" ;;
	esac
}

# want: the files make install must make, relative to the root
want() {
	for p in jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox; do
		echo "usr/bin/$p"
		echo "usr/share/bash-completion/completions/$p"
		echo "usr/share/fish/vendor_completions.d/$p.fish"
	done
	echo usr/share/zsh/site-functions/_jm
	(cd "$TOP/share" && ls regions.tsv receipt.xsd receipt.xsl policy/*.json \
	    schema/*.json examples/*) | sed 's|^|usr/share/jm/|'
	(cd "$TOP/man" && ls ./*.1) | sed 's|^\./|usr/share/man/man1/|'
	(cd "$TOP/man" && ls ./*.7) | sed 's|^\./|usr/share/man/man7/|'
	for po in "$TOP"/po/*.po; do
		[ -f "$po" ] || continue
		echo "usr/share/locale/$(basename "$po" .po)/LC_MESSAGES/jm.mo"
	done
}

check "make install PREFIX=/usr DESTDIR=root" \
	mk install PREFIX=/usr DESTDIR="$R"
want | sort >"$T/want"
(cd "$R" && find . -type f -o -type l) | sed 's|^\./||' | sort >"$T/got"
check_same "every file in its place, and nothing else" "$T/want" "$T/got"
check_eq "programs are executable, the rest is not" "" \
	"$(cd "$R" && find . -type f \( -path './usr/bin/*' ! -perm 755 \
	    -o ! -path './usr/bin/*' ! -perm 644 \))"
check "the installed man pages are read by man's formatter" \
	sh -c "mandoc -Tutf8 '$R/usr/share/man/man1/jm-pay.1' | grep -q -- --channel"

# The installed programs find their data beside them (bin/../share/jm),
# not in the build tree; JM_HOME is the test's.
B=$R/usr/bin
cd "$T" || exit 2
check "the installed pipeline: register, bind, quote, pay, receipt" \
	sh -c "'$B/jm-register' '$R/usr/share/jm/examples/family.jsonl' |
	    '$B/jm-bind' | '$B/jm-quote' | '$B/jm-pay' --yes --channel alipay |
	    '$B/jm-receipt' >'$T/paid.jsonl'"
check_eq "... every record has its verified receipt" "6 6" \
	"$(wc -l <"$T/paid.jsonl" | tr -d ' ') $(jq -r 'select(.receipt.verified) | .receipt.receipt_no' "$T/paid.jsonl" | wc -l | tr -d ' ')"
check_eq "... amounts from the installed policy tables" "2040.00" \
	"$(jq -s 'map(.payment.amount_fen) | add / 100 | tostring + ".00"' -r "$T/paid.jsonl")"
if [ -e /usr/local/share/jm ] || [ -e /usr/share/jm ]; then
	echo "ok $((n + 1)) # skip jm is installed on this machine too"
	n=$((n + 1))
else
	mv "$R/usr/share/jm" "$R/usr/share/jm.away"
	check "... and without the installed share/jm they cannot work" \
		sh -c "! '$B/jm-register' '$R/usr/share/jm.away/examples/family.jsonl' >/dev/null 2>&1"
	mv "$R/usr/share/jm.away" "$R/usr/share/jm"
fi
"$B/jm-receipt" --verify "$JM_HOME"/receipts/2026/*.xml >"$T/verify" 2>&1
check_eq "... all six genuine" 6 "$(grep -c ': genuine: ' "$T/verify")"

# bash-completion loads the installed completion by the command's name
bc=/usr/share/bash-completion/bash_completion
if command -v bash >/dev/null 2>&1 && [ -f "$bc" ]; then
	got=$(XDG_DATA_DIRS="$R/usr/share" bash -c '
		. "$1"
		_completion_loader jm-pay
		COMP_WORDS=(jm-pay --channel w)
		COMP_CWORD=2
		COMP_LINE="jm-pay --channel w"
		COMP_POINT=${#COMP_LINE}
		_jm jm-pay w --channel
		echo "${COMPREPLY[*]}"' sh "$bc" 2>&1)
	check_eq "bash-completion loads jm-pay's completion where it is installed" \
		"wechat wanshitong" "$got"
else
	echo "ok $((n + 1)) # skip bash-completion is not installed"
	n=$((n + 1))
fi

# the installed catalog speaks Chinese, where the locale exists
if [ -f "$R/usr/share/locale/zh_CN/LC_MESSAGES/jm.mo" ] &&
    locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	check "under LANG=zh_CN.UTF-8 the installed jm-pay speaks Chinese" \
		sh -c "LC_ALL=zh_CN.UTF-8 LANGUAGE= '$B/jm-pay' --help | grep -q '缴费'"
else
	echo "ok $((n + 1)) # skip no zh_CN catalog or no zh_CN.UTF-8 locale"
	n=$((n + 1))
fi

check "make uninstall PREFIX=/usr DESTDIR=root" \
	mk uninstall PREFIX=/usr DESTDIR="$R"
check_eq "no file is left" "" "$(cd "$R" && find . ! -type d)"
check_eq "no folder of jm's is left" "" "$(cd "$R" && find . -name '*jm*')"
check_eq "the folders left are standard ones" "" \
	"$(cd "$R" && find . -type d | sed 's|^\./||' | grep -Ev '^(\.|usr|usr/bin|usr/share|usr/share/man(/man[17])?|usr/share/bash-completion(/completions)?|usr/share/zsh(/site-functions)?|usr/share/fish(/vendor_completions\.d)?|usr/share/locale(/[^/]+(/LC_MESSAGES)?)?)$')"

# shellcheck disable=SC2154 # lib.sh counts the tests in n
plan "$n"
done_testing
