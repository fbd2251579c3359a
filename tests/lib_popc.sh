# tests/lib_popc.sh: helpers for pop_client's tests, sourced after
# tests/lib.sh.  Our smtp_server and pop_server share one Maildir, so
# mail takes the lab's whole journey: SMTP in, POP3 out.

POPC="$TOP/pop_client"
FAKE="$TOP/tests/tools/fake_pop"
MD="$T/md"

# popc_servers: start smtp_server and pop_server on $MD; sets SMTP_PORT,
# POP_PORT and POP_PID.
popc_servers() {
	: >"$T/smtp.log"; : >"$T/pop.log" # start_server reads them at once
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
		"$TOP/mail_send" -p "$SMTP_PORT" -m "Bu bir test mesajıdır Türkçe karakter içerir: ı, ç, ş, ü, ö, İ" \
			</dev/null >"$T/send.out" 2>&1
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
	FAKES=$((${FAKES:-0} + 1)) # a fresh log each time: start_server
	                           # must not read the last fake's port
	: >"$T/fake$FAKES.log"
	start_server "fake_pop $mode" "fake$FAKES.log" "$FAKE" -m "$mode" \
		-l "$T/fake.cmds" "$@" || return 1
	FAKE_PORT=$PORT FAKE_PID=$LAST_PID
}

# has FILE PATTERN: FILE contains the fixed string PATTERN.
has() { grep -qF -- "$2" "$1"; }

# start_dovecot MAILDIR: Dovecot's POP3 in a standalone configuration
# (its own base_dir, a passwd-file with the lab's users, mail in
# MAILDIR/<user>/) on a free loopback port; sets DOVECOT_PORT.
# Returns 1 when it cannot start (the caller skips).  Mail is read as
# DOVECOT_UID: chown MAILDIR to it after delivering.
start_dovecot() {
	D=$T/dovecot
	mkdir -p "$D/run" "$D/state"
	sed -n 's/^\([a-z]*\):\(.*\)$/\1:{PLAIN}\2::::::/p' "$TOP/users.txt" >"$D/passwd"
	u=$(id -u) g=$(id -g) login=$(id -un) internal=$(id -un)
	if [ "$u" -eq 0 ]; then
		# As root, Dovecot runs its login process unprivileged: it must
		# be able to reach base_dir (only through: 711); mail is read
		# as the dovecot user (Dovecot never reads mail as uid 0).
		login=dovenull internal=dovecot
		id dovenull >/dev/null 2>&1 || return 1
		u=$(id -u dovecot) g=$(id -g dovecot)
		chmod 711 "$T" "$D"
	fi
	for try in 1 2 3 4 5; do
		DOVECOT_PORT=$((20000 + ($$ * 7 + try * 1031) % 30000))
		cat >"$D/dovecot.conf" <<X
base_dir = $D/run
state_dir = $D/state
log_path = $D/log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain apop
first_valid_uid = 1
mail_location = maildir:$1/%u
default_internal_user = $internal
default_login_user = $login
passdb {
  driver = passwd-file
  args = scheme=PLAIN $D/passwd
}
userdb {
  driver = static
  args = uid=$u gid=$g home=$1/%u
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = $DOVECOT_PORT
  }
}
service anvil {
  chroot =
}
service auth {
  user = $(id -un)
}
service auth-worker {
  user = $(id -un)
}
X
		DOVECOT_UID=$u
		dovecot -c "$D/dovecot.conf" 2>"$D/start.err" || continue
		wait_for "$CHAT" 127.0.0.1 "$DOVECOT_PORT" </dev/null && return 0
		dovecot -c "$D/dovecot.conf" stop 2>/dev/null
	done
	return 1
}

stop_dovecot() {
	dovecot -c "$T/dovecot/dovecot.conf" stop 2>/dev/null
}

# gnu_time: is /usr/bin/time GNU time (-f %M)?  BSD and macOS time
# have no -f, so a bare -x test is not enough.
gnu_time() { /usr/bin/time -f %M -o /dev/null true >/dev/null 2>&1; }

# rss_ok: peak RSS can be measured (GNU time, and not an ASan build,
# whose shadow memory makes the figure meaningless).
rss_ok() { gnu_time && ! nm "$POPC" 2>/dev/null | grep -q __asan_init; }

# with_timeout SECONDS CMD...: run CMD, killed after SECONDS; coreutils'
# timeout where there is one, else a watchdog of our own (macOS).
with_timeout() {
	secs=$1; shift
	if command -v timeout >/dev/null 2>&1; then
		timeout "$secs" "$@"
		return
	fi
	"$@" &
	wt_pid=$!
	( sleep "$secs" & s=$!; trap 'kill $s 2>/dev/null; exit 0' TERM
	  wait $s; kill -9 $wt_pid 2>/dev/null ) >/dev/null 2>&1 &
	wt_dog=$!
	wait $wt_pid
	wt_rc=$?
	kill $wt_dog 2>/dev/null; wait $wt_dog 2>/dev/null
	return $wt_rc
}

# last_line_no FILE PATTERN: the number of the last line matching PATTERN
# (line_no, in tests/lib.sh: of the first).
last_line_no() { grep -n -e "$2" "$1" | tail -n 1 | cut -d: -f1; }
