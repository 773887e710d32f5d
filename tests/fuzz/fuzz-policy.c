/* fuzz-policy.c - a policy table (share/policy, policy.d) as
 * jm_policy_parse reads one, then asked what jm-quote asks */
#include "../../common/policy.h"
#include "fuzz.h"

static void
ask(const struct jm_policy *p)
{
	static const char *const regions[] = {"341122", "340202", "340100",
	    "340500", "341181"};
	struct jm_date opens, closes;
	const char *src;
	int64_t fen, pay;
	size_t i;
	int y;

	for (y = 2021; y <= 2027; y++)
		for (i = 0; i < sizeof regions / sizeof regions[0]; i++) {
			if (jm_policy_standard(p, y, regions[i], "resident",
			    &fen, &src) == 0)
				FUZZ_ASSERT(fen >= 0 && src, "a bad standard");
			else
				fen = 40000;
			if (jm_policy_aid(p, y, regions[i], "minimum-living",
			    "pupil", 10, fen, &pay, &src) == 0)
				FUZZ_ASSERT(pay >= 0 && src, "a bad aid");
			jm_policy_window(p, y, regions[i], &opens, &closes);
			FUZZ_ASSERT(jm_date_cmp(opens, closes) <= 0,
			    "a window that closes before it opens");
			jm_policy_waiting(p, y);
		}
	jm_policy_newborn_days(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jm_policy *p;
	char msg[512];

	if (size > JM_POLICY_MAX_SIZE)
		return 0;
	p = jm_policy_parse(NULL, (const char *)data, size, "fuzz.json", msg,
	    sizeof msg);
	if (!p) {
		FUZZ_ASSERT(msg[0], "a table refused without a message");
		return 0;
	}
	ask(p);
	jm_policy_free(p);
	return 0;
}
