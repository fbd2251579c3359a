/*
 * imap_mbox_int: the helpers imap_mbox.c and imap_mbox_msg.c share;
 * not for use outside those two files.
 */
#ifndef MAILAB_IMAP_MBOX_INT_H
#define MAILAB_IMAP_MBOX_INT_H

#include <stddef.h>

#include "imap_mbox.h"

/* Append s (n bytes) and a NUL to a growing names buffer; where it
 * went, or NULL when out of memory. */
char *imbox_grow_names(char **names, size_t *len, size_t *cap, const char *s,
                       size_t n);

/* DIR/<box>/<sub>[/<name>] into path (MAILDIR_PATH_MAX).  0 or -1. */
int imbox_path(char *path, const struct imbox *b, const char *sub,
               const char *name);

/* The file name for new flags: base:2,<letters in ASCII order>, the
 * old info's other letters kept. */
void imbox_flags_name(char *out, size_t cap, const char *old, size_t base_len,
                      unsigned flags);

#endif
