#!/bin/sh
# Hostile input against every program (tests/data/hostile/, and big inputs
# made here): whatever cannot be read becomes an error record and a message,
# the good records around it go on, the exit status is 0 or 1, nothing
# crashes, nothing is written outside JM_HOME. make check SANITIZE=1 runs
# it with ASan and UBSan; HOSTILE_PRINT=1 prints what each program gave, in
# the form of tests/data/hostile/EXPECT.
# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"
plan 139
H=$DATA/hostile
export JM_TODAY=2025-11-20
# Where a program could write besides JM_HOME: all must stay empty.
export HOME="$T/h" TMPDIR="$T/tmp"
I=$T/in
mkdir -p "$HOME" "$TMPDIR" "$T/cwd" "$I"
cd "$T/cwd" || exit 2

# The good records, as each program reads them: two people paid through the
# whole pipeline (A the payer, B a child), and two sandbox fixtures.
ida=341122199003070017
idb=$(mkid 341122 20100307 001)
idf=$(mkid 341122 19700101 005)
printf '%s\n' \
	"{\"id_no\":\"$ida\",\"name\":\"示例一\",\"region\":\"341122\",\"relation\":\"self\",\"phone\":\"13800000000\"}" \
	"{\"id_no\":\"$idb\",\"name\":\"示例二\",\"region\":\"341122\",\"relation\":\"child\",\"town\":\"汊河镇\"}" \
	>"$I/jm-register"
jm-register "$I/jm-register" 2>/dev/null >"$I/jm-bind"
jm-bind "$I/jm-bind" 2>/dev/null >"$I/jm-quote"
jm-quote "$I/jm-quote" 2>/dev/null >"$I/jm-pay"
jm-pay --yes --channel alipay "$I/jm-pay" 2>/dev/null >"$I/jm-receipt"
jm-receipt "$I/jm-receipt" 2>/dev/null >"$I/receipts"
check_eq "the good records are paid and have their receipts" "true true" \
	"$(jq -r .receipt.verified "$I/receipts" | tr '\n' ' ' | sed 's/ $//')"
printf '%s\n' \
	"{\"fixture\":\"employee-account\",\"id_no\":\"$idf\",\"name\":\"示例九\",\"region\":\"341122\",\"balance_fen\":100000}" \
	"{\"fixture\":\"paid\",\"id_no\":\"$idb\",\"year\":2025,\"item\":\"medical\",\"channel\":\"counter\",\"amount_fen\":38000}" \
	>"$I/jm-sandbox"
tables=$(sqlite3 "$JM_HOME/sandbox.db" 'SELECT count(*) FROM sqlite_master')

PROGS="jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox"
args() {
	case $1 in
	jm-pay) echo --yes --channel alipay ;;
	jm-sandbox) echo --load ;;
	esac
}
# what a good record carries once the program did its step
done_key() {
	case $1 in
	jm-register) echo .registration.insured_id ;;
	jm-bind) echo .binding.member_id ;;
	jm-quote) echo .quote.due_fen ;;
	jm-pay) echo '.payment.status == "paid"' ;;
	jm-receipt) echo .receipt.verified ;;
	esac
}

# expand FILE PROG: the case with the program's good records put in: a line
# @A or @B is the record; @A|s/x/y/ is the record changed by that perl
# substitution, left out when it does not apply.
expand() {
	HA=$(sed -n 1p "$I/$2") HB=$(sed -n 2p "$I/$2") perl -e '
	open my $f, "<:raw", $ARGV[0] or die "$ARGV[0]: $!";
	binmode STDOUT;
	while (my $l = <$f>) {
		if ($l =~ /^(\xef\xbb\xbf)?\@([AB])(?:\|(.*?))?(\r?\n?)$/s) {
			my ($bom, $r, $e, $end) = ($1 // "", $ENV{"H$2"}, $3, $4);
			if (defined $e) {
				my $o = $r;
				eval "\$r =~ $e"; die $@ if $@;
				next if $r eq $o;
			}
			print $bom, $r, $end;
		} else {
			print $l;
		}
	}' "$1"
}

# The expected error codes of a case for a program (EXPECT), in order.
expected() {
	awk -v c="$1" -v p="$2" '$1 == c && ($2 == p || $2 == "*") {
		$1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$H/EXPECT"
}

# outside: what appeared outside JM_HOME (and the test's own files)
outside() { find "$HOME" "$TMPDIR" "$T/cwd" -mindepth 1 | head -n 3; }

# verify PROG NAME INPUT WANT: one TAP line for what PROG did with INPUT
# (in $T/out, $T/err, status $rc); WANT is the error codes, "-" for none.
verify() {
	p=$1 name=$2 inp=$3 want=$4 why=
	# shellcheck disable=SC2086
	set -- $want
	[ "$want" = - ] && set --
	nerr=$#
	[ $nerr -gt 0 ] && st=1 || st=0
	[ "$rc" = "$st" ] || why="$why exit $rc, want $st;"
	grep -qE 'Sanitizer|runtime error|Segmentation|Assertion|dumped' \
		"$T/err" && why="$why a crash or sanitizer report;"
	grep -v "^$p: " "$T/err" | grep -q . &&
		why="$why a stderr line without '$p: ';"
	grep -q '(null)' "$T/err" && why="$why a message says (null);"
	iconv -f UTF-8 -t UTF-8 "$T/err" >/dev/null 2>&1 ||
		why="$why messages not UTF-8;"
	[ -z "$(outside)" ] || why="$why written outside JM_HOME: $(outside);"
	recs=$(perl -ne '$n++ if /[^ \t\r\n]/; END { print $n + 0 }' "$inp")
	if [ "$p" = jm-sandbox ]; then
		got=$(grep -c "^jm-sandbox: .*:[0-9]*: " "$T/err")
		[ "$got" = $nerr ] || why="$why $got messages, want $nerr;"
		[ "$recs" = 0 ] || grep -q "loaded $((recs - nerr)) of $recs " \
			"$T/err" || why="$why good fixtures not loaded;"
	else
		iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 ||
			why="$why output not UTF-8;"
		jq -e 'type == "object"' "$T/out" >/dev/null 2>&1 || [ ! -s "$T/out" ] ||
			why="$why output not JSON records;"
		[ "$(wc -l <"$T/out")" = "$recs" ] ||
			why="$why $(wc -l <"$T/out") records out of $recs;"
		got=$(jq -r 'select(.error) | .error.code' "$T/out" 2>/dev/null |
			tr '\n' ' ' | sed 's/ $//')
		[ "$got" = "$*" ] || why="$why codes '$got', want '$*';"
		[ "$(grep -c "^$p: [^ ]*:[0-9]*: " "$T/err")" -ge $nerr ] ||
			why="$why fewer messages than errors;"
		if [ "$recs" -gt 0 ]; then
			ok=$(jq -r "select($(done_key "$p")) | .id_no" "$T/out" \
				2>/dev/null | grep -cxe "$ida" -e "$idb")
			[ "$ok" -ge 2 ] || why="$why good records not done;"
		fi
	fi
	if [ -n "${HOSTILE_PRINT:-}" ]; then
		[ "$p" = jm-sandbox ] && got="($(grep -c "^jm-sandbox: .*:[0-9]*: " "$T/err") messages)"
		printf '%s\t%s\t%s\n' "$name" "$p" "${got:--}" >&2
	fi
	if [ -z "$why" ]; then pass "$name: $p"; else
		fail "$name: $p:$why"
		sed 's/^/#   /' "$T/err" | head -n 5
	fi
}

# run PROG NAME INPUT [OPTION...]
run() {
	p=$1 name=$2 inp=$3
	shift 3
	# shellcheck disable=SC2046
	"$p" $(args "$p") "$@" "$inp" >"$T/out" 2>"$T/err"
	rc=$?
}

# The JSON Lines cases of tests/data/hostile, against every program.
for f in "$H"/*.jsonl; do
	name=$(basename "$f" .jsonl)
	for p in $PROGS; do
		expand "$f" "$p" >"$I/case"
		run "$p" "$name" "$I/case"
		verify "$p" "$name" "$I/case" "$(expected "$name" "$p")"
	done
done
check_eq "no table was dropped by SQL in a record" "$tables" \
	"$(sqlite3 "$JM_HOME/sandbox.db" 'SELECT count(*) FROM sqlite_master')"

# Nesting 100,000 deep, a 20 MiB line, a line just within 1 MiB.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["
	for (i = 0; i < 100000; i++) printf "]"; print ""
	for (i = 0; i < 100000; i++) printf "{\"a\":"; printf "1"
	for (i = 0; i < 100000; i++) printf "}"; print "" }' >"$I/deep"
head -c 20971520 /dev/zero | tr '\0' x >"$I/long"
echo >>"$I/long"
awk 'BEGIN { printf "{\"id_no\":\""; for (i = 0; i < 1048564; i++)
	printf "x"; print "\"}" }' >"$I/limit"
for p in $PROGS; do
	{ sed -n 1p "$I/$p"; cat "$I/deep"; sed -n 2p "$I/$p"; } >"$I/case"
	run "$p" deep "$I/case"
	verify "$p" "nested 100000 deep" "$I/case" "TOO_DEEP TOO_DEEP"
	{ sed -n 1p "$I/$p"; cat "$I/long" "$I/limit"; sed -n 2p "$I/$p"; } \
		>"$I/case"
	run "$p" long "$I/case"
	verify "$p" "a 20 MiB line, then one of 1 MiB" "$I/case" \
		"$(expected long "$p")"
done
rm -f "$I/long" "$I/case"

# Wrong JSON types for every key of every program's good record: each
# record passes on, with an error where the key is one the program reads.
for p in $PROGS; do
	sed -n 1p "$I/$p" | jq -c '. as $r | [paths] | .[] as $k |
		(123, "x", [], {}, true, 1.5) as $v |
		select(($r | getpath($k) | type) != ($v | type)) |
		$r | setpath($k; $v)' >"$I/types"
	sed -n 2p "$I/$p" >>"$I/types"
	run "$p" types "$I/types"
	why=
	[ "$rc" = 1 ] || why="$why exit $rc;"
	grep -qE 'Sanitizer|runtime error' "$T/err" && why="$why sanitizer;"
	[ -z "$(outside)" ] || why="$why written outside JM_HOME;"
	if [ "$p" != jm-sandbox ]; then
		[ "$(wc -l <"$T/out")" = "$(wc -l <"$I/types")" ] ||
			why="$why records lost;"
		jq -e 'type == "object"' "$T/out" >/dev/null 2>&1 ||
			why="$why output not JSON;"
		[ "$(tail -n 1 "$T/out" | jq -r "$(done_key "$p")")" != null ] ||
			why="$why the good record not done;"
	fi
	if [ -z "$why" ]; then pass "wrong types for every key: $p"; else
		fail "wrong types for every key: $p:$why"
		sed 's/^/#   /' "$T/err" | head -n 5
	fi
done

# refused PROG KEYS: the keys a program reads refuse a wrong type, every
# record that changed one of them carries an error
refused() {
	p=$1
	sed -n 1p "$I/$p" | jq -c --argjson keys "$2" '. as $r |
		$keys[] as $k | (123, [], {}, true, 1.5) as $v |
		select(($r | getpath($k) | type) != ($v | type)) |
		$r | setpath($k; $v)' >"$I/types"
	run "$p" refused "$I/types"
	if [ "$p" = jm-sandbox ]; then
		got=$(grep -c '^jm-sandbox: .*:[0-9]*: ' "$T/err")
	else
		got=$(jq -r 'select(.error) | .error.code' "$T/out" | grep -c .)
	fi
	[ "$got" = "$(wc -l <"$I/types")" ]
}
check "jm-register refuses wrong types: id_no name region relation phone" \
	refused jm-register '[["id_no"],["name"],["region"],["relation"],["phone"]]'
check "jm-bind refuses wrong types: relation" refused jm-bind '[["relation"]]'
check "jm-quote refuses wrong types: id_no" refused jm-quote '[["id_no"]]'
check "jm-pay refuses wrong types: quote, its due_fen year item kind" \
	refused jm-pay '[["quote"],["quote","due_fen"],["quote","year"],["quote","item"],["quote","kind"]]'
check "jm-sandbox --load refuses wrong types: fixture id_no name region balance_fen" \
	refused jm-sandbox '[["fixture"],["id_no"],["name"],["region"],["balance_fen"]]'
check "jm-bind refuses an id_no that is no string (ID_NOT_STRING)" \
	refused jm-bind '[["id_no"]]'
check "jm-receipt refuses a payment, payment.status or order_id of the wrong type" \
	refused jm-receipt '[["payment"],["payment","status"],["payment","order_id"]]'
sed -n 1p "$I/jm-pay" | sed "s/\"id_no\":\"$ida\"/\"id_no\":\"$idb\"/" >"$I/swap"
check "jm-pay refuses a record whose id_no is not the quoted person's" \
	sh -c 'jm-pay --yes --channel alipay "$1" | jq -e .error' sh "$I/swap"
printf '{"id_no":"%s","error":{"tool":"jm-pay","code":"DECLINED"},"receipt":{"path":"%s"}}\n' \
	"$ida" "$H/EXPECT" >"$I/path"
check "jm-receipt --format xml prints no file a passed-on record names" \
	sh -c '! jm-receipt --format xml "$1" | grep -q DUPLICATE_KEY' sh "$I/path"

# CSV rosters, read by jm-register and jm-quote (--csv): each case, then a
# good roster (after a bad header the rest of its file is not read).
printf '%s\n' 身份证号,姓名,参保地,与缴费人关系,手机号 \
	"$ida,示例一,341122,本人,13800000000" "$idb,示例二,341122,子女," \
	>"$I/good.csv"
awk -v a="$ida" 'BEGIN { print "身份证号,姓名,参保地"; print a ",示例一,341122"
	printf "%s,示例二,341122", a; for (i = 0; i < 10000; i++) printf ",x"
	print "" }' >"$I/csv-columns.csv"
awk 'BEGIN { printf "身份证号"; for (i = 0; i < 10000; i++) printf ",c%d", i
	print ""; print "1,2" }' >"$I/csv-header-columns.csv"
{ printf '%s\n' 身份证号,姓名 "$ida,示例一"; head -c 2097152 /dev/zero |
	tr '\0' x; echo; } >"$I/csv-long.csv"
for f in "$H"/*.csv "$I"/csv-*.csv; do
	name=$(basename "$f" .csv)
	for p in jm-register jm-quote; do
		"$p" --csv "$f" "$I/good.csv" >"$T/out" 2>"$T/err"
		rc=$?
		want=$(expected "$name" "$p")
		cat "$f" "$I/good.csv" >"$I/case"
		why=
		[ "$want" = - ] && st=0 || st=1
		[ "$rc" = "$st" ] || why="$why exit $rc, want $st;"
		grep -qE 'Sanitizer|runtime error' "$T/err" && why="$why sanitizer;"
		[ -z "$(outside)" ] || why="$why written outside JM_HOME;"
		got=$(jq -r 'select(.error) | .error.code' "$T/out" | tr '\n' ' ' |
			sed 's/ $//')
		[ "$got" = "${want#-}" ] || why="$why codes '$got', want '$want';"
		[ "$(jq -r "select($(done_key "$p")) | .id_no" "$T/out" |
			tail -n 2 | tr '\n' ' ')" = "$ida $idb " ] ||
			why="$why the good roster not done;"
		[ -n "${HOSTILE_PRINT:-}" ] &&
			printf '%s\t%s\t%s\n' "$name" "$p" "${got:--}" >&2
		if [ -z "$why" ]; then pass "$name: $p --csv"; else
			fail "$name: $p --csv:$why"
			sed 's/^/#   /' "$T/err" | head -n 5
		fi
	done
done
rm -f "$I/csv-long.csv"

# Receipts: jm-receipt --verify, hostile XML between two genuine receipts.
good1=$(jq -r .receipt.path "$I/receipts" | sed -n 1p)
good2=$(jq -r .receipt.path "$I/receipts" | sed -n 2p)
sed 's/fen="40000"/fen="4000"/' "$good1" >"$I/altered.xml"
head -c 500 "$good1" >"$I/truncated.xml"
truncate -s 1G "$I/huge.xml"
awk 'BEGIN { print "<?xml version=\"1.0\"?>"
	for (i = 0; i < 30000; i++) printf "<a>"
	for (i = 0; i < 30000; i++) printf "</a>"; print "" }' >"$I/deep.xml"
for f in "$H"/*.xml "$I"/*.xml; do
	name=$(basename "$f")
	jm-receipt --verify --format json "$good1" "$f" "$good2" >"$T/out" \
		2>"$T/err"
	rc=$?
	why=
	[ "$rc" = 1 ] || why="$why exit $rc;"
	grep -qE 'Sanitizer|runtime error' "$T/err" && why="$why sanitizer;"
	[ -z "$(outside)" ] || why="$why written outside JM_HOME;"
	[ "$(jq -r .genuine "$T/out" | tr '\n' ' ')" = "true false true " ] ||
		why="$why genuine: $(jq -r .genuine "$T/out" | tr '\n' ' ');"
	msg=$(jq -r 'select(.genuine == false) | .why' "$T/out")
	expect=$(awk -v c="$name" '$1 == c { $1 = ""; sub(/^ +/, ""); print }' \
		"$H/EXPECT")
	case $msg in
	*"$expect"*) ;;
	*) why="$why why '$msg', want '$expect';" ;;
	esac
	[ "$(printf '%s\n' "$msg" | wc -l)" = 1 ] || why="$why why not one line;"
	iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 || why="$why not UTF-8;"
	[ -n "${HOSTILE_PRINT:-}" ] && printf '%s\t%s\n' "$name" "$msg" >&2
	if [ -z "$why" ]; then pass "$name: jm-receipt --verify"; else
		fail "$name: jm-receipt --verify:$why"
		sed 's/^/#   /' "$T/err" | head -n 5
	fi
done
rm -f "$I/huge.xml"
check_eq "--verify, text: one line per receipt, the refusal said" \
	"$I/laughs.xml: NOT genuine: a receipt has no DTD and no entities: refused unread" \
	"$(cp "$H/laughs.xml" "$I"; jm-receipt --verify "$I/laughs.xml")"

# Amounts typed as options: refused before anything is done (exit 64).
for v in 12.345 -1 1e3 1234567890123456789012345 ''; do
	check_exit "jm-pay --max-total '$v' is a usage error" 64 \
		jm-pay --yes --channel alipay --max-total "$v" "$I/jm-pay"
done

printf '{"fixture":"employee-account","id_no":"%s","name":"x","region":"341122","balance_fen":1}\n' \
	"$idf" >"$I/name"
check "jm-sandbox --load refuses an employee's name that is no name" \
	sh -c '! jm-sandbox --load "$1"' sh "$I/name"

# What the fuzzers found (tests/fuzz/corpus/*/crash-*), from the shell.
mkdir -p "$JM_HOME/policy.d"
echo '{"window_default":":"}' >"$JM_HOME/policy.d/bad.json"
check_exit "a policy table whose window_default is no object: exit 2" 2 \
	jm-quote "$I/jm-quote"
check_eq "... with a message naming the file and the entry" \
	"jm-quote: $JM_HOME/policy.d/bad.json: window_default: \"window_default\" is not an object {...}" \
	"$(cat "$T/exit.err")"
rm -r "$JM_HOME/policy.d"
printf '{"id_no":"%s","name":"示例一","region":"%s"}\n' "$ida" \
	"$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "中" }')" >"$I/region"
jm-register "$I/region" >"$T/out" 2>"$T/err"
check "a message cut to fit is UTF-8 (record and stderr)" \
	sh -c 'jq -e ".error.code == \"REGION_UNKNOWN\"" "$1" &&
	iconv -f UTF-8 -t UTF-8 "$1" "$2"' sh "$T/out" "$T/err"
printf '{"id_no":"中文中文中文中文","name":"示例一"}\n' | jm-register 2>"$T/err" >/dev/null
check "a masked ID cut inside a character is UTF-8" \
	iconv -f UTF-8 -t UTF-8 "$T/err"
printf '{"id_no":"341122199003070000","name":"示例一"}\n' >"$I/rounded"
check_eq "an ID a spreadsheet rounded" ID_SPREADSHEET \
	"$(jm-register "$I/rounded" 2>/dev/null | jq -r .error.code)"

# Every file jm wrote is private.
check_eq "JM_HOME: folders 0700, files 0600" "700 600" \
	"$(find "$JM_HOME" -type d -exec stat -c %a {} + | sort -u | tr '\n' ' ')$(
	find "$JM_HOME" -type f -exec stat -c %a {} + | sort -u)"
check_eq "nothing written outside JM_HOME" "" "$(outside)"
done_testing
