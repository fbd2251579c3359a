/*
 * pop_msg: one message as POP3 sends it after "+OK" to RETR or TOP
 * (RFC 1939 3 and 7): streamed from its Maildir file, every bare LF sent
 * as CRLF, a "." at a line start doubled (lib/dot.c), a last line
 * without LF given its CRLF; for TOP, the header section, the blank
 * line and n body lines.  Each line is traced (-v) as it crossed the
 * wire.  The final "." is the caller's.
 *
 * The same pass without a connection counts the octets, so that the
 * reply can say "+OK N octets" with N exact for what follows (before
 * stuffing), which Wireshark's POP dissector relies on.
 */
#ifndef MAILAB_POP_MSG_H
#define MAILAB_POP_MSG_H

#include <stdbool.h>

#include "conn.h"

#define POP_MSG_BUF 16384 /* the file streams through this much */

/*
 * Send the open message file fd from its start (TOP: top is true, and
 * lines body lines) on conn, or only count it when conn is NULL.  The
 * octets as sent (CRLF endings, before stuffing), or -1 when the file
 * cannot be read or the client is gone.
 */
long long pop_msg_send(struct conn *conn, int fd, bool top,
                       unsigned long lines);

#endif
