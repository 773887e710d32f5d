/* money.c - unit tests: yuan, amounts in Chinese capitals, fen */
#include <stdlib.h>

#include "../../common/money.h"
#include "tap.h"

static void
capitals(void)
{
	static const struct { int64_t fen; const char *want; } v[] = {
		{1, "壹分"}, {5, "伍分"}, {10, "壹角整"}, {50, "伍角整"},
		{55, "伍角伍分"}, {100, "壹元整"}, {1000, "壹拾元整"},
		{1001, "壹拾元零壹分"}, {1010, "壹拾元壹角整"},
		{10050, "壹佰元伍角整"}, {32000, "叁佰贰拾元整"},
		{40000, "肆佰元整"}, {4000, "肆拾元整"},
		{100100, "壹仟零壹元整"}, {100005, "壹仟元零伍分"},
		{1000000, "壹万元整"}, {1000500, "壹万零伍元整"},
		{1050000, "壹万零伍佰元整"}, {1100000, "壹万壹仟元整"},
		{10000000, "壹拾万元整"}, {10010000, "壹拾万零壹佰元整"},
		{12345678, "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"},
		{100000000, "壹佰万元整"}, {1000000000, "壹仟万元整"},
		{0, "零元整"}, {20002, "贰佰元零贰分"},
		{60000, "陆佰元整"}, {7700, "柒拾柒元整"},
		{100000100, "壹佰万零壹元整"}, {101000000, "壹佰零壹万元整"},
	};
	char buf[160];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		is(jm_capitals(v[i].fen, buf, sizeof buf), v[i].want,
		    v[i].want);
}

static void
yuan(void)
{
	char buf[32];
	int64_t f;

	is(jm_yuan(40000, buf), "400.00", "400.00");
	is(jm_yuan(1, buf), "0.01", "0.01");
	is(jm_yuan(-150, buf), "-1.50", "negative");
	ok(jm_parse_yuan("1200", &f) == 0 && f == 120000, "1200 yuan");
	ok(jm_parse_yuan("1200.5", &f) == 0 && f == 120050, "1200.5 yuan");
	ok(jm_parse_yuan("0.01", &f) == 0 && f == 1, "a fen");
	ok(jm_parse_yuan("1.001", &f) < 0, "no fractions of a fen");
	ok(jm_parse_yuan("1.010", &f) == 0 && f == 101, "trailing zero");
	ok(jm_parse_yuan("-1", &f) < 0, "no negative amounts");
	ok(jm_parse_yuan("1e3", &f) < 0, "no exponents");
	ok(jm_parse_yuan("99999999999", &f) < 0, "past the maximum");
	ok(jm_parse_yuan(".5", &f) < 0, "a digit before the point");
}

int
main(void)
{
	capitals();
	yuan();
	return tap_done();
}
