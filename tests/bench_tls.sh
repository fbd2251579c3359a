#!/bin/sh
# Benchmark TLS (make TLS=1): 20 sessions at once, each sending one
# message of 2 KiB and kept open until all 20 are done, over STARTTLS
# and in clear text, against the same smtp_server in the same run.
# Figures: messages/s (median of RUNS rounds), what one STARTTLS
# handshake costs the client (from STARTTLS to the first EHLO reply in
# TLS, median), and the peak RSS of one session process, clear and TLS.
# The driver is Python (smtplib, ssl), on the same 2 cores as the server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"
tls_setup "bench: TLS"
RUNS=${RUNS:-5}
SESSIONS=${SESSIONS:-20}
if ! have python3 || ! python3 -c 'import ssl, smtplib' 2>/dev/null; then
	skip "bench: TLS" "python3 (ssl) not installed"
	exit 0
fi
start_server "smtp_server" bench.log "$TOP/smtp_server" -d "$T/md" \
	--max-clients 200 --max-per-ip 100 $TLSARGS --tls-port 0 || exit 1
TPORT=$(tls_port bench.log)

cat >"$T/drive.py" <<'PY'
import os, smtplib, ssl, statistics, sys, threading, time
port, cafile, sessions, runs, server = (int(sys.argv[1]), sys.argv[2],
    int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
ctx = ssl.create_default_context(cafile=cafile)
body = "Subject: bench\r\n\r\n" + ("x" * 70 + "\r\n") * 28  # about 2 KiB

def children():
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) != server:
                    continue
            with open("/proc/%s/status" % p) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        out.append(int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            pass
    return out

def round_(tls):
    ready = threading.Barrier(sessions + 1)
    done = threading.Barrier(sessions + 1)
    shakes, errors = [], []
    def one():
        try:
            s = smtplib.SMTP("localhost", port, timeout=30)
            s.ehlo("bench")
            if tls:
                t = time.perf_counter()
                s.starttls(context=ctx)
                s.ehlo("bench")
                shakes.append(time.perf_counter() - t)
            s.sendmail("melek@example.com", ["gizem@example.com"], body)
        except Exception as e:
            errors.append(repr(e)); s = None
        ready.wait()
        done.wait()  # kept open: every session is alive for the RSS
        if s:
            s.quit()
    ts = [threading.Thread(target=one) for _ in range(sessions)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    ready.wait()
    elapsed = time.perf_counter() - t0
    rss = children()
    done.wait()
    for t in ts:
        t.join()
    return sessions / elapsed, shakes, rss, errors

med = {}
for tls in (False, True):
    rates, shakes, rss, errs = [], [], [], []
    for _ in range(runs):
        r, s, m, e = round_(tls)
        rates.append(r); shakes += s; rss += m; errs += e
    med[tls] = statistics.median(rates)
    name = "STARTTLS  " if tls else "clear text"
    print("%s: %4.0f msg/s (median of %d rounds of %d sessions)%s" % (name,
          statistics.median(rates), runs, sessions,
          "; %d errors: %s" % (len(errs), errs[0]) if errs else ""))
    if rss:
        print("%s: peak RSS per session process %d KiB (median of %d)" % (
              name, statistics.median(rss), len(rss)))
    if shakes:
        print("STARTTLS handshake, client side (STARTTLS .. EHLO in TLS): "
              "median %.1f ms, max %.1f ms" % (1000 * statistics.median(shakes),
              1000 * max(shakes)))
print("TLS costs %.1f ms more per session of the whole machine (1/rate, "
      "server and client on the same cores): %.0f%% of clear text's rate" % (
      1000 * (1 / med[True] - 1 / med[False]), 100 * med[True] / med[False]))
PY
with_timeout 300 python3 "$T/drive.py" "$PORT" "$CERT" "$SESSIONS" "$RUNS" "$LAST_PID" 2>&1
# One handshake's CPU, alone: openssl's own client, 2 s of full handshakes.
if have openssl; then
	n=$(with_timeout 20 openssl s_time -connect "127.0.0.1:$TPORT" -new -time 2 2>/dev/null |
		sed -n 's/.*; *\([0-9.]*\) connections\/user sec.*/\1/p' | head -n 1)
	[ -n "$n" ] && echo "openssl s_time on --tls-port: $n handshakes per client CPU second"
fi
stop_server "$LAST_PID"
