/* jm-bind - a stub: parses the shared options and passes records through */
#include <argp.h>

#include "../common/opts.h"
#include "../common/stream.h"
#include "../common/util.h"

static const char doc[] = N_("Bind the payer and add family members (not yet implemented).\v"
    "This version is a stub: it reads records and writes them out "
    "unchanged. Its real work comes in a later version of jm.");

static const struct argp_child children[] = {
	{&jm_common_argp, 0, NULL, 0},
	{0},
};

static const struct argp argp = {NULL, NULL, N_("[FILE...]"), doc,
    children, NULL, NULL};

int
main(int argc, char **argv)
{
	struct jm_step step = {0};
	struct jm_in *in;

	jm_init("jm-bind");
	jm_opts.formats = "json";
	argp_parse(&argp, argc, argv, 0, NULL, NULL);
	jm_opts_resolve();
	in = jm_in_open();
	jm_out_open();
	jm_run(in, &step);
	jm_in_close(in);
	return jm_finish();
}
