/*
 * i18n_tr: the Turkish message table — every text a person reads, by
 * its English msgid (see i18n.h), grouped by program.  The usage texts
 * are in i18n_usage.c.  Protocol text on the wire is never here.
 *
 * Words: ileti (message), sunucu (server), istemci (client), uzantı
 * (extension), bayt (octet), kimlik doğrulama (authentication), zarf
 * (envelope), başlık (header), gövde (body), posta kutusu (mailbox).
 */
#include "i18n.h"

const struct i18n_msg i18n_msgs[] = {
	/* mail_send */
	{ "Email sent successfully.\n", "E-posta başarıyla gönderildi.\n" },
	{ "Email sent to %zu of %zu recipients.\n",
	  "E-posta gönderildi: %zu alıcı kabul etti, toplam %zu alıcıdan.\n" },
	{ "recipient %s refused: %d %s", "%s alıcısı reddedildi: %d %s" },
	{ "cannot read %s: %s", "%s okunamıyor: %s" },
	{ "%s: text over %lu octets; send it as an attachment (-a)",
	  "%s: metin %lu baytı aşıyor; ek olarak gönderin (-a)" },
	{ "cannot open %s: %s", "%s açılamıyor: %s" },
	{ "%s: an empty address", "%s: boş bir adres" },
	{ "%s: '%s' is not an address like user@example.com",
	  "%s: '%s', kullanici@example.com gibi bir adres değil" },
	{ "%s: at most %d addresses", "%s: en çok %d adres" },
	{ "%s: at most %zu", "%s: en çok %zu" },
	{ "--ehlo: '%s' is not a host name", "--ehlo: '%s' bir makine adı değil" },
	{ "--ehlo: a host name of 1 to 255 octets",
	  "--ehlo: 1 ile 255 bayt arası bir makine adı verin" },
	{ "unexpected argument '%s' (see --help)",
	  "beklenmeyen argüman '%s' (bkz. --help)" },
	{ "-m, -F and --raw each give the whole body: pick one",
	  "-m, -F ve --raw her biri gövdenin tamamını verir: birini seçin" },
	{ "--raw sends its file as is: no -a or --header",
	  "--raw dosyasını olduğu gibi gönderir: -a ya da --header olmaz" },
	{ "-u and -w go together", "-u ve -w birlikte verilir" },
	{ "standard input", "standart girdi" },
	{ "%s: '%.40s...' is too long", "%s: '%.40s...' çok uzun" },
	{ "%s: a name of at most %d octets", "%s: ad en çok %d bayt olabilir" },
	{ "%s: the name '%.*s' holds a character a name cannot",
	  "%s: '%.*s' adında bir adda bulunamayacak bir karakter var" },
	{ "%s; is smtp_server running? start it with ./smtp_server -v%s",
	  "%s; smtp_server çalışıyor mu? ./smtp_server -v%s ile başlatın" },
	{ "Try '%s --help' for the options.\n",
	  "Seçenekler için '%s --help' yazın.\n" },
	{ "at most %d recipients in all", "toplamda en çok %d alıcı" },

	/* mail_send's SMTP client (lib/smtp_client.c) */
	{ "%s refused: %d %s", "%s reddedildi: %d %s" },
	{ "connection", "bağlantı" },
	{ "the message", "ileti" },
	{ "unexpected reply to %s: %d %s", "%s komutuna beklenmeyen yanıt: %d %s" },
	{ "no reply from server: %s", "sunucudan yanıt yok: %s" },
	{ "reply line longer than %d octets", "yanıt satırı %d bayttan uzun" },
	{ "reading reply: %s", "yanıt okunurken: %s" },
	{ "not an SMTP reply: \"%.60s\"", "bir SMTP yanıtı değil: \"%.60s\"" },
	{ "reply longer than %d lines", "yanıt %d satırdan uzun" },
	{ "command too long", "komut çok uzun" },
	{ "line break inside a command", "komutun içinde satır sonu var" },
	{ "sending to server: %s", "sunucuya gönderilirken: %s" },
	{ "AUTH refused: %d %s", "AUTH reddedildi: %d %s" },
	{ "user name or password over %d octets",
	  "kullanıcı adı ya da parola %d baytı aşıyor" },
	{ "the server offers STARTTLS but no AUTH: it probably offers AUTH only "
	  "after STARTTLS (RFC 3207), and this client has no TLS",
	  "sunucu STARTTLS sunuyor ama AUTH sunmuyor: büyük olasılıkla AUTH'u "
	  "yalnızca STARTTLS'ten sonra sunuyor (RFC 3207) ve bu istemcide TLS yok" },
	{ "the server offers no AUTH (RFC 4954): it takes no login",
	  "sunucu AUTH sunmuyor (RFC 4954): oturum açmayı kabul etmiyor" },
	{ "the server offers neither AUTH PLAIN nor AUTH LOGIN",
	  "sunucu ne AUTH PLAIN ne de AUTH LOGIN sunuyor" },
	{ "every recipient refused; RCPT TO:<%s>: %d %s",
	  "tüm alıcılar reddedildi; RCPT TO:<%s>: %d %s" },
	{ "sending the message: %s", "ileti gönderilirken: %s" },
	{ "reading the message failed; nothing was delivered",
	  "ileti okunamadı; hiçbir şey teslim edilmedi" },
	{ "the connection is no longer usable",
	  "bağlantı artık kullanılamıyor" },
	{ "no recipients", "alıcı yok" },
	{ "an address is UTF-8 and the server does not offer SMTPUTF8 (RFC 6531)",
	  "bir adres UTF-8 ve sunucu SMTPUTF8 sunmuyor (RFC 6531)" },
	{ "the message (%llu octets) exceeds the server's limit of %lu octets (SIZE)",
	  "ileti (%llu bayt) sunucunun %lu baytlık sınırını aşıyor (SIZE)" },
	{ "%s%s    # base64 of \"%s\"\n", "%s%s    # \"%s\" metninin base64 hâli\n" },

	/* pop_client */
	{ "%s: mailbox busy: another session holds it (%s)",
	  "%s: posta kutusu meşgul: başka bir oturum kullanıyor (%s)" },
	{ "message %lu: LIST said %lu octets but RETR sent %llu",
	  "ileti %lu: LIST %lu bayt dedi ama RETR %llu bayt gönderdi" },
	{ "STAT: %lu message, %llu octets\n", "STAT: %lu ileti, %llu bayt\n" },
	{ "STAT: %lu messages, %llu octets\n", "STAT: %lu ileti, %llu bayt\n" },
	{ "The mailbox is empty.\n", "Posta kutusu boş.\n" },
	{ "LIST:\n", "LIST:\n" },
	{ "There is no message %lu (the mailbox has %lu).\n",
	  "%lu numaralı ileti yok (posta kutusunda %lu ileti var).\n" },
	{ "\nMessage %lu (%lu octets):\n", "\nİleti %lu (%lu bayt):\n" },
	{ "%s=== Message %lu (%lu octets) ===\n", "%s=== İleti %lu (%lu bayt) ===\n" },
	{ "The server does not support UIDL.\n", "Sunucu UIDL desteklemiyor.\n" },
	{ "cannot open /dev/null", "/dev/null açılamıyor" },
	{ "Size", "Boyut" },
	{ "From", "Kimden" },
	{ "To", "Kime" },
	{ "Cc", "Bilgi" },
	{ "Subject", "Konu" },
	{ "Date", "Tarih" },
	{ "\r%lu/%lu messages, %.1f MiB%s", "\r%lu/%lu ileti, %.1f MiB%s" },
	{ "DELE %lu: %s", "DELE %lu: %s" },
	{ "the server has no UIDL: every message is downloaded, and a next run "
	  "cannot skip them",
	  "sunucuda UIDL yok: her ileti indirilir ve bir sonraki çalıştırma "
	  "bunları atlayamaz" },
	{ "%lu new message%s saved in %s/new, %lu already there\n",
	  "%lu yeni ileti%.0s %s/new içine kaydedildi, %lu ileti zaten vardı\n" },
	{ "cannot use APOP: the server's greeting has no timestamp of the form "
	  "<...@...> (RFC 1939 7)",
	  "APOP kullanılamıyor: sunucunun selamlamasında <...@...> biçiminde "
	  "bir zaman damgası yok (RFC 1939 7)" },
	{ "login refused for %s: %s", "%s için oturum açma reddedildi: %s" },
	{ "%s; is pop_server running? start it with ./pop_server -v%s",
	  "%s; pop_server çalışıyor mu? ./pop_server -v%s ile başlatın" },
	{ "removed %s: left in tmp/ over 36 hours",
	  "%s silindi: 36 saatten uzun süre tmp/ içinde kalmıştı" },
	{ "skipped %s/%s: not a regular file", "%s/%s atlandı: sıradan bir dosya değil" },
	{ "skipped %s: not a regular file", "%s atlandı: sıradan bir dosya değil" },
	{ "out of memory for %lu messages", "%lu ileti için bellek yetmedi" },
	{ "out of memory for %lu UIDLs", "%lu UIDL için bellek yetmedi" },
	{ "%lu message%s deleted on the server\n",
	  "sunucuda %lu ileti%.0s silindi\n" },
	{ "--delete needs -o DIR: messages are deleted only once they are saved "
	  "locally",
	  "--delete için -o DİZİN gerekir: iletiler ancak yerel diske "
	  "kaydedildikten sonra silinir" },
	{ "message %lu not saved: %s", "ileti %lu kaydedilmedi: %s" },

	/* pop_client's decoded view (lib/mime_in.c) */
	{ "[charset %s shown as is]\n", "[%s karakter kümesi olduğu gibi gösterildi]\n" },
	{ "(no text part)\n", "(metin bölümü yok)\n" },
	{ "\nAttachments:\n", "\nEkler:\n" },
	{ "  %s (%s, %llu bytes)\n", "  %s (%s, %llu bayt)\n" },
	{ "  and %llu more\n", "  ve %llu tane daha\n" },

	/* pop_client's POP3 client (lib/pop3_client.c) */
	{ "server said: %s", "sunucunun yanıtı: %s" },
	{ "server line longer than 512 octets (RFC 2449 4)",
	  "sunucu satırı 512 bayttan uzun (RFC 2449 4)" },
	{ "server reply is neither +OK nor -ERR",
	  "sunucu yanıtı ne +OK ne de -ERR" },
	{ "listing cut short: no final \".\"", "liste yarım kaldı: son \".\" yok" },
	{ "command too long for a POP3 line", "komut bir POP3 satırı için çok uzun" },
	{ "user name or password too long for a POP3 command line",
	  "kullanıcı adı ya da parola bir POP3 komut satırı için çok uzun" },
	{ "malformed STAT reply (want +OK count octets)",
	  "bozuk STAT yanıtı (beklenen: +OK sayı bayt)" },
	{ "malformed listing line (message number missing or out of range)",
	  "bozuk liste satırı (ileti numarası yok ya da aralık dışında)" },
	{ "malformed LIST size (not a number of octets below 4 GiB)",
	  "bozuk LIST boyutu (4 GiB'tan küçük bir bayt sayısı değil)" },
	{ "malformed UIDL (RFC 1939 7: 1 to 70 printable characters)",
	  "bozuk UIDL (RFC 1939 7: 1 ile 70 arası yazdırılabilir karakter)" },
	{ "message longer than its LIST size allows",
	  "ileti, LIST boyutunun izin verdiğinden uzun" },
	{ "could not keep the message", "ileti saklanamadı" },
	{ "connection closed before the final \".\": message incomplete",
	  "son \".\" gelmeden bağlantı kapandı: ileti eksik" },

	/* connections (lib/net.c, lib/conn.c) */
	{ "cannot bind %s port %u: %s%s", "%s adresinde %u portu açılamıyor: %s%s" },
	{ " (ports below 1024 need root; run as root or pick a port above 1023)",
	  " (1024'ün altındaki portlar root ister; root olarak çalıştırın ya da "
	  "1023'ün üstünde bir port seçin)" },
	{ "cannot bind %s port %u: %s (probably "
	  "%s; find it with 'ss -ltnp' or 'lsof -i :%u', stop "
	  "it (the lab's servers: scripts/lab.sh stop) or pick "
	  "another port with -p)",
	  "%s adresinin %u portuna bağlanılamıyor: %s (büyük olasılıkla "
	  "%s; 'ss -ltnp' ya da 'lsof -i :%u' ile bulun, durdurun "
	  "(laboratuvarın sunucuları için: scripts/lab.sh stop) ya da "
	  "-p ile başka bir port seçin)" },
	{ "another lab smtp_server, MailHog or Mailpit",
	  "başka bir laboratuvar smtp_server'ı, MailHog ya da Mailpit" },
	{ "another pop_server", "başka bir pop_server" },
	{ "another imap_server", "başka bir imap_server" },
	{ "the system's mail server", "sistemin kendi posta sunucusu" },
	{ "another program", "başka bir program" },
	{ "cannot create the stop pipe: %s", "durdurma borusu oluşturulamıyor: %s" },
	{ "cannot fork the helper: %s", "yardımcı süreç başlatılamıyor (fork): %s" },
	{ "helper process %s %d; restarting it in %u s",
	  "yardımcı süreç %s %d; %u sn sonra yeniden başlatılıyor" },
	{ "killed by signal", "şu sinyalle öldürüldü:" },
	{ "exited with", "şu kodla çıktı:" },
	{ "%s: not accepting for now (a session must end "
	  "first, or raise ulimit -n)",
	  "%s: şimdilik yeni bağlantı kabul edilmiyor (önce bir oturumun "
	  "bitmesi gerek ya da ulimit -n değerini artırın)" },
	{ "accepting clients again", "istemciler yeniden kabul ediliyor" },
	{ "refused: %lu sessions from %s already "
	  "(--max-per-ip)",
	  "reddedildi: zaten %lu oturum var, kaynak %s (--max-per-ip)" },
	{ "%lu session(s) did not stop within %d s: "
	  "killing them",
	  "%lu oturum %d sn içinde durmadı: sonlandırılıyor (SIGKILL)" },
	{ "cannot create the helper's wake pipe: %s",
	  "yardımcı sürecin uyandırma borusu oluşturulamıyor: %s" },
	{ "%s: the queue waits until it can "
	  "be made",
	  "%s: kuyruk oluşturulabilene kadar bekliyor" },
	{ "queue path too long under %s", "%s altındaki kuyruk yolu çok uzun" },
	{ "cannot sync %s: %s", "%s diske yazdırılamıyor (fsync): %s" },
	{ " (this host has no such address)", " (bu makinede böyle bir adres yok)" },
	{ "socket for %s: %s", "%s için soket: %s" },
	{ "cannot resolve %s: %s", "%s çözümlenemiyor: %s" },
	{ "cannot connect to %s port %u: %s", "%s sunucusunun %u portuna bağlanılamıyor: %s" },
	{ "line too long", "satır çok uzun" },
	{ "connection closed by peer", "bağlantı karşı taraf tarafından kapatıldı" },
	{ "timed out", "zaman aşımı" },
	{ "stopping on signal", "sinyal geldi, duruluyor" },
	{ "I/O error", "G/Ç hatası" },

	/* both servers (lib/server.c, lib/util.c) */
	{ "refused: %lu clients already connected",
	  "reddedildi: zaten %lu istemci bağlı" },
	{ "cannot fork: %s", "fork yapılamıyor: %s" },
	{ "out of memory for %lu clients", "%lu istemci için bellek yetmedi" },
	{ "cannot create a pipe: %s", "boru oluşturulamıyor: %s" },
	{ "stopping: ending %lu session(s)", "duruluyor: %lu oturum sonlandırılıyor" },
	{ "stopped", "durdu" },
	{ "--bind: at most %d addresses", "--bind: en çok %d adres" },
	{ "%s: '%s' is not a whole number from %lu to %lu",
	  "%s: '%s', %lu ile %lu arasında bir tam sayı değil" },
	{ "cannot read users file %s", "%s kullanıcı dosyası okunamıyor" },
	{ "connected", "bağlandı" },
	{ "%s:%u: user '%.64s' is not a canonical mailbox name (%s, lower case): "
	  "line ignored",
	  "%s:%u: '%.64s' kullanıcısı kurallara uygun bir posta kutusu adı değil "
	  "(%s, küçük harf): satır yok sayıldı" },
	{ "   (state %s)\n", "   (durum %s)\n" },
	{ "accept: %s", "bağlantı kabul edilemedi (accept): %s" },
	{ "cannot read %s", "%s okunamıyor" },
	{ "try 'smtp_server --help' for the options",
	  "seçenekler için 'smtp_server --help' yazın" },
	{ "try 'pop_server --help' for the options",
	  "seçenekler için 'pop_server --help' yazın" },

	{ "try 'imap_server --help' for the options",
	  "seçenekler için 'imap_server --help' yazın" },

	/* pop_server */
	{ "login as %s: %s", "%s olarak oturum açma: %s" },
	{ "login as %s (%s): %zu messages, %llu octets",
	  "%s olarak oturum açıldı (%s): %zu ileti, %llu bayt" },
	{ "login as %.64s (%s): refused%s", "%.64s olarak oturum açma (%s): reddedildi%s" },
	{ "message %ld not sent whole: ending session",
	  "ileti %ld tamamı gönderilemedi: oturum sonlandırılıyor" },
	{ "update of %s: %s", "%s güncellenirken: %s" },
	{ "message %ld: %lld octets sent, %lld announced (W= in %s)",
	  "ileti %ld: %lld bayt gönderildi, %lld bayt bildirilmişti (%s içindeki W=)" },
	{ "disconnected (%s)%s", "bağlantı kesildi (%s)%s" },
	{ ": no QUIT, maildrop left unchanged",
	  ": QUIT gelmedi, posta kutusu değiştirilmedi" },

	/* smtp_server */
	{ "message %s not stored: %s", "ileti %s kaydedilmedi: %s" },
	{ "message %s refused", "ileti %s reddedildi" },
	{ "message %s stored: %llu octets from <%s> (HELO %s) for <%s>%s, "
	  "%zu mailbox(es)",
	  "ileti %s kaydedildi: %llu bayt, gönderen <%s> (HELO %s), alıcı "
	  "<%s>%s, %zu posta kutusu" },
	{ "message %s dropped: %s", "ileti %s bırakıldı: %s" },
	{ "AUTH as %s: users file unreadable",
	  "%s olarak AUTH: kullanıcı dosyası okunamıyor" },
	{ "AUTH as %s: ok", "%s olarak AUTH: tamam" },
	{ "AUTH as %.64s: refused", "%.64s olarak AUTH: reddedildi" },
	{ "too many errors", "çok fazla hata" },
	{ " and others", " ve diğerleri" },
	{ "fault injected", "kasıtlı hata" },
	{ "--domain: at most %d domains", "--domain: en çok %d alan adı" },
	{ "--relay: '%s' is not DOMAIN=HOST:PORT (at most %d routes)",
	  "--relay: '%s', ALAN_ADI=SUNUCU:PORT biçiminde değil (en çok %d yol)" },

	/* mail_send's message builder (lib/mime_out.c) */
	{ "header %.*s is written by mail_send itself (see its options)",
	  "%.*s başlığını mail_send kendisi yazar (seçeneklerine bakın)" },
	{ "bad header \"%.60s\": want \"Name: value\" on one line",
	  "hatalı başlık \"%.60s\": tek satırda \"Ad: değer\" olmalı" },
	{ "an address or the subject holds a line break",
	  "bir adreste ya da konuda satır sonu var" },
	{ "cannot read attachment %s: %s", "%s eki okunamıyor: %s" },
	{ "attachment %s is not a regular file", "%s eki sıradan bir dosya değil" },
	{ "out of memory building the message", "ileti oluşturulurken bellek yetmedi" },

	/* pop_client: what failed, before the reason */
	{ "login", "oturum açma" },
	{ "greeting", "selamlama" },
	{ "session ended", "oturum sona erdi" },

	/* mail stores (lib/maildir.c, lib/localdrop.c, lib/queue.c) */
	{ "cannot create %s: %s", "%s oluşturulamıyor: %s" },
	{ "path too long under %s", "%s altında yol çok uzun" },
	{ "cannot deliver to %s: %s", "%s adresine teslim edilemiyor: %s" },
	{ "cannot fsync %s: %s", "%s diske yazdırılamıyor (fsync): %s" },
	{ "cannot fsync %s/new: %s", "%s/new diske yazdırılamıyor (fsync): %s" },
	{ "cannot write %s: %s", "%s yazılamıyor: %s" },
	{ "no mailbox to deliver to", "teslim edilecek posta kutusu yok" },
	{ "cannot lock %s: %s", "%s kilitlenemiyor: %s" },
	{ "out of memory reading %s", "%s okunurken bellek yetmedi" },
	{ "cannot remove %s: %s", "%s silinemiyor: %s" },
	{ "cannot read %s/%s: %s", "%s/%s okunamıyor: %s" },
	{ "cannot save %s: %s", "%s kaydedilemiyor: %s" },
	{ "bad queue name %s", "hatalı kuyruk adı %s" },
	{ "cannot read envelope %s: %s", "%s zarfı okunamıyor: %s" },
	{ "malformed envelope %s", "bozuk zarf %s" },

	/* smtp_server's relay queue (lib/relay.c, lib/dsn.c) */
	{ "message %s: file gone, dropped", "ileti %s: dosya yok, bırakıldı" },
	{ "message %s to <%s> via %s:%u: %s (%s)",
	  "ileti %s, <%s> alıcısına %s:%u üzerinden: %s (%s)" },
	{ "sent", "gönderildi" },
	{ "deferred", "ertelendi" },
	{ "refused", "reddedildi" },
	{ "queue runner started for %zu route(s)",
	  "kuyruk işleyici %zu yol için başladı" },
	{ "message %s to <%s> failed (%s); sender <%s> is not local: bounce only "
	  "logged",
	  "ileti %s, <%s> alıcısına iletilemedi (%s); gönderen <%s> yerel değil: "
	  "geri dönüş yalnızca günlüğe yazıldı" },
	{ "cannot bounce to <%s>: %s", "<%s> adresine geri dönüş iletisi gönderilemiyor: %s" },
	{ "message %s: bounce for %zu recipient(s) delivered to <%s>",
	  "ileti %s: %zu alıcı için geri dönüş iletisi <%s> adresine teslim edildi" },

	/* the teaching modes (lib/pace.c, lib/fault.c, lib/explain.c) */
	{ "--lang: '%s' is not en or tr", "--lang: '%s' ne en ne de tr" },
	{ "--step needs a terminal: cannot open /dev/tty (%s); run it in a "
	  "terminal, or use --delay MS instead",
	  "--step bir terminal ister: /dev/tty açılamıyor (%s); programı bir "
	  "terminalde çalıştırın ya da onun yerine --delay MS kullanın" },
	{ "--delay: '%s' is not a whole number of milliseconds from 0 to %d",
	  "--delay: '%s', 0 ile %d arasında tam sayı bir milisaniye değeri değil" },
	{ "[step] %s%.*s   (Enter: send, c Enter: go on without pausing) ",
	  "[adım] %s%.*s   (Enter: gönder, c Enter: durmadan devam et) " },
	{ "--fail: '%s' is not VERB[@N]=REPLY",
	  "--fail: '%s', KOMUT[@N]=YANIT biçiminde değil" },
	{ "--fail: unknown verb '%.*s' (this server knows: %s)",
	  "--fail: bilinmeyen komut '%.*s' (bu sunucunun bildikleri: %s)" },
	{ "--fail: '%s': N in @N must be a whole number from 1 to %lu",
	  "--fail: '%s': @N içindeki N, 1 ile %lu arasında bir tam sayı olmalı" },
	{ "--fail: '%s': no usual text for code %s; give the whole reply line "
	  "(e.g. %s Try again later)",
	  "--fail: '%s': %s kodu için alışılmış bir metin yok; yanıt satırının "
	  "tamamını verin (ör. %s Try again later)" },
	{ "--fail: '%s': a reply is one line: a code from 200 to 599, then a "
	  "space and printable ASCII text",
	  "--fail: '%s': yanıt tek satırdır: 200 ile 599 arası bir kod, sonra "
	  "bir boşluk ve yazdırılabilir ASCII metin" },
	{ "--fail: '%s': a reply is one line: +OK or -ERR, then a space and "
	  "printable ASCII text",
	  "--fail: '%s': yanıt tek satırdır: +OK ya da -ERR, sonra bir boşluk "
	  "ve yazdırılabilir ASCII metin" },
	{ "--fail: '%s': a reply is one line: OK, NO, BAD or BYE, then a "
	  "space and printable ASCII text (or a bare NO, BAD or BYE)",
	  "--fail: '%s': yanıt tek satırdır: OK, NO, BAD ya da BYE, sonra bir "
	  "boşluk ve yazdırılabilir ASCII metin (ya da yalın NO, BAD veya BYE)" },
	{ "--fail: '%s': a reply line is at most %d octets",
	  "--fail: '%s': bir yanıt satırı en çok %d bayttır" },
	{ "--fail: at most %d faults", "--fail: en çok %d hata tanımı" },
	{ "fault injected: %s #%lu answered with %s",
	  "kasıtlı hata: %s #%lu, şu yanıtla karşılandı: %s" },
	{ "fault injected: %s #%lu: connection closed with no reply",
	  "kasıtlı hata: %s #%lu: bağlantı yanıt verilmeden kapatıldı" },
	{ "   (--fail: injected, not the server's own answer)\n",
	  "   (--fail: bu yanıtı sunucu kendisi vermedi, kasıtlı olarak eklendi)\n" },

	/* imap_server */
	{ "login as %s (%s)", "%s olarak oturum açıldı (%s)" },
	{ "CLOSE: some deleted messages not removed",
	  "CLOSE: silinmek üzere işaretli bazı iletiler kaldırılamadı" },
	{ "cannot lock %s/%s: %s", "%s/%s kilitlenemiyor: %s" },
	{ "cannot write %s/%s/%s: %s", "%s/%s/%s yazılamıyor: %s" },
	{ "message %zu: removed by another session",
	  "%zu numaralı ileti: başka bir oturum tarafından kaldırılmış" },
	{ "message %zu: out of memory", "%zu numaralı ileti: bellek yetmedi" },
	{ "cannot read message %zu", "%zu numaralı ileti okunamıyor" },
	{ "COPY: %s", "COPY: %s" },
};

const size_t i18n_nmsgs = sizeof i18n_msgs / sizeof i18n_msgs[0];
