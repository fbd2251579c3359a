#!/bin/sh
# tests/t_teach_lang.sh: --lang and the locale rule (SPEC "Teaching
# modes"): Turkish --help, success, errors, status lines and the
# decoded view; --lang beats the environment; LC_ALL, then
# LC_MESSAGES, then LANG; a bad --lang refused; "listening on" stays
# English for the scripts that read it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

MD="$T/md"
SEND="$TOP/mail_send"
POPC="$TOP/pop_client"

# --help in both languages, on all four programs
for p in mail_send pop_client smtp_server pop_server; do
	"$TOP/$p" --help --lang tr >"$T/h.tr" 2>&1
	"$TOP/$p" --help --lang en >"$T/h.en" 2>&1
	if grep -q '^kullanım: ' "$T/h.tr" && grep -q 'Öğretim kipleri:' "$T/h.tr" &&
		grep -q -- '--explain' "$T/h.tr" && grep -q -- '--delay MS' "$T/h.tr" &&
		grep -q '^usage: ' "$T/h.en" && grep -q 'Teaching modes:' "$T/h.en" &&
		grep -q -- '--step' "$T/h.en"; then pass "$p --help: both languages, the teaching options listed"
	else fail "$p --help: both languages, the teaching options listed" "$(head -n 2 "$T/h.tr")"; fi
done
for p in smtp_server pop_server; do
	"$TOP/$p" --help --lang tr >"$T/h.tr" 2>&1
	"$TOP/$p" --help >"$T/h.en" 2>&1
	if grep -q -- '--fail KOMUT\[@N\]=YANIT' "$T/h.tr" && grep -q -- '--fail VERB\[@N\]=REPLY' "$T/h.en" &&
		grep -q 'tcp.port ==' "$T/h.tr"; then pass "$p --help lists --fail in both languages"
	else fail "$p --help lists --fail in both languages"; fi
done
if "$SEND" --help | grep -q -- '--fail'; then fail "mail_send has no --fail"
else pass "mail_send has no --fail"; fi

# The locale rule: --lang, then LC_ALL, LC_MESSAGES, LANG.
lang_of() { # ENV... -- ARGS: "tr" or "en", from mail_send --help
	if env -u LC_ALL -u LC_MESSAGES -u LANG "$@" --help 2>&1 | grep -q '^kullanım:'; then echo tr; else echo en; fi
}
check_lang() {
	want=$1 name=$2; shift 2
	got=$(lang_of "$@")
	if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "got $got"; fi
}
check_lang tr "LANG=tr_TR.UTF-8 means Turkish" LANG=tr_TR.UTF-8 "$SEND"
check_lang en "--lang en beats LANG=tr_TR.UTF-8" LANG=tr_TR.UTF-8 "$SEND" --lang en
check_lang en "--lang=en beats LC_ALL=tr_TR.UTF-8" LC_ALL=tr_TR.UTF-8 "$SEND" --lang=en
check_lang tr "--lang tr beats LANG=C" LANG=C "$SEND" --lang tr
check_lang en "LC_ALL=C beats LANG=tr_TR.UTF-8" LC_ALL=C LANG=tr_TR.UTF-8 "$SEND"
check_lang tr "LC_MESSAGES=tr_TR beats LANG=en_US" LC_MESSAGES=tr_TR LANG=en_US.UTF-8 "$SEND"
check_lang en "no locale at all: English" "$SEND"
"$SEND" --lang de -m x >"$T/bad.out" 2>&1
rc=$?
if [ $rc -eq 64 ] && grep -q "'de' is not en or tr" "$T/bad.out"; then pass "--lang de refused (64)"
else fail "--lang de refused (64)" "rc=$rc $(cat "$T/bad.out")"; fi

# Turkish at work: success, errors, the log, the decoded view.
start_server smtp_server smtp.log "$TOP/smtp_server" --lang tr -d "$MD" -n mx.test || exit 0
SMTP_PORT=$PORT SMTP_PID=$LAST_PID
if grep -q 'listening on .* port [0-9]' "$T/smtp.log"; then
	pass "smtp_server --lang tr: 'listening on ... port N' stays English for scripts"
else fail "smtp_server --lang tr: 'listening on ... port N' stays English for scripts"; fi
"$SEND" --lang tr -p "$SMTP_PORT" -s 'Merhaba' -m 'Nasılsın?' </dev/null >"$T/ok.tr" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx 'E-posta başarıyla gönderildi.' "$T/ok.tr"; then pass "mail_send --lang tr: E-posta başarıyla gönderildi."
else fail "mail_send --lang tr: E-posta başarıyla gönderildi." "rc=$rc $(cat "$T/ok.tr")"; fi
if wait_for grep -q 'ileti .* kaydedildi: .* bayt' "$T/smtp.log"; then pass "smtp_server --lang tr logs in Turkish"
else fail "smtp_server --lang tr logs in Turkish" "$(cat "$T/smtp.log")"; fi
LANG=tr_TR.UTF-8 LC_ALL='' "$SEND" -p "$SMTP_PORT" -m x </dev/null >"$T/ok.env" 2>&1
if grep -qx 'E-posta başarıyla gönderildi.' "$T/ok.env"; then pass "mail_send under LANG=tr_TR.UTF-8 speaks Turkish"
else fail "mail_send under LANG=tr_TR.UTF-8 speaks Turkish" "$(cat "$T/ok.env")"; fi
"$SEND" -p "$SMTP_PORT" -m x </dev/null >"$T/ok.en" 2>&1
if grep -qx 'Email sent successfully.' "$T/ok.en"; then pass "... and English under the tests' LC_ALL=C"
else fail "... and English under the tests' LC_ALL=C" "$(cat "$T/ok.en")"; fi

"$SEND" --lang tr -p "$SMTP_PORT" -t 'not an address' -m x </dev/null >"$T/err.tr" 2>&1
rc=$?
if [ $rc -eq 64 ] && grep -q "kullanici@example.com gibi bir adres değil" "$T/err.tr"; then pass "mail_send --lang tr: a usage error in Turkish (64)"
else fail "mail_send --lang tr: a usage error in Turkish (64)" "rc=$rc $(cat "$T/err.tr")"; fi
"$SEND" --lang tr -p 99999 >"$T/err.tr" 2>&1
if grep -q "tam sayı değil" "$T/err.tr"; then pass "mail_send --lang tr: a bad number in Turkish"
else fail "mail_send --lang tr: a bad number in Turkish" "$(cat "$T/err.tr")"; fi
stop_server "$SMTP_PID"
"$SEND" --lang tr -p "$SMTP_PORT" -m x </dev/null >"$T/err.tr" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "bağlanılamıyor" "$T/err.tr" && grep -q "smtp_server çalışıyor mu" "$T/err.tr"; then
	pass "mail_send --lang tr: no server, said in Turkish"
else fail "mail_send --lang tr: no server, said in Turkish" "rc=$rc $(cat "$T/err.tr")"; fi
"$POPC" --lang tr -p "$SMTP_PORT" >"$T/perr.tr" 2>&1
if grep -q "pop_server çalışıyor mu" "$T/perr.tr"; then pass "pop_client --lang tr: no server, said in Turkish"
else fail "pop_client --lang tr: no server, said in Turkish" "$(cat "$T/perr.tr")"; fi

start_server pop_server pop.log "$TOP/pop_server" --lang tr -d "$MD" -U "$TOP/users.txt" || exit 0
"$POPC" --lang tr -p "$PORT" >"$T/view.tr" 2>&1
if grep -q '^STAT: 3 ileti, [0-9]* bayt' "$T/view.tr" && grep -q '^İleti 1 ([0-9]* bayt):' "$T/view.tr" &&
	grep -q '^Konu: Merhaba' "$T/view.tr" && grep -q '^Kimden: ' "$T/view.tr" && grep -q 'Nasılsın?' "$T/view.tr"; then
	pass "pop_client --lang tr: the decoded view in Turkish"
else fail "pop_client --lang tr: the decoded view in Turkish" "$(head -n 12 "$T/view.tr" | tr '\n' '|')"; fi
"$POPC" -p "$PORT" >"$T/view.en" 2>&1
if grep -q '^STAT: 3 messages' "$T/view.en" && grep -q '^Subject: Merhaba' "$T/view.en"; then pass "... and in English"
else fail "... and in English" "$(head -n 12 "$T/view.en" | tr '\n' '|')"; fi
"$POPC" --lang tr -p "$PORT" -w wrong >"$T/login.tr" 2>&1
rc=$?
if [ $rc -eq 77 ] && grep -q 'gizem için oturum açma reddedildi' "$T/login.tr"; then pass "pop_client --lang tr: a refused login in Turkish (77)"
else fail "pop_client --lang tr: a refused login in Turkish (77)" "rc=$rc $(cat "$T/login.tr")"; fi
if grep -q 'olarak oturum açma' "$T/pop.log"; then pass "pop_server --lang tr logs in Turkish"
else fail "pop_server --lang tr logs in Turkish" "$(cat "$T/pop.log")"; fi
