#!/bin/sh
# Users' policy tables in policy.d/: they add amounts and override shipped
# ones, read in name order; a malformed table stops jm-quote (exit 2),
# naming the file and the entry. Over HTTP (JM_TEST_HTTP=1) the tables are
# the platform's: the server is started again when they change, and a
# malformed one stops it as it starts.
. "$(dirname "$0")/lib.sh"
plan 75
export JM_TODAY=2025-11-20
D=$PLATFORM_HOME/policy.d
cd "$T" || exit 2

langya=341102196001010214	# 滁州 琅琊区, 低保
nanqiao=341103196001010229	# 滁州 南谯区, 低保
wuhu=340202196001010235		# 芜湖 镜湖区, 低保
plain=341102199001010250	# 滁州 琅琊区, no aid group
cat >people.jsonl <<EOF
{"id_no":"$langya","name":"示例一","aid":"minimum-living"}
{"id_no":"$nanqiao","name":"示例二","aid":"minimum-living"}
{"id_no":"$wuhu","name":"示例三","aid":"minimum-living"}
{"id_no":"$plain","name":"示例四"}
EOF
jm-register people.jsonl >/dev/null 2>&1
due() {
	echo "{\"id_no\":\"$1\"}" | jm-quote -q ${2:+--year "$2"} 2>/dev/null |
		jq -r '.quote.due_fen // .error.code'
}
# table FILE JSON: a table in policy.d
table() {
	mkdir -p "$D" && printf '%s\n' "$2" >"$D/$1"
	platform_tables
}
amount() {
	printf '{"aid_amounts":[{"%s":"%s","year":2026,"group":"minimum-living","pay_fen":%s,"source":"%s"}]}' \
		"$1" "$2" "$3" "${4:-jm test table}"
}

check_eq "滁州 has no published 低保 amount for 2026" POLICY_UNKNOWN "$(due $langya)"
check_eq "no published standard for 2027" POLICY_UNKNOWN "$(JM_TODAY=2026-11-20 due $plain)"
table chuzhou.json "$(amount city 341100 5000)"
check_eq "a user table adds the amount" 5000 "$(due $langya)"
echo "{\"id_no\":\"$langya\"}" | jm-quote >q.out 2>q.err
check_eq "jm-quote uses it: special, standard less aid" "special 40000 35000 5000 unpaid" \
	"$(jq -r '.quote | "\(.kind) \(.standard_fen) \(.aid_fen) \(.due_fen) \(.status)"' q.out)"
check_eq "for the whole city" 5000 "$(due $nanqiao)"
check_eq "and for nobody else" 4000 "$(due $wuhu)"
table z-standard.json '{"standards":[{"year":2027,"individual_fen":42000,"subsidy_fen":72000,"source":"jm test table"}]}'
check_eq "a user table adds a year's standard" 42000 "$(JM_TODAY=2026-11-20 due $plain)"
rm "$D/z-standard.json"
platform_tables

# later wins: user tables after the shipped ones, in name order
table wuhu.json "$(amount city 340200 4500)"
check_eq "a user entry overrides a shipped one" 4500 "$(due $wuhu)"
table 10-first.json "$(amount city 341100 6000)"
check_eq "files are read in name order: the later file wins" 5000 "$(due $langya)"
mv "$D/10-first.json" "$D/zz-last.json"
platform_tables
check_eq "renamed to come last, it wins" 6000 "$(due $langya)"
rm "$D/zz-last.json"
platform_tables
table two.json '{"aid_amounts":[{"city":"341100","year":2026,"group":"minimum-living","pay_fen":7000,"source":"a"},{"city":"341100","year":2026,"group":"minimum-living","pay_fen":7100,"source":"b"}]}'
check_eq "within a file the later entry wins" 7100 "$(due $langya)"
rm "$D/two.json"
platform_tables

# a county's entry beats its city's, wherever it is read
table a-county.json "$(amount region 341102 3000)"
check_eq "a county entry beats its city's entry" 3000 "$(due $langya)"
check_eq "the city's entry still holds elsewhere in the city" 5000 "$(due $nanqiao)"
mv "$D/a-county.json" "$D/zz-county.json"
platform_tables
check_eq "read before or after the city's" 3000 "$(due $langya)"
table pupil.json '{"aid_amounts":[{"city":"341100","year":2026,"group":"minimum-living","category":"pupil","pay_fen":2000,"source":"jm test table"}]}'
check_eq "an entry for pupils is for pupils only" 5000 "$(due $nanqiao)"
rm "$D/pupil.json" "$D/zz-county.json"
platform_tables

table windows.json '{"windows":[{"city":"341100","year":2026,"opens":"2025-10-08","closes":"2025-12-31","source":"jm test table"},{"region":"341102","year":2026,"opens":"2025-10-15","closes":"2025-12-31","source":"jm test table"}]}'
check_eq "a county's window beats its city's" 2025-10-15 \
	"$(echo "{\"id_no\":\"$langya\"}" | jm-quote -q | jq -r .quote.window.from)"
check_eq "the city's window for the rest of the city" 2025-10-08 \
	"$(echo "{\"id_no\":\"$nanqiao\"}" | jm-quote -q | jq -r .quote.window.from)"
rm "$D/windows.json"
platform_tables
table default.json '{"window_default":{"opens":"10-01","closes":"12-20","source":"jm test table"}}'
check_eq "a default window of a user table, where no window is published" \
	"2025-10-01 2025-12-20" \
	"$(echo "{\"id_no\":\"$langya\"}" | jm-quote -q | jq -r '.quote.window | "\(.from) \(.to)"')"
check_eq "and for another year" "2024-10-01 2024-12-20" \
	"$(echo "{\"id_no\":\"$plain\"}" | jm-quote -q --year 2025 | jq -r '.quote.window | "\(.from) \(.to)"')"
rm "$D/default.json"
platform_tables
table rates.json '{"local_rates":[{"region":"341102","year":2026,"category":"resident","individual_fen":39000,"source":"jm test table"},{"city":"341100","year":2026,"category":"resident","individual_fen":39500,"source":"jm test table"}]}'
check_eq "a county's local rate beats its city's" 39000 "$(due $plain)"
rm "$D/rates.json"
platform_tables
echo "{\"fixture\":\"paid\",\"id_no\":\"$nanqiao\",\"year\":2026,\"item\":\"medical\",\"channel\":\"counter\"}" |
	jm-sandbox -q --load -
check_eq "a paid fixture without amount_fen pays the user table's amount" "5000 0 paid" \
	"$(echo "{\"id_no\":\"$nanqiao\"}" | jm-quote -q | jq -r '.quote | "\(.paid_fen) \(.due_fen) \(.status)"')"

# what is not a table is ignored
printf 'garbage\n' >"$D/chuzhou.json.bak"
printf 'garbage\n' >"$D/README"
printf 'garbage\n' >"$D/.hidden.json"
mkdir "$D/old"
printf 'garbage\n' >"$D/old/x.json"
platform_tables
check_eq "non-.json files, hidden files and folders are ignored" 5000 "$(due $langya)"
rm -r "$D/chuzhou.json.bak" "$D/README" "$D/.hidden.json" "$D/old"
platform_tables

# malformed tables stop jm-quote, naming the file and the entry; over HTTP
# jm-quote reads no tables: the server reads its own as it starts, and a
# malformed one stops it so
# bad DESCRIPTION JSON MESSAGE: the table bad.json stops jm-quote
bad() {
	mkdir -p "$D" && printf '%s\n' "$2" >"$D/bad.json"
	echo "{\"id_no\":\"$langya\"}" >bad.in
	tables_reader <bad.in >bad.out 2>bad.err
	rc=$?
	check_eq "$1: exit 2, nothing on stdout" "2 0" "$rc $(wc -c <bad.out | tr -d ' ')"
	# shellcheck disable=SC2154 # prog: set by tables_reader (lib.sh)
	check_eq "$1: the message" "$prog: $D/bad.json: $3" "$(cat bad.err)"
}
bad "not JSON" 'garbage' 'not JSON (unexpected character)'
bad "cut short" '{"aid_amounts":[' 'not JSON (it ends inside a value)'
bad "single quotes" "{'aid_amounts':[]}" 'not JSON (strings need double quotes)'
bad "empty" '' 'not JSON (empty)'
bad "not an object" '[1, 2]' 'not a JSON object {...}'
bad "no source" '{"aid_amounts":[{"city":"341100","year":2026,"group":"minimum-living","pay_fen":5000}]}' \
	'aid_amounts[0]: "source" is missing'
bad "money as a float" "$(amount city 341100 50.5)" 'aid_amounts[0]: "pay_fen" is not a whole number of fen'
bad "money as a string" "$(amount city 341100 '"50"')" 'aid_amounts[0]: "pay_fen" is not a whole number of fen'
bad "a short place code" "$(amount city 3411 5000)" 'aid_amounts[0]: "city" is not a six-digit Anhui code'
bad "a place outside Anhui" "$(amount city 320100 5000)" 'aid_amounts[0]: "city" is not a six-digit Anhui code'
bad "a place that does not exist" "$(amount region 341199 5000)" \
	'aid_amounts[0]: "region" is not the code of a current Anhui city or county'
bad "a county given as a city" "$(amount city 341102 5000)" 'aid_amounts[0]: "city" is not the code of an Anhui city'
bad "an unknown aid group" '{"aid_amounts":[{"city":"341100","year":2026,"group":"poor","pay_fen":5000,"source":"x"}]}' \
	'aid_amounts[0]: "group" is not a known value'
bad "a misspelt key" '{"aid_amounts":[{"city":"341100","year":2026,"group":"minimum-living","categroy":"pupil","pay_fen":2000,"source":"x"}]}' \
	'aid_amounts[0]: "categroy" is not a key of this table'
bad "a wrong date" '{"windows":[{"city":"341100","year":2026,"opens":"2025-02-30","closes":"2025-12-31","source":"x"}]}' \
	'windows[0]: "opens" is not a date YYYY-MM-DD'
bad "a default day not in every year" '{"window_default":{"opens":"02-29","closes":"12-31","source":"x"}}' \
	'window_default: "opens" is not a day MM-DD'
bad "opens after closes" '{"windows":[{"city":"341100","year":2026,"opens":"2025-12-30","closes":"2025-10-31","source":"x"}]}' \
	'windows[0]: "opens" is after closes'
bad "the second entry" '{"standards":[{"year":2027,"individual_fen":42000,"subsidy_fen":72000,"source":"x"},{"year":27,"individual_fen":1,"subsidy_fen":1,"source":"x"}]}' \
	'standards[1]: "year" is not a whole number in range'
bad "a key twice" '{"aid_amounts":[{"city":"341100","year":2026,"group":"minimum-living","pay_fen":5000,"pay_fen":500,"source":"x"}]}' \
	'a key appears twice in one object'
bad "an array that is not one" '{"aid_amounts":{"city":"341100"}}' 'table: "aid_amounts" is not an array [...]'
bad "an entry that is no object" '{"aid_amounts":[{"city":"341100","year":2026,"group":"orphan","pay_fen":0,"source":"x"},5]}' \
	'aid_amounts[1]: the entry is not an object {...}'
bad "an unknown table" '{"aid_amount":[]}' 'table: "aid_amount" is not a key of this table'
bad "another item" '{"item":"dental","standards":[]}' \
	'table: "item" is neither medical nor pension'
bad "a medical key in a pension table" '{"item":"pension","standards":[]}' \
	'table: "standards" is not a key of this table'
head -c 2097152 /dev/zero | tr '\0' ' ' >"$D/bad.json"
echo "{\"id_no\":\"$langya\"}" >bad.in
	tables_reader <bad.in >bad.out 2>bad.err
check_eq "a 2 MiB table: exit 2" 2 "$?"
check_eq "a 2 MiB table: the message" "$prog: $D/bad.json: larger than 1048576 bytes" "$(cat bad.err)"
rm "$D/bad.json"

# an amount more than the standard is no amount at all
table chuzhou.json "$(amount city 341100 50000)"
echo "{\"id_no\":\"$langya\"}" | jm-quote >big.out 2>big.err
check_eq "an aid amount above the standard: exit 1" 1 "$?"
check_eq "it is POLICY_UNKNOWN, not the standard" "POLICY_UNKNOWN false" \
	"$(jq -r '"\(.error.code) \(has("quote"))"' big.out)"
check_eq "a person in no aid group is still quoted" 40000 "$(due $plain)"
done_testing
