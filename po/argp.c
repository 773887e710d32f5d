/* argp.c - the words glibc's argp prints in --help and its errors. argp
 * looks them up in the program's text domain (the root argp's argp_domain
 * is NULL), not in libc's: they are jm's messages too. Never compiled;
 * xgettext reads it (make update-po). The strings are glibc 2.36's. */
static const char *const argp_words[] = {
	N_("Usage:"),
	N_("  or: "),
	N_(" [OPTION...]"),
	N_("Try `%s --help' or `%s --usage' for more information.\n"),
	N_("Report bugs to %s.\n"),
	N_("Mandatory or optional arguments to long options are also "
	    "mandatory or optional for any corresponding short options."),
	N_("Give this help list"),
	N_("Give a short usage message"),
	N_("Set the program name"),
	N_("Hang for SECS seconds (default 3600)"),
	N_("Print program version"),
	N_("Too many arguments"),
	N_("(PROGRAM ERROR) No version known!?"),
	N_("(PROGRAM ERROR) Option should have been recognized!?"),
	N_("%.*s: ARGP_HELP_FMT parameter requires a value"),
	N_("%.*s: Unknown ARGP_HELP_FMT parameter"),
	N_("Garbage in ARGP_HELP_FMT: %s"),
};
