#!/bin/sh
# --format text, for people: every program's table is aligned on its
# header (CJK characters two columns wide), ID numbers are masked, and
# nothing writes escape sequences: jm has no colour, on a terminal or not,
# with NO_COLOR or without.
. "$(dirname "$0")/lib.sh"
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
ex=$TESTS/../share/examples/family.jsonl
PY=/usr/bin/python3
esc=$(printf '\033')

# aligned FILE [right]: each row's cells begin where the header's titles
# do: the display column before a title's is blank in every row, and a
# cell that is not empty begins at the title's column; right: from the
# third column on, the cells (numbers) end where their titles end
cat >"$T/aligned.py" <<'EOF'
import re, sys, unicodedata


def cols(s):
    out = []
    for ch in s:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        out.extend([ch] + [""] * (w - 1))
    return out


def at(r, p):
    return r[p] if 0 <= p < len(r) else " "


rows = [cols(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")]
right = sys.argv[2:] == ["right"]
head = "".join(c or " " for c in rows[0])
starts = [m.start() for m in re.finditer(r"(?<=  )\S", head)]
ends = [m.end() for m in re.finditer(r"\S+( \S+)*", head)][2:]
bad = 0
for i, r in enumerate(rows[1:], 2):
    for p in (starts[:1] if right else starts):
        if at(r, p - 1) not in (" ", "") or at(r, p) == "":
            print("line %d: column %d is not aligned" % (i, p))
            bad += 1
    for e in (ends if right else []):
        if at(r, e - 1) in (" ", "") or at(r, e) != " ":
            print("line %d: the number ending at %d is not aligned" % (i, e))
            bad += 1
sys.exit(1 if bad or not starts or len(rows) < 2 else 0)
EOF
aligned() { check "$1" $PY "$T/aligned.py" "$2" ${3:+"$3"}; }
masked() {
	check_eq "$1: ID numbers masked" "" \
		"$(grep -Eo '[0-9]{17}[0-9X]' "$2" | head -n 3)"
}

jm-register --format text "$ex" >"$T/register.txt" 2>/dev/null
jm-register "$ex" 2>/dev/null >"$T/reg"
jm-bind --format text "$T/reg" >"$T/bind.txt" 2>/dev/null
jm-bind "$T/reg" 2>/dev/null >"$T/bind"
jm-quote --format text --item medical,pension --grade 300 "$T/bind" \
	>"$T/quote.txt" 2>/dev/null
jm-quote --item medical,pension --grade 300 "$T/bind" >"$T/q" 2>/dev/null
jm-quote --report --format text "$T/bind" "$TESTS/data/quote/roster.jsonl" \
	>"$T/report.txt" 2>/dev/null
sed -n '3,/^  total/p' "$T/report.txt" >"$T/report.table"
jm-pay --yes --channel alipay --max-total 1500 --format text "$T/q" \
	>"$T/pay.txt" 2>/dev/null
jm-pay --dry-run --channel alipay "$T/q" >"$T/dry.txt" 2>/dev/null
sed '$d' "$T/dry.txt" >"$T/dry.table"
for t in register bind quote pay; do
	aligned "jm-$t --format text: aligned" "$T/$t.txt"
	masked "jm-$t --format text" "$T/$t.txt"
done
aligned "jm-pay --dry-run: aligned" "$T/dry.table"
aligned "jm-quote --report --format text: aligned, numbers to the right" \
	"$T/report.table" right
check "jm-pay --format text: one row per record, its status" \
	grep -Eq '^2 +3411\*{10}0017 +示例一 +pension +2025 +300\.00 +paid +JM[0-9]+$' "$T/pay.txt"
check "... a skipped one says why" \
	grep -q 'skipped      past --max-total$' "$T/pay.txt"
check "... an error its message" \
	grep -Eq '^6 .* pension +error +the resident pension is for ages' "$T/pay.txt"
check_eq "... and no JSON" "" "$(grep -c '^{' "$T/pay.txt" | grep -v '^0$')"

# a declined payment, as text
sed 's/13800000000/13800000002/' "$ex" >"$T/decl.jsonl"
rm -rf "$JM_HOME"
jm-register "$T/decl.jsonl" 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote 2>/dev/null >"$T/q2"
jm-pay --yes --channel wechat --format text "$T/q2" >"$T/decl.txt" 2>/dev/null
aligned "jm-pay --format text, declined: aligned" "$T/decl.txt"
check "... the status and the channel's word" \
	grep -Eq '^1 .* medical +2026 +400\.00 +declined +the wechat channel declined the payment$' "$T/decl.txt"

jm-receipt --format text "$T/pay.txt" >/dev/null 2>&1
jm-pay --yes --channel alipay "$T/q" 2>/dev/null | jm-receipt --format text \
	>"$T/receipt.txt" 2>/dev/null
masked "jm-receipt --format text" "$T/receipt.txt"
jm-bind --status >"$T/status.txt" 2>&1
masked "jm-bind --status" "$T/status.txt"

# no colour: no escape sequence anywhere, on a terminal or not
check_eq "no escape sequences in any text output" "" \
	"$(cat "$T"/*.txt | grep -c "$esc" | grep -v '^0$')"
if command -v script >/dev/null 2>&1; then
	for nc in "" 1; do
		NO_COLOR=$nc script -qec "jm-pay --dry-run --channel alipay '$T/q'; jm-register --format text '$ex'; jm-quote --summary --format text '$T/bind'" \
		    /dev/null >"$T/tty.out" 2>&1 </dev/null
		check_eq "on a terminal${nc:+ with NO_COLOR}: no escape sequences" \
			"" "$(grep -c "$esc" "$T/tty.out" | grep -v '^0$')"
	done
else
	n=$((n + 2))
	echo "ok $((n - 1)) # skip no script(1) for a terminal"
	echo "ok $n # skip no script(1) for a terminal"
fi

# shellcheck disable=SC2154 # lib.sh counts the tests in n
plan "$n"
done_testing
