/* paths.h - where jm keeps its files (DESIGN.md section 7) */
#ifndef JM_PATHS_H
#define JM_PATHS_H

enum jm_dir { JM_DIR_CONFIG, JM_DIR_DATA, JM_DIR_STATE };

/* The folder, created 0700 on first use; dies when it cannot be made. */
const char *jm_dir(enum jm_dir);
/* The folder's name, not created. */
const char *jm_dir_name(enum jm_dir);
/* The folder's path joined with name (not created); caller frees. */
char *jm_path(enum jm_dir, const char *name);
/* mkdir -p with mode 0700; 0 or -1 with errno. */
int jm_mkdirs(const char *path);
/* Installed data (share/): JM_SHARE, beside the program, or the prefix. */
const char *jm_share_dir(void);
char *jm_share_path(const char *name);
/* Message catalogs: JM_LOCALEDIR, beside the program, or the prefix. */
const char *jm_locale_dir(void);

#endif
