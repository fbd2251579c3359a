#!/bin/sh
# Dialogue tests of smtp_server through --stdio: C: lines in, S: lines out.
. "$(dirname "$0")/lib.sh"
SMTP="$TOP/smtp_server --stdio -d $T/md -n mx.test"

chat_ok "greeting, EHLO extensions, QUIT" -- $SMTP <<'X'
S: 220 mx.test ESMTP *
C: EHLO client.test
S: 250-mx.test Hello client.test*
S: 250-SIZE 10485760
S: 250-8BITMIME
S: 250-PIPELINING
S: 250-ENHANCEDSTATUSCODES
S: 250-SMTPUTF8
S: 250-HELP
S: 250 AUTH PLAIN LOGIN
C: QUIT
S: 221 2.0.0 *
