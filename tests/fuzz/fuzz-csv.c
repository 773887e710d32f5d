/* fuzz-csv.c - CSV rosters read from a file as --csv reads them (lines.c,
 * csv.c), the separator chosen by the first byte */
#include <json-c/json.h>

#include "../../common/opts.h"
#include "../../common/person.h"
#include "../../common/stream.h"
#include "fuzz.h"

static const char *const codes[] = {"CSV_SYNTAX", "CSV_ENCODING",
    "CSV_HEADER", "LINE_TOO_LONG", NULL};

static void
record(const struct jm_rec *r)
{
	json_object *e, *v;
	size_t n;
	const char *s = json_object_to_json_string_length(r->obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	fuzz_utf8(s, n, "a record written out is not UTF-8");
	FUZZ_ASSERT(json_object_object_length(r->obj) > 0, "an empty record");
	if (!r->failed) {
		/* every value a CSV row gives is a string */
		json_object_object_foreach(r->obj, k, val) {
			(void)k;
			FUZZ_ASSERT(json_object_is_type(val,
			    json_type_string), "a CSV value not a string");
		}
		return;
	}
	FUZZ_ASSERT(json_object_object_get_ex(r->obj, "error", &e) &&
	    json_object_object_get_ex(e, "code", &v) &&
	    jm_in_list(codes, json_object_get_string(v)),
	    "a bad row with an unknown code");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[] = ",;|\t";
	static char *files[1];
	struct jm_rec r;
	struct jm_in *in;

	if (size < 1)
		return 0;
	fuzz_quiet();
	jm_opts.csv = 1;
	jm_opts.csv_sep = seps[data[0] % 4];
	files[0] = (char *)fuzz_file(data + 1, size - 1);
	jm_opts.files = files;
	jm_opts.nfiles = 1;
	in = jm_in_open();
	while (jm_in_next(in, &r)) {
		record(&r);
		jm_rec_free(&r);
	}
	jm_in_close(in);
	return 0;
}
