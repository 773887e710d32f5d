#!/bin/sh
# The manual: mandoc -Tlint is silent on every page, every --long option of
# `PROG --help` is in man/PROG.1, and every command of an EXAMPLES section runs.
#
# In EXAMPLES, a line "$ COMMAND" inside a .Bd -literal display is a command
# (a trailing \e continues it on the next line, and a command ending in a
# here-document <<'WORD' takes the lines up to WORD; the escapes \e, \& and
# \- are understood). A comment line '.\" exit N' before it gives the exit
# status it must have, 0 when there is none. The commands of one page run in
# order in one shell (bash -o pipefail when there is bash), in a folder of
# their own holding the input files made by inputs() below, with HOME set to
# that folder, JM_HOME unset and the platform's date fixed by JM_TODAY. A
# page whose examples need other files adds them to inputs(). The examples
# of jm-protocol.7 talk to a jm-sandbox --listen of their own on loopback,
# its date 2025-11-20, its URL in JM_ENDPOINT.
. "$(dirname "$0")/lib.sh"
MAN=$(cd "$TESTS/../man" && pwd)
bs=$(printf '\b')
tab=$(printf '\t')
cr=$(printf '\r')

# inputs DIR: the example input files, synthetic people (ID numbers with a
# correct check character on real Anhui address codes)
inputs() {
	# the sample household that is installed, as the pages describe it
	cp "$TESTS/../share/examples/family.jsonl" "$1/family.jsonl"
	# the receipt's schema, as a third party has it beside a receipt
	cp "$TESTS/../share/receipt.xsd" "$1/receipt.xsd"
	# as Excel saves "CSV UTF-8": a byte-order mark and CR LF
	{
		printf '\357\273\277'
		sed "s/\$/$cr/" <<'EOF'
姓名,身份证号,与缴费人关系,人员类别,资助类别,手机号,乡镇/街道,村/社区
示例十一,340521197804020031,本人,居民,,13900000001,姑孰镇,示例村
示例十二,340521198009150042,配偶,居民,,,姑孰镇,示例村
示例十三,340521200503010053,子女,大学生,,,姑孰镇,示例村
示例十四,340521195001010017,父亲,居民,特困,,姑孰镇,示例村
示例十五,340521195211110024,母亲,居民,监测,,姑孰镇,示例村
示例十六,340521201806060036,儿子,中小学生,,,姑孰镇,示例村
EOF
	} >"$1/roster.csv"
	# as WPS saves tab-separated text on Chinese Windows: GBK, CR LF
	sed "s/,/$tab/g; s/\$/$cr/" <<'EOF' | iconv -f UTF-8 -t GB18030 >"$1/roster.txt"
姓名,公民身份号码,与缴费人关系,人员类别,参保地
示例三十一,341523198506060017,本人,居民,341523
示例三十二,341523198708080024,配偶,居民,341523
示例三十三,34152320150909003X,儿子,中小学生,341523
EOF
	cat >"$1/mistakes.jsonl" <<'EOF'
{"id_no":"340521199807150018","name":"示例二十","relation":"child"}
{"id_no":340521200001010010,"name":"示例二十一"}
{"id_no":"340521200203040023","name":"示例二十二","region":"340500"}
示例二十三,340521197012310049
{"id_no":"340521197012310049","name":"示例二十三"}
EOF
}

# page_server DIR: the platform of jm-protocol.7's examples, served on a
# free loopback port with its sandbox in DIR/platform; sets page_url (empty
# when it did not start); stop_servers (lib.sh) stops it
page_server() {
	env -u JM_NOW -u JM_ENDPOINT JM_TODAY=2025-11-20 \
	    JM_HOME="$1/platform" jm-sandbox --listen 127.0.0.1:0 \
	    --endpoint sandbox >"$1/url" 2>"$1/server.log" &
	SERVER_PIDS="${SERVER_PIDS:-} $!"
	trap 'stop_servers; rm -rf "$T"' EXIT
	i=0
	while [ ! -s "$1/url" ] && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	page_url=$(cat "$1/url")
}

# examples PAGE DIR: DIR/examples.sh runs the commands, each with its output
# in DIR/out.N and its status reported on file descriptor 3;
# DIR/examples.list has "WANT<TAB>COMMAND" per command
examples() {
	awk -v script="$2/examples.sh" -v list="$2/examples.list" -v dir="$2" \
	    -v q="'" '
	# \e is a backslash; not by gsub, whose "\\\\" mawk and gawk read
	# differently (one backslash and two)
	function unescape(s,  out, i) {
		out = ""
		while ((i = index(s, "\\e")) > 0) {
			out = out substr(s, 1, i - 1) "\\"
			s = substr(s, i + 2)
		}
		return out s
	}
	/^\.Sh / { ex = ($0 == ".Sh EXAMPLES"); lit = 0; next }
	!ex { next }
	/^\.Bd -literal/ { lit = 1; next }
	/^\.Ed/ { lit = 0; next }
	!lit { next }
	/^\.\\" exit [0-9]+$/ && hd == "" { want = $3; next }
	{
		line = $0
		if (hd == "" && !cont && substr(line, 1, 2) != "$ ")
			next
		if (hd == "" && !cont) {
			line = substr(line, 3)
			cmd = ""
		}
		gsub(/\\&/, "", line)
		gsub(/\\-/, "-", line)
		line = unescape(line)
		cmd = cmd (cont || hd != "" ? "\n" : "") line
		if (hd != "") {
			if (line == hd)
				hd = ""
			else
				next
		} else if (match(line, "<<-?" q "?[A-Za-z_]+" q "?$")) {
			hd = substr(line, RSTART, RLENGTH)
			gsub("[-<" q "]", "", hd)
			next
		}
		cont = line ~ /\\$/
		if (cont)
			next
		n++
		print "{\n" cmd "\n} >\"" dir "/out." n "\" 2>&1" > script
		print "echo \"$?\" >&3" > script
		gsub(/\\\n */, "", cmd)
		gsub(/\n/, " ", cmd)
		print (want == "" ? 0 : want) "\t" cmd > list
		want = ""
	}
	END {
		if (hd == "")
			exit
		print "{ :; } >\"" dir "/out." ++n "\" 2>&1" > script
		print "echo unclosed >&3" > script
		print "closed\ta here-document ends with " hd > list
	}' "$1"
}

# Every page is clean under mandoc -Tlint -Wwarning.
for page in "$MAN"/*.[1-8]; do
	name=$(basename "$page")
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	st=$?
	if [ "$st" -eq 0 ] && [ -z "$out" ]; then
		pass "mandoc -Tlint -Wwarning $name is silent"
	else
		fail "mandoc -Tlint -Wwarning $name is silent (exit $st)"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -n 20
	fi
done

# Every --long option of PROG --help is in man/PROG.1.
for page in "$MAN"/*.1; do
	prog=$(basename "$page" .1)
	if ! command -v "$prog" >/dev/null 2>&1; then
		fail "$prog is on PATH for its page"
		continue
	fi
	mandoc -Tascii -Owidth=400 "$page" 2>/dev/null | sed "s/.$bs//g" \
	    >"$T/page.txt"
	opts=$("$prog" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
	if [ -z "$opts" ]; then
		fail "$prog --help lists options"
		continue
	fi
	for opt in $opts; do
		if grep -qE -- "$opt([^a-z0-9-]|\$)" "$T/page.txt"; then
			pass "$prog.1 documents $opt"
		else
			fail "$prog.1 documents $opt"
		fi
	done
done

# Every EXAMPLES command runs with the exit status the page gives it.
if command -v bash >/dev/null 2>&1; then
	run_sh="bash -o pipefail"
else
	run_sh="sh"
fi
for page in "$MAN"/*.[1-8]; do
	name=$(basename "$page")
	dir=$T/examples/$name
	mkdir -p "$dir/run"
	inputs "$dir/run"
	examples "$page" "$dir"
	[ -s "$dir/examples.list" ] || continue
	page_url=
	if [ "$name" = jm-protocol.7 ]; then
		page_server "$dir"
		check "$name: jm-sandbox --listen serves its examples" \
		    test -n "$page_url"
	fi
	(
		cd "$dir/run" || exit
		unset JM_HOME
		[ -z "$page_url" ] || export JM_ENDPOINT="$page_url"
		HOME=$dir/run JM_TODAY=2026-11-27 $run_sh "$dir/examples.sh" \
		    3>"$dir/status" >"$dir/out" 2>&1 </dev/null
	)
	[ -z "$page_url" ] || stop_servers
	i=0
	while IFS="$tab" read -r want cmd; do
		i=$((i + 1))
		got=$(sed -n "${i}p" "$dir/status")
		d="$name example $i exits $want: $(printf '%s' "$cmd" |
		    tr '#' ' ' | cut -c 1-100)"
		if [ "$got" = "$want" ]; then
			pass "$d"
		else
			fail "$d (exit ${got:-none})"
			cat "$dir/out.$i" "$dir/out" 2>/dev/null |
			    sed 's/^/#   /' | head -n 10
		fi
	done <"$dir/examples.list"
done

# shellcheck disable=SC2154 # lib.sh counts the tests in n
plan "$n"
done_testing
