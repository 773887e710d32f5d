#!/bin/sh
# Users' pension tables in policy.d/, read by the same loader as the
# medical ones: a city's own subsidy table replaces the province's minimum
# for it, a county's grades replace its city's; a malformed pension table
# stops jm-quote (exit 2), naming the file and the entry. Over HTTP
# (JM_TEST_HTTP=1) the tables are the platform's: the server is started
# again when they change, and a malformed one stops it as it starts.
. "$(dirname "$0")/lib.sh"
plan 25
export JM_TODAY=2025-11-20
D=$PLATFORM_HOME/policy.d
cd "$T" || exit 2

chuzhou=$(mkid 341122 19800101 011)	# 来安县, 滁州
langya=$(mkid 341102 19800101 021)	# 琅琊区, 滁州
printf '{"id_no":"%s","name":"示例一"}\n{"id_no":"%s","name":"示例二"}\n' \
	"$chuzhou" "$langya" | jm-register >/dev/null 2>&1
# quote ID GRADE [YEAR]: subsidy and table, or the error's code
quote() {
	echo "{\"id_no\":\"$1\"}" | jm-quote -q --item pension --grade "$2" ${3:+--year "$3"} 2>/dev/null |
		jq -r 'if .error then .error.code else "\(.quote.subsidy_fen) \(.quote.subsidy_table)" end'
}
table() {
	mkdir -p "$D" && printf '%s\n' "$2" >"$D/$1"
	platform_tables
}

check_eq "滁州 publishes no subsidy table: the province's minimum" "5000 provincial-minimum" "$(quote "$chuzhou" 300)"
table chuzhou.json '{"item":"pension","subsidies":[
 {"city":"341100","from_year":2025,"grade_fen":30000,"subsidy_fen":6500,"source":"jm test table"},
 {"city":"341100","from_year":2025,"grade_fen":100000,"subsidy_fen":15000,"and_above":true,"source":"jm test table"}]}'
check_eq "a user's table for the city: its subsidy, said to be the city's" "6500 city" "$(quote "$chuzhou" 300)"
check_eq "... and its 'and above' row for higher totals" "15000 city" "$(quote "$langya" 6000)"
check_eq "... a total the city's table does not name: no subsidy, never a guess" "null null" "$(quote "$chuzhou" 500)"
check_eq "... from its year only: 2024 keeps the province's" "5000 provincial-minimum" "$(JM_TODAY=2024-06-01 quote "$chuzhou" 300)"
table county.json '{"item":"pension","grades":[
 {"region":"341122","from_year":2025,"grades_fen":[50000,100000],"source":"jm test table"}]}'
check_eq "a county's own grades: 300 is not offered there" GRADE_NOT_OFFERED "$(quote "$chuzhou" 300)"
check_eq "... 500 is" "null null" "$(quote "$chuzhou" 500)"
check_eq "... and its city keeps the province's grades" "6500 city" "$(quote "$langya" 300)"
echo "{\"id_no\":\"$chuzhou\"}" | jm-quote --item pension --grade 6000 2>&1 >/dev/null | grep -q 'the grades are 500, 1000 yuan$'
check_eq "the error lists the county's grades" 0 "$?"
rm -f "$D"/*.json
platform_tables

# bad DESCRIPTION JSON MESSAGE: the table bad.json stops jm-quote
bad() {
	mkdir -p "$D" && printf '%s\n' "$2" >"$D/bad.json"
	echo "{\"id_no\":\"$chuzhou\"}" >bad.in
	tables_reader --item pension --grade 300 <bad.in >bad.out 2>bad.err
	rc=$?
	# shellcheck disable=SC2154 # prog: set by tables_reader (lib.sh)
	check_eq "$1: exit 2, the message" "2 $prog: $D/bad.json: $3" "$rc $(cat bad.err)"
}
bad "a medical key in a pension table" '{"item":"pension","standards":[]}' \
	'table: "standards" is not a key of this table'
bad "a pension key in a medical table" '{"grades":[]}' \
	'table: "grades" is not a key of this table'
bad "grades not ascending" '{"item":"pension","grades":[{"from_year":2025,"grades_fen":[30000,20000],"source":"x"}]}' \
	'grades[0]: "grades_fen" is not whole numbers of fen above 0 in ascending order'
bad "a grade as a float" '{"item":"pension","grades":[{"from_year":2025,"grades_fen":[300.5],"source":"x"}]}' \
	'grades[0]: "grades_fen" is not whole numbers of fen above 0 in ascending order'
bad "no grades" '{"item":"pension","grades":[{"from_year":2025,"grades_fen":[],"source":"x"}]}' \
	'grades[0]: "grades_fen" is not a list [...] of 1 to 64 amounts'
bad "grades without a source" '{"item":"pension","grades":[{"from_year":2025,"grades_fen":[30000]}]}' \
	'grades[0]: "source" is missing'
bad "and_above not a boolean" '{"item":"pension","subsidies":[{"from_year":2025,"grade_fen":30000,"subsidy_fen":5000,"and_above":"yes","source":"x"}]}' \
	'subsidies[0]: "and_above" is not true or false'
bad "a subsidy for grade 0" '{"item":"pension","subsidies":[{"from_year":2025,"grade_fen":0,"subsidy_fen":5000,"source":"x"}]}' \
	'subsidies[0]: "grade_fen" is not a grade above 0'
bad "the province's code as a region" '{"item":"pension","subsidies":[{"region":"340000","from_year":2025,"grade_fen":30000,"subsidy_fen":5000,"source":"x"}]}' \
	'subsidies[0]: "region" is not the code of a current Anhui city or county'
bad "an unknown category left out" '{"item":"pension","eligibility":[{"from_year":2025,"min_age":16,"max_age":59,"excluded_categories":["student"],"source":"x"}]}' \
	'eligibility[0]: "excluded_categories" names a category that is not resident, pupil, university or newborn'
bad "ages the wrong way round" '{"item":"pension","eligibility":[{"from_year":2025,"min_age":60,"max_age":16,"source":"x"}]}' \
	'eligibility[0]: "min_age" is above max_age'
bad "a hardship group that is none" '{"item":"pension","hardship":[{"group":"poor","from_year":2025,"grade_fen":10000,"source":"x"}]}' \
	'hardship[0]: "group" is not a known value'
bad "the collection closing before it opens" '{"item":"pension","collection":{"opens":"12-31","closes":"01-01","source":"x"}}' \
	'collection: "opens" is after closes'
bad "an item neither medical nor pension" '{"item":"dental"}' \
	'table: "item" is neither medical nor pension'
rm -f "$D/bad.json"
platform_tables
check_eq "without the bad table, quotes again" "5000 provincial-minimum" "$(quote "$chuzhou" 300)"
table who.json '{"item":"pension","eligibility":[{"from_year":2025,"min_age":16,"max_age":44,"source":"jm test table"}]}'
check_eq "a later eligibility rule wins" NOT_ELIGIBLE "$(quote "$chuzhou" 300)"
done_testing
