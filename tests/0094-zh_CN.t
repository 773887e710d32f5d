#!/bin/sh
# Chinese: under LANG=zh_CN.UTF-8 every message, --help and summary is in
# Chinese (po/zh_CN.po); error codes, keys and values stay as they are.
. "$(dirname "$0")/lib.sh"
export JM_NOW=2025-11-20T09:30:00+08:00
unset LANGUAGE
po=$TESTS/../po
ex=$TESTS/../share/examples/family.jsonl

# The zh_CN.UTF-8 locale: the system's (make deps makes it, as root), or
# one made for this test alone, in its folder (LOCPATH).
if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\{0,1\}8'; then
	mkdir -p "$T/locale"
	localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" \
		>"$T/localedef.out" 2>&1
	export LOCPATH="$T/locale"
fi
if [ "$(LC_ALL=zh_CN.UTF-8 locale charmap 2>/dev/null)" != UTF-8 ]; then
	echo "1..0 # SKIP no zh_CN.UTF-8 locale, and localedef cannot make" \
		"one (Debian: apt-get install locales)"
	exit 0
fi
plan 23
zh() { LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 "$@"; }
en() { "$@"; }

# every message of the sources is translated, none fuzzy
stats=$(msgfmt --check --statistics -o /dev/null "$po/zh_CN.po" 2>&1 |
	grep -v 'escape sequence')
check_eq "po/zh_CN.po: every message translated, none fuzzy" \
	"$(grep -c '^msgid ' "$po/jm.pot" | awk '{ print $1 - 1 }') translated messages." \
	"$stats"
# as make update-po extracts them
(cd "$TESTS/.." && xgettext --from-code=UTF-8 --language=C --keyword=_ \
	--keyword=N_ --keyword=NC_:1c,2 -o "$T/now.pot" common/*.c cmd/*.c \
	po/argp.c) 2>/dev/null
if msgcmp "$po/zh_CN.po" "$T/now.pot" >"$T/msgcmp" 2>&1; then
	pass "po/zh_CN.po translates the messages the sources have now"
else
	fail "po/zh_CN.po translates the messages the sources have now"
	echo "#   make update-po, then translate what msgmerge marks:"
	grep 'this message' "$T/msgcmp" | head -n 10 | sed 's/^/#   /'
fi

zh jm-quote --help >"$T/help" 2>&1
check "--help: the program's doc line" grep -qx \
	'核定每人的应缴费额：险种、缴费年度、日常或特殊缴费。' "$T/help"
check "--help: argp's usage line" grep -q '^用法： jm-quote \[选项\.\.\.\] \[FILE\.\.\.\]$' "$T/help"
check "--help: an option, aligned" grep -qx \
	'      --year=YEAR            缴费年度' "$T/help"
check "--help: a shared option" grep -qx \
	'  -q, --quiet                不显示警告（错误仍然显示）' "$T/help"
check_eq "--help: no line wider than 79 columns" "" "$(python3 -c '
import sys, unicodedata
for l in open(sys.argv[1], encoding="utf-8"):
    l = l.rstrip("\n")
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 79 and "{" not in l and "drop-after" not in l: print(l)
' "$T/help")"
check_exit "a usage error" 64 zh jm-quote --year abc
check_eq "... in Chinese" "jm-quote: --year: 'abc' 不是年份" \
	"$(head -n 1 "$T/exit.err")"

bad='{"id_no":"341122199003070018","name":"示例二","region":"341122"}'
echo "$bad" | zh jm-register >"$T/bad" 2>"$T/bad.err"
check_eq "an error record: its message in Chinese, its code ASCII" \
	'ID_CHECKSUM id_no: 校验码是 8，应为 7：有数字录错了' \
	"$(jq -r '.error | "\(.code) \(.message)"' "$T/bad")"
check_eq "... and its line on stderr" \
	'jm-register: <stdin>:1: 3411**********0018: id_no: 校验码是 8，应为 7：有数字录错了' \
	"$(cat "$T/bad.err")"
check_eq "... the record's keys stay" '["id_no","name","region","error"] ["tool","code","message","line"]' \
	"$(jq -c 'keys_unsorted, (.error | keys_unsorted)' "$T/bad" | tr '\n' ' ' | sed 's/ $//')"

rec='{"id_no":"341122199003070017","name":"示例一","region":"341122"}'
echo "$rec" | jm-register >/dev/null 2>&1
echo "$rec" | sed 's/341122"}/341181"}/' | zh jm-register >/dev/null 2>"$T/warn"
check_eq "a warning" \
	'jm-register: 警告：<stdin>:1: 3411**********0017: 登记信息中 region 为 341122，记录中为 341181' \
	"$(cat "$T/warn")"

export JM_HOME="$T/family"
zh jm-register <"$ex" 2>/dev/null | zh jm-bind 2>/dev/null |
	zh jm-quote --summary >"$T/q" 2>"$T/summary"
check "jm-quote --summary: the head line" grep -qx \
	'jm-quote: 6 人，缴费年度 2026（medical）' "$T/summary"
check "... the window" grep -q '^  征缴期 .*：还剩 [0-9]* 天（平台日期 2025-11-20）$' "$T/summary"
check "... the columns" grep -q '^  乡镇/街道  村/社区  人数  已缴  部分缴  未缴' "$T/summary"
check "... what is to pay" grep -q '^  待缴：6 人，[0-9.]* 元（日常缴费 5 人' "$T/summary"

check_exit "jm-pay with no terminal refuses" 64 zh setsid -w jm-pay --channel alipay "$T/q"
check_eq "... in Chinese" \
	'jm-pay: 没有可确认缴费的终端：什么都没有缴（无人值守时请给出 --yes）' \
	"$(cat "$T/exit.err")"

zh jm-pay --yes --channel alipay "$T/q" 2>/dev/null >"$T/paid"
zh jm-receipt --format text "$T/paid" >"$T/text" 2>/dev/null
check "jm-receipt --format text: the labels" grep -q \
	'^  金额          400.00 元  肆佰元整$' "$T/text"

# The same pipeline in English and in Chinese: only the messages differ.
{ cat "$ex"; echo "$bad"; echo 'not json'; } >"$T/in"
for l in en zh; do
	run=en
	[ $l = zh ] && run=zh
	JM_HOME="$T/$l" $run jm-register "$T/in" 2>/dev/null |
		JM_HOME="$T/$l" $run jm-bind 2>/dev/null |
		JM_HOME="$T/$l" $run jm-quote 2>/dev/null >"$T/$l.out"
	jq -c 'del(.error.message)' "$T/$l.out" >"$T/$l.s"
done
check_eq "... with errors among them" 2 "$(grep -c '"error"' "$T/zh.s")"
check_same "records in Chinese and English are the same but the messages" \
	"$T/en.s" "$T/zh.s"
check_eq "C.UTF-8 stays English" "jm-quote: --year: 'abc' is not a year" \
	"$(jm-quote --year abc 2>&1 | head -n 1)"
done_testing
