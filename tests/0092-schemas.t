#!/bin/sh
# The JSON Schemas of share/schema/ (draft 2020-12) hold what the programs
# write: every scenario's output is checked with a real validator (Debian's
# python3-jsonschema): the household pipeline with both items, errors of
# every kind, a pipeline over HTTP, the reconciliation's findings, the
# progress report, jm-bind --status, jm-receipt --verify. The schemas also
# refuse what they must (a float amount, an ID number as a number).
. "$(dirname "$0")/lib.sh"
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
SCHEMA=$(cd "$TESTS/../share/schema" && pwd)
ex=$TESTS/../share/examples/family.jsonl
PY=/usr/bin/python3
if ! $PY -c 'import jsonschema' 2>/dev/null; then
	echo "1..0 # SKIP python3-jsonschema is not installed (make deps)"
	exit 0
fi

# validate.py SCHEMAS JOBS: the schemas in the folder SCHEMAS checked
# against the meta-schema, then each job of the file JOBS, a line
# "valid|invalid<TAB>SCHEMA<TAB>DESCRIPTION<TAB>FILE..." (SCHEMA a name
# such as record): every line of the FILEs is valid, or (invalid) none is.
# It prints "pass|fail<TAB>DESCRIPTION" for each, and why a job failed on
# lines "#   ...". One run for all: the validator takes a while to start.
cat >"$T/validate.py" <<'EOF'
import json, os, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)
import jsonschema
from jsonschema import Draft202012Validator as V

sdir, jobs = sys.argv[1], sys.argv[2]
schemas = {}
for f in sorted(os.listdir(sdir)):
    if f.endswith(".schema.json"):
        with open(os.path.join(sdir, f), encoding="utf-8") as fh:
            schemas[f] = json.load(fh)
why = []
for f, s in schemas.items():
    try:
        V.check_schema(s)
    except jsonschema.SchemaError as e:
        why.append("%s: %s" % (f, e.message))
    if s.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        why.append("%s: not draft 2020-12" % f)
    if not s.get("$id", "").endswith("/" + f):
        why.append("%s: its $id does not end in its name" % f)
print("%s\tevery schema is valid draft 2020-12, its $id its file name"
    % ("fail" if why else "pass"))
for w in why:
    print("#   " + w)
try:                    # jsonschema 4.18 and later
    from referencing import Registry, Resource
    reg = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    def validator(root):
        return V(root, registry=reg, format_checker=V.FORMAT_CHECKER)
except ImportError:     # Debian 12's 4.10
    store = {s["$id"]: s for s in schemas.values()}
    def validator(root):
        return V(root, resolver=jsonschema.RefResolver.from_schema(root,
            store=store), format_checker=V.FORMAT_CHECKER)


def errors(v, paths):
    out, n = [], 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for i, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                n += 1
                for e in v.iter_errors(json.loads(line)):
                    where = "/".join(str(p) for p in e.absolute_path)
                    out.append("%s:%d: /%s: %s" % (os.path.basename(path),
                        i, where, e.message[:200]))
    return n, out


with open(jobs, encoding="utf-8") as fh:
    for job in fh:
        want, name, desc, *paths = job.rstrip("\n").split("\t")
        n, out = errors(validator(schemas[name + ".schema.json"]), paths)
        if want == "valid":
            ok = n > 0 and not out
        else:
            ok, out = n > 0 and len(out) > 0, []
        print("%s\t%s" % ("pass" if ok else "fail", desc))
        for o in (out if n else ["no records to check"])[:20]:
            print("#   " + o)
EOF

# valid DESCRIPTION SCHEMA FILE...: every line of the FILEs is valid (a job
# for the validator's run at the end)
valid() {
	d=$1
	s=$2
	shift 2
	{
		printf 'valid\t%s\t%s' "$s" "$d"
		printf '\t%s' "$@"
		echo
	} >>"$T/jobs"
}

# invalid DESCRIPTION SCHEMA JSON: the schema refuses the record (a job)
invalid() {
	k=$(wc -l <"$T/jobs" | tr -d ' ')
	printf '%s\n' "$3" >"$T/bad.$k"
	printf 'invalid\t%s\t%s\t%s\n' "$2" "$1" "$T/bad.$k" >>"$T/jobs"
}

# codes FILE...: the error codes of the records, sorted, on one line
codes() {
	cat "$@" | jq -r '.error.code // empty' | sort -u | tr '\n' ' ' |
	    sed 's/ $//'
}

O=$T/out
mkdir -p "$O"
: >"$T/jobs"

# the household, both items: the payer pays the pension's 300 grade
jm-register "$ex" >"$O/reg" 2>/dev/null
jm-bind "$O/reg" >"$O/bind" 2>/dev/null
jm-quote --item medical,pension --grade 300 "$O/bind" >"$O/quote" 2>/dev/null
jm-pay --yes --channel alipay "$O/quote" >"$O/pay" 2>/dev/null
jm-receipt "$O/pay" >"$O/receipt" 2>/dev/null
valid "jm-register: the household" record "$O/reg"
valid "jm-bind: the household" record "$O/bind"
valid "jm-quote --item medical,pension: both quotes, the errors of those the pension does not take" record "$O/quote"
valid "jm-pay: medical and pension paid" record "$O/pay"
valid "jm-receipt: the receipts of both items" record "$O/receipt"
check_eq "... the scenario paid both items and kept their receipts" \
	"medical 6 pension 2" "$(jq -r 'select(.receipt) | .quote.item' "$O/receipt" | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? " " : ""), $2, $1 }')"
jm-pay --yes --channel wechat "$O/quote" >"$O/again" 2>/dev/null
valid "jm-pay run again: the same payments, from the journal" record "$O/again"
jm-quote --item pension "$O/receipt" >"$O/requote" 2>/dev/null
valid "jm-quote again on paid records: paid quotes, other keys passed on" record "$O/requote"

# the progress report of the paid household and an unregistered roster,
# by each grouping, and for two items
for by in village town region none; do
	jm-quote --report --summary-by "$by" "$O/bind" \
	    "$TESTS/data/quote/roster.jsonl" 2>/dev/null
done >"$O/report"
jm-quote --report --item medical,pension "$O/quote" >>"$O/report" 2>/dev/null
valid "jm-quote --report: by village, town, region, none, and two items" report "$O/report"
check_eq "... every kind of line met" "region total town village" \
	"$(jq -r .group "$O/report" | sort -u | tr '\n' ' ' | sed 's/ $//')"

# the person records people write, and the CSV roster's
valid "the sample household is valid person records" person "$ex"
jm-register --csv "$TESTS/data/csv/family-zh.csv" >"$O/csv" 2>/dev/null
valid "jm-register --csv: a Chinese roster" record "$O/csv"
valid "the golden outputs of tests/data" record \
	"$TESTS"/data/csv/*.out.jsonl

# the stream's and jm-register's errors
jm-register "$TESTS/data/mixed.jsonl" >"$O/mixed" 2>/dev/null
valid "jm-register: every check of a person record fails once" record "$O/mixed"
for f in "$TESTS"/data/hostile/*.jsonl; do
	jm-register "$f" 2>/dev/null
done >"$O/hostile"
for f in "$TESTS"/data/csv/*.csv "$TESTS"/data/hostile/*.csv; do
	jm-register --csv "$f" 2>/dev/null
done >>"$O/hostile"
{
	printf '[1,2]\n{"a":{"b":1,"b":2}}\n'
	printf '{"name":"示例","id_no":"%s"}\n' "$(head -c 2000 /dev/zero | tr '\0' 1)"
	printf '{"name":"示例","x":"%s"}\n' "$(head -c 1048576 /dev/zero | tr '\0' 1)"
	printf '{"a":%s1%s}\n' "$(printf '%070d' 0 | sed 's/0/[/g')" "$(printf '%070d' 0 | sed 's/0/]/g')"
	printf '{"category":"newborn","name":"示例六十","guardian_id_no":"341122199003070017"}\n'
	printf '{"category":"newborn","name":"示例六十","region":"340202","guardian_id_no":"340202199901010015","birth_cert_no":"O340099999","birth_date":"2025-10-01"}\n'
	printf '{"id_no":"341122199003070017","name":"示例一","town":7}\n'
	printf '{"id_no":"81000019900307001X","id_type":"hmt-permit","name":"示例港澳","region":"340202"}\n'
	printf '{"id_no":"341122199003070017","name":"示例一","aid":"poor"}\n'
	printf '{"id_no":"3411221990030700A7","name":"示例一"}\n'
	printf '{"id_no":"991122199003070017","name":"示例一"}\n'
} >"$O/more"
jm-register "$O/more" >>"$O/hostile" 2>/dev/null
valid "jm-register: hostile input, broken CSV, broken records" record "$O/hostile"
check_eq "... the stream's errors were all met" \
	"BAD_JSON BAD_UTF8 BAD_VALUE CSV_ENCODING CSV_HEADER CSV_SYNTAX DUPLICATE_KEY GUARDIAN_NOT_REGISTERED ID_ADDRESS ID_BIRTH_DATE ID_CHARS ID_CHECKSUM ID_LENGTH ID_NOT_STRING ID_SPREADSHEET LINE_TOO_LONG MISSING_FIELD NAME_INVALID NOT_OBJECT PHONE_INVALID REGION_NOT_ANHUI REGION_REQUIRED REGION_TOO_BROAD REGION_UNKNOWN TOO_DEEP WRONG_TYPE" \
	"$(codes "$O/mixed" "$O/hostile")"

# jm-bind's errors: a second payer, an unregistered person, no session
{
	sed -n 1p "$O/reg"
	printf '{"id_no":"340202198801010021","name":"示例二","relation":"self","phone":"13900000000"}\n'
	printf '{"id_no":"341122199208080016","name":"示例七十","relation":"child"}\n'
	printf '{"id_no":"340202198801010021","name":"示例九九","relation":"spouse"}\n'
} >"$O/bind.in"
jm-bind "$O/bind.in" >"$O/bind.err" 2>/dev/null
jm-bind --logout 2>/dev/null
sed 1d "$O/reg" | jm-bind >>"$O/bind.err" 2>/dev/null
valid "jm-bind: PAYER_CONFLICT, NOT_REGISTERED, NAME_MISMATCH, NO_SESSION" record "$O/bind.err"
check_eq "... each of them met" "NAME_MISMATCH NOT_REGISTERED NO_SESSION PAYER_CONFLICT" \
	"$(codes "$O/bind.err")"
jm-bind --status --format json >"$O/status" 2>/dev/null
jm-bind "$O/reg" >/dev/null 2>&1
jm-bind --status --format json >>"$O/status" 2>/dev/null
valid "jm-bind --status --format json, bound and not" session "$O/status"

# jm-quote's errors
{
	jm-quote --kind special "$O/bind"
	jm-quote --year 2024 "$O/bind"
	jm-quote --year 2099 "$O/bind"
	jm-quote --item pension --grade 250 "$O/bind"
	jm-quote --item pension "$O/bind"
	printf '{"id_no":"341122199208080016","name":"示例七十"}\n{"id_no":"341122199208080012"}\n' |
		jm-quote
} >"$O/quote.err" 2>/dev/null
valid "jm-quote: errors of special payment, closed and unknown years, grades, eligibility" record "$O/quote.err"
check_eq "... each of them met" "GRADE_NOT_OFFERED ID_CHECKSUM MISSING_FIELD NOT_AID NOT_ELIGIBLE NOT_REGISTERED POLICY_UNKNOWN YEAR_CLOSED" \
	"$(codes "$O/quote.err")"
jm-quote --unpaid "$O/quote.err" >"$O/unpaid" 2>/dev/null
valid "jm-quote --unpaid passes errors on" record "$O/unpaid"

# jm-pay's outcomes: declined, no money, unknown, paid elsewhere, a family
# account, nothing due, skipped, no quote
fresh() {
	rm -rf "$JM_HOME"
	sed "s/13800000000/$1/" "$ex" | jm-register 2>/dev/null |
		jm-bind 2>/dev/null | jm-quote 2>/dev/null
}
fresh 13800000002 >"$T/q"
jm-pay --yes --channel wechat "$T/q" >"$O/pay.err" 2>/dev/null
fresh 13800009995 >"$T/q"
jm-pay --yes --channel bank "$T/q" >>"$O/pay.err" 2>/dev/null
fresh 13800000119 >"$T/q"
jm-pay --yes --channel wanshitong "$T/q" >>"$O/pay.err" 2>/dev/null
fresh 13800000000 >"$T/q"
printf '{"fixture":"paid","id_no":"340202198801010021","year":2026,"item":"medical","channel":"wechat"}\n' |
	jm-sandbox -q --load - 2>/dev/null
printf '{"fixture":"aid","id_no":"341122201209010052","aid":"extreme-poverty"}\n' |
	jm-sandbox -q --load - 2>/dev/null
sed -n 5p "$O/reg" | jq -c 'del(.registration)' | jm-quote --kind special 2>/dev/null >>"$T/q"
jm-pay --yes --channel alipay --max-total 1500 "$T/q" >>"$O/pay.err" 2>/dev/null
jm-register "$ex" 2>/dev/null | jm-pay --yes --channel alipay >>"$O/pay.err" 2>/dev/null
valid "jm-pay: declined, unknown, already paid, nothing due, skipped, no quote" record "$O/pay.err"
check_eq "... each of them met" "ALREADY_PAID DECLINED INSUFFICIENT_BALANCE MISSING_FIELD OUTCOME_UNKNOWN" \
	"$(codes "$O/pay.err")"
check_eq "... and every payment status" "declined nothing-due paid skipped unknown" \
	"$(jq -r '.payment.status // empty' "$O/pay.err" | sort -u | tr '\n' ' ' | sed 's/ $//')"
rm -rf "$JM_HOME"
printf '{"fixture":"employee-account","id_no":"341122199003070017","name":"示例一","region":"340202","balance_fen":500000}\n' |
	jm-sandbox -q --load - 2>/dev/null
jm-register "$ex" 2>/dev/null | jm-bind 2>/dev/null >"$T/r"
jm-bind --family-account 341122199003070017 "$T/r" 2>/dev/null |
	jm-quote 2>/dev/null | jm-pay --yes --channel family \
	--account 341122199003070017 >"$O/family" 2>/dev/null
valid "jm-bind --family-account and jm-pay --channel family" record "$O/family"
jm-receipt "$O/family" >"$O/receipt.family" 2>/dev/null
sed -n 2p "$O/family" | jq -c '.payment.order_id = "JM2025112099999999"' |
	jm-receipt >>"$O/receipt.family" 2>/dev/null
valid "jm-receipt: receipts, and an order the platform does not have" record "$O/receipt.family"

# jm-receipt --verify: a genuine receipt, and a forged one
r=$(jq -r 'select(.receipt) | .receipt.path' "$O/receipt.family" | head -n 1)
sed 's/40000/4000/' "$r" >"$T/forged.xml"
jm-receipt --verify --format json "$r" "$T/forged.xml" >"$O/verify" 2>/dev/null
valid "jm-receipt --verify --format json: genuine and not" verify "$O/verify"

# the reconciliation's findings (as tests/0071-jm-receipt-reconcile.t)
rm -rf "$JM_HOME"
sb=$JM_HOME/sandbox.db
jm-register "$ex" 2>/dev/null | jm-bind 2>/dev/null | jm-quote 2>/dev/null >"$T/q"
sed -n 1,2p "$T/q" | jm-pay --yes --channel alipay >/dev/null 2>&1
jm-receipt --reconcile >"$O/rec" 2>/dev/null
{ sed -n 3p "$T/q" | JM_TEST_KILL_AT=platform jm-pay --yes --channel alipay; } >/dev/null 2>&1
jm-receipt --reconcile >>"$O/rec" 2>/dev/null
{ sed -n 4p "$T/q" | JM_TEST_KILL_AT=intents jm-pay --yes --channel alipay; } >/dev/null 2>&1
jm-receipt --reconcile >>"$O/rec" 2>/dev/null
JM_TODAY=2025-11-21 jm-receipt --reconcile >>"$O/rec" 2>/dev/null
printf '{"fixture":"paid","id_no":"341122201209010052","year":2026,"item":"medical","channel":"wechat"}\n{"fixture":"paid","id_no":"341122199003070017","year":2026,"item":"medical","channel":"wechat","amount_fen":40000}\n' |
	jm-sandbox -q --load - 2>/dev/null
jm-receipt --reconcile >>"$O/rec" 2>/dev/null
o=$(sqlite3 "$sb" "SELECT order_id FROM payment WHERE insured_id = '34020200000002'")
sqlite3 "$sb" "UPDATE payment SET amount_fen = 30000 WHERE order_id = '$o'"
jm-receipt --reconcile >>"$O/rec" 2>/dev/null
sqlite3 "$sb" "PRAGMA foreign_keys = OFF; DELETE FROM payment WHERE order_id = '$o'"
jm-receipt --reconcile >>"$O/rec" 2>/dev/null
rm -rf "$JM_HOME"
sed 's/13800000000/13800000404/' "$ex" | jm-register 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote 2>/dev/null | sed -n 1p | jm-pay --yes --channel bank >/dev/null 2>&1
JM_TODAY=2025-12-01 jm-receipt --reconcile >>"$O/rec" 2>/dev/null
valid "jm-receipt --reconcile: every finding" reconcile "$O/rec"
check_eq "... each of them met" "amount-mismatch duplicate missing-on-platform not-settled paid-elsewhere pending receipt-fetched resolved" \
	"$(jq -r .reconcile.finding "$O/rec" | sort -u | tr '\n' ' ' | sed 's/ $//')"

# the same pipeline over HTTP: the platform's answers as the sandbox's
serve
rm -rf "$JM_HOME"
export JM_ENDPOINT="$SERVER"
jm-register "$ex" 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote --item medical,pension --grade 300 2>/dev/null |
	jm-pay --yes --channel alipay 2>/dev/null | jm-receipt >"$O/http" 2>/dev/null
valid "over HTTP: the household pipeline, both items" record "$O/http"
unset JM_ENDPOINT
check_eq "... every record went through" 12 "$(wc -l <"$O/http" | tr -d ' ')"

# the schemas refuse what the programs never write
line=$(sed -n 1p "$O/receipt")
invalid "a float amount is refused" record "$(printf '%s' "$line" | jq -c '.payment.amount_fen = 400.5')"
invalid "an amount past ten million yuan is refused" record "$(printf '%s' "$line" | jq -c '.quote.due_fen = 1000000001')"
invalid "an ID number as a JSON number is refused" person '{"id_no":341122199003070017,"name":"示例一"}'
invalid "a name of one character is refused" person '{"id_no":"341122199003070017","name":"示"}'
invalid "a name ending in a newline is refused" person '{"id_no":"341122199003070017","name":"示例一\n"}'
invalid "a newborn without a birth certificate is refused" person '{"category":"newborn","name":"示例六","guardian_id_no":"341122199003070017","birth_date":"2025-10-01"}'
invalid "a payment status jm never gives is refused" record "$(printf '%s' "$line" | jq -c '.payment.status = "ok"')"
invalid "a key jm never adds to a quote is refused" record "$(printf '%s' "$line" | jq -c '.quote.discount_fen = 0')"
invalid "a medical quote with a pension grade is refused" record "$(printf '%s' "$line" | jq -c '.quote.grade_fen = 30000')"
invalid "a declined payment without its error is refused" record "$(printf '%s' "$line" | jq -c 'del(.receipt) | .payment.status = "declined" | del(.payment.settled)')"
invalid "an unmasked payer in a binding is refused" record "$(printf '%s' "$line" | jq -c '.binding.payer = "341122199003070017"')"
invalid "a time outside China Standard Time is refused" record "$(printf '%s' "$line" | jq -c '.receipt.issued_at = "2025-11-20T01:00:00Z"')"
invalid "a finding a person need not see that says so is refused" reconcile '{"reconcile":{"finding":"duplicate","needs_person":false,"message":"x","insured_id":"1","year":2026,"item":"medical","amount_fen":1,"order_ids":["a","b"]}}'

# the validator's run: a test per job
$PY "$T/validate.py" "$SCHEMA" "$T/jobs" >"$T/valid.out" 2>&1
tab=$(printf '\t')
while IFS="$tab" read -r verdict d; do
	case $verdict in
	pass) pass "$d" ;;
	fail) fail "$d" ;;
	*) echo "$verdict${d:+ $d}" ;;
	esac
done <"$T/valid.out"

# shellcheck disable=SC2154 # lib.sh counts the tests in n
plan "$n"
done_testing
