# tests/lib_popc.sh: helpers for pop_client's tests, sourced after
# tests/lib.sh.  Our smtp_server and pop_server share one Maildir, so
# mail takes the lab's whole journey: SMTP in, POP3 out.

POPC="$TOP/pop_client"
FAKE="$TOP/tests/tools/fake_pop"
MD="$T/md"

# popc_servers: start smtp_server and pop_server on $MD; sets SMTP_PORT,
# POP_PORT and POP_PID.
popc_servers() {
	start_server "smtp_server" smtp.log "$TOP/smtp_server" -d "$MD" \
		-n mx.test --max-size 67108864 || return 1
	SMTP_PORT=$PORT
	start_server "pop_server" pop.log "$TOP/pop_server" -d "$MD" \
		-U "$TOP/users.txt" || return 1
	POP_PORT=$PORT POP_PID=$LAST_PID
}

# deliver RCPT FILE: send FILE (LF lines) to RCPT through smtp_server.
deliver() {
	{
		printf 'S: 220*\nC: EHLO client.test\nS~ 250 *\n'
		printf 'C: MAIL FROM:<melek@example.com>\nS: 250*\n'
		printf 'C: RCPT TO:<%s>\nS: 250*\nC: DATA\nS: 354*\n' "$1"
		sed -e 's/^\./../' -e 's/^/C: /' "$2"   # RFC 5321 4.5.2
		printf 'C: .\nS: 250*\nC: QUIT\nS: 221*\n'
	} >"$T/deliver.chat"
	"$CHAT" 127.0.0.1 "$SMTP_PORT" <"$T/deliver.chat" >"$T/deliver.out" 2>&1
}

# send_seed: the seed's mail.py message, with mail_send when it is built.
send_seed() {
	if [ -x "$TOP/mail_send" ]; then
		"$TOP/mail_send" -p "$SMTP_PORT" >"$T/send.out" 2>&1
	else
		seed_eml >"$T/seed.eml"
		deliver gizem@example.com "$T/seed.eml"
	fi
}

# seed_eml: the message mail_send sends by default (SPEC mail_send).
seed_eml() {
	cat <<'X'
Date: Fri, 27 Nov 2026 06:40:01 +0000
From: melek@example.com
To: gizem@example.com
Subject: Selam
Message-ID: <seed.1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ
X
}

# count_box USER: messages in USER's mailbox on the server.
count_box() {
	echo $(($(count_files "$MD/$1/new") + $(count_files "$MD/$1/cur")))
}

# start_fake MODE FILE...: fake_pop in MODE; sets FAKE_PORT, FAKE_PID,
# and its command log is $T/fake.cmds.
start_fake() {
	mode=$1; shift
	: >"$T/fake.cmds"
	start_server "fake_pop $mode" fake.log "$FAKE" -m "$mode" \
		-l "$T/fake.cmds" "$@" || return 1
	FAKE_PORT=$PORT FAKE_PID=$LAST_PID
}

# has FILE PATTERN: FILE contains the fixed string PATTERN.
has() { grep -qF -- "$2" "$1"; }
