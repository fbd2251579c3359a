# shellcheck disable=SC2034 # sourced: the variables are used by the tests
# tests/lib_imap.sh: helpers for the imap_server tests, sourced after
# tests/lib.sh.  A users file, a Maildir to fill, and the server's
# command line for --stdio sessions.
# shellcheck disable=SC2059 # message texts are printf formats on purpose

MD="$T/md"
cat >"$T/users" <<'U'
# name:password
gizem:1234
melek:1234
U
IMAP="$TOP/imap_server --stdio -d $MD -U $T/users"

# put_msg BOX NAME TEXT: a message file in BOX's new/ (printf escapes).
put_msg() {
	mkdir -p "$MD/$1/new" "$MD/$1/cur" "$MD/$1/tmp"
	printf "$3" >"$MD/$1/new/$2"
}

# uniq_name SEC SEQ TEXT: a name in smtp_server's form, S= and W= from TEXT.
uniq_name() {
	s=$(printf "$3" | wc -c | tr -d ' ')
	lf=$(printf "$3" | tr -cd '\n' | wc -c | tr -d ' ')
	printf '%s.M%06dP4242Q%s.test,S=%s,W=%s' "$1" "$2" "$2" "$s" $((s + lf))
}

# files BOX SUB: the file names in BOX's SUB/, one a line, sorted.
files() { ls "$MD/$1/$2" 2>/dev/null | sort; }

LOGIN='S: * OK \[CAPABILITY *\] mailab IMAP4rev1 server ready
C: a LOGIN gizem 1234
S: a OK \[CAPABILITY *\] LOGIN completed'
SELECT="$LOGIN
C: b SELECT INBOX
S~ b OK \[READ-WRITE\] SELECT completed"
# (fnmatch patterns: a "[" is escaped as "\[")
