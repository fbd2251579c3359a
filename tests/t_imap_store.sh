#!/bin/sh
# The selected state's other commands: STORE (FLAGS, +FLAGS, -FLAGS,
# .SILENT), flags in the Maildir names, EXPUNGE, CLOSE, CHECK, NOOP
# seeing new mail, COPY, SEARCH keys, the UID forms, UIDs that stay the
# same across sessions and restarts, and a message removed by another
# session.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib_imap.sh"

msg() { printf 'From: %s\nTo: gizem@example.com\nSubject: %s\n\n%s\n' "$1" "$2" "$3"; }
for i in 1 2 3 4; do
	text=$(msg "user$i@example.com" "subject $i" "body number $i")
	put_msg gizem "$(uniq_name 176400000$i $i "$text\n")" "$text\n"
done

chat_ok "STORE FLAGS, +FLAGS, -FLAGS, .SILENT; \\Recent cannot be stored; UID STORE" -- $IMAP <<X
$SELECT
C: c STORE 1 FLAGS (\\Seen \\Flagged)
S= * 1 FETCH (FLAGS (\\Flagged \\Seen \\Recent))
S= c OK STORE completed
C: d STORE 1:2 +FLAGS (\\Answered \\Draft)
S= * 1 FETCH (FLAGS (\\Answered \\Flagged \\Seen \\Draft \\Recent))
S= * 2 FETCH (FLAGS (\\Answered \\Draft \\Recent))
S= d OK STORE completed
C: e STORE 1 -FLAGS (\\Answered \\Draft \\Recent)
S= * 1 FETCH (FLAGS (\\Flagged \\Seen \\Recent))
S= e OK STORE completed
C: f STORE 2 FLAGS.SILENT ()
S= f OK STORE completed
C: g UID STORE 3 +FLAGS.SILENT \\Deleted
S= g OK STORE completed
C: h UID STORE 4 +FLAGS (\$Keyword)
S= * 4 FETCH (UID 4 FLAGS (\\Recent))
S= h OK STORE completed
C: i FETCH 1:4 FLAGS
S= * 1 FETCH (FLAGS (\\Flagged \\Seen \\Recent))
S= * 2 FETCH (FLAGS (\\Recent))
S= * 3 FETCH (FLAGS (\\Deleted \\Recent))
S= * 4 FETCH (FLAGS (\\Recent))
S= i OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X
check "flags are in the file names (maildir(5) :2, info, letters in ASCII order)" \
	sh -c "ls '$MD/gizem/cur' | grep -c ':2,FS\$' | grep -qx 1 && ls '$MD/gizem/cur' | grep -c ':2,T\$' | grep -qx 1"

chat_ok "a new session sees the stored flags; SEARCH keys, sequence sets, NOT, OR, UID SEARCH" -- $IMAP <<X
$SELECT
C: c SEARCH ALL
S= * SEARCH 1 2 3 4
S= c OK SEARCH completed
C: d SEARCH SEEN
S= * SEARCH 1
S= d OK SEARCH completed
C: e SEARCH UNSEEN
S= * SEARCH 2 3 4
S= e OK SEARCH completed
C: f SEARCH DELETED
S= * SEARCH 3
S= f OK SEARCH completed
C: g SEARCH FROM user2
S= * SEARCH 2
S= g OK SEARCH completed
C: h SEARCH TO gizem SUBJECT "SUBJECT 4"
S= * SEARCH 4
S= h OK SEARCH completed
C: i SEARCH BODY "number 3"
S= * SEARCH 3
S= i OK SEARCH completed
C: j SEARCH TEXT user1
S= * SEARCH 1
S= j OK SEARCH completed
C: k SEARCH 2:* NOT DELETED
S= * SEARCH 2 4
S= k OK SEARCH completed
C: l SEARCH OR FLAGGED DELETED
S= * SEARCH 1 3
S= l OK SEARCH completed
C: m UID SEARCH UID 2:3
S= * SEARCH 2 3
S= m OK SEARCH completed
C: n SEARCH CHARSET UTF-8 (SUBJECT subject) LARGER 1 SMALLER 100000 NEW
S= * SEARCH
S= n OK SEARCH completed
C: o SEARCH BODY {8+}
R: number 2\r\n
S= * SEARCH 2
S= o OK SEARCH completed
C: p SEARCH SINCE 1-Jan-2000 BEFORE 1-Jan-2100 OLD
S= * SEARCH 1 2 3 4
S= p OK SEARCH completed
C: q SEARCH ON 24-Nov-2025
S= * SEARCH 1 2 3 4
S= q OK SEARCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X

chat_ok "EXPUNGE removes \\Deleted ones and renumbers; COPY to INBOX keeps flags; COPY elsewhere gets TRYCREATE" -- $IMAP <<X
$SELECT
C: c EXPUNGE
S= * 3 EXPUNGE
S= c OK EXPUNGE completed
C: d FETCH 1:* UID
S= * 1 FETCH (UID 1)
S= * 2 FETCH (UID 2)
S= * 3 FETCH (UID 4)
S= d OK FETCH completed
C: e COPY 1 INBOX
S= * 4 EXISTS
S= * 1 RECENT
S= e OK COPY completed
C: f FETCH 4 (UID FLAGS)
S= * 4 FETCH (UID 5 FLAGS (\\Flagged \\Seen \\Recent))
S= f OK FETCH completed
C: g COPY 1 Sent
S= g NO [TRYCREATE] only INBOX exists here
C: h UID COPY 4 inbox
S= * 5 EXISTS
S= * 2 RECENT
S= h OK COPY completed
C: i STORE 4:5 +FLAGS.SILENT (\\Deleted)
S= i OK STORE completed
C: j CLOSE
S= j OK CLOSE completed
C: k SELECT INBOX
S= * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
S: * OK \\[PERMANENTFLAGS *
S= * 3 EXISTS
S= * 0 RECENT
S= * OK [UNSEEN 2] First unseen
S: * OK \\[UIDVALIDITY *
S= * OK [UIDNEXT 7] Predicted next UID
S= k OK [READ-WRITE] SELECT completed
C: l CHECK
S= l OK CHECK completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X
check "CLOSE removed the two copies: three files left" test "$(count_files "$MD/gizem/cur")" -eq 3

# UIDs and UIDVALIDITY stay the same in a new process (a restart).
uids() {
	printf 'a LOGIN gizem 1234\r\nb SELECT INBOX\r\nc UID SEARCH ALL\r\nz LOGOUT\r\n' |
		$IMAP 2>/dev/null | tr -d '\r' | grep -E 'UIDVALIDITY|^\* SEARCH'
}
uids >"$T/uids1"
uids >"$T/uids2"
check "UIDs and UIDVALIDITY are the same after a restart" cmp "$T/uids1" "$T/uids2"
check "... and are the ones the first session gave" grep -qx '\* SEARCH 1 2 4' "$T/uids1"
rm "$MD/gizem/.mailab-imap-uidlist"
uids >"$T/uids3"
check "a lost uidlist gives new UIDs under a new UIDVALIDITY" \
	sh -c "! cmp -s '$T/uids1' '$T/uids3' && grep -qx '\\* SEARCH 1 2 3' '$T/uids3'"

# Mail that arrives during a session: NOOP reports it; a message
# removed by someone else gets NO on FETCH, then EXPUNGE at NOOP.
arrive() {
	text=$(msg late@example.com late "late body")
	printf '%s\n' "$text" >"$MD/gizem/tmp/x"
	mv "$MD/gizem/tmp/x" "$MD/gizem/new/$(uniq_name 1764000009 9 "$text\n")"
}
first=$(ls "$MD/gizem/cur" | sort | head -n 1)
( sleep 1; arrive; rm "$MD/gizem/cur/$first" ) &
chat_ok "NOOP shows new mail (EXISTS, RECENT) and a removal by another session (EXPUNGE); FETCH of a removed one gets NO" -- $IMAP <<X
$SELECT
C: c NOOP
S= c OK NOOP completed
SLEEP 2500
C: d FETCH 1 (UID BODY.PEEK[HEADER])
S= d NO [EXPUNGEISSUED] 1 message(s) removed by another session (POP3 or IMAP); NOOP shows what is left
C: e NOOP
S= * 1 EXPUNGE
S= * 3 EXISTS
S= * 1 RECENT
S= e OK NOOP completed
C: f FETCH 1:* UID
S= * 1 FETCH (UID 2)
S= * 2 FETCH (UID 3)
S= * 3 FETCH (UID 4)
S= f OK FETCH completed
C: z LOGOUT
S: * BYE*
S: z OK*
EOF
X
wait
