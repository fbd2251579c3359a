/*
 * explain_common: the rows for lines that belong to the message rather
 * than to one protocol — SASL base64, the final dot, dot-stuffing, the
 * blank line and the notable header fields (RFC 5322 3.6) — and the
 * PIPELINING batch.  Shared by SMTP, POP3 and IMAP (see explain.h).
 */
#include "explain.h"

const struct explain_entry explain_common[] = {
	{ "b64", "base64 of \"%s\"; base64 is not encryption: anyone who sees the packet can read it (RFC 4648 4)",
	  "\"%s\" metninin base64 hâli; base64 şifreleme değildir: paketi gören herkes okuyabilir (RFC 4648 4)" },
	{ "b64-cancel", "a lone \"*\" cancels the authentication (RFC 4954 4)",
	  "tek başına \"*\" kimlik doğrulamayı iptal eder (RFC 4954 4)" },
	{ "data-end", "a line holding only a dot ends the message; the dot is not part of it (RFC 5321 4.1.1.4)",
	  "yalnızca nokta olan satır iletiyi bitirir; nokta iletiye dahil değildir (RFC 5321 4.1.1.4)" },
	{ "dot-stuffed", "the line starts with a dot, so the sender added one more; the receiver removes it (RFC 5321 4.5.2, RFC 1939 3)",
	  "satır noktayla başlıyor, bu yüzden gönderen bir nokta daha ekledi; alan taraf onu siler (RFC 5321 4.5.2, RFC 1939 3)" },
	{ "blank", "the empty line ends the header; the body follows (RFC 5322 2.1)",
	  "boş satır başlığı bitirir; ardından gövde gelir (RFC 5322 2.1)" },
	{ "hdr:subject", "Subject: the topic of the message, for the reader (RFC 5322 3.6.5)",
	  "Subject: iletinin konusu, okuyan için (RFC 5322 3.6.5)" },
	{ "hdr:subject-2047", "Subject in RFC 2047 encoded words, which keep the header ASCII; decoded: \"%s\" (RFC 2047 2)",
	  "Subject, başlığı ASCII tutan RFC 2047 kodlu sözcüklerle yazılmış; çözülmüş hâli: \"%s\" (RFC 2047 2)" },
	{ "hdr:from", "From: the author as the reader sees it; it may differ from the envelope sender (RFC 5322 3.6.2)",
	  "From: okuyanın gördüğü yazar; zarftaki gönderenden farklı olabilir (RFC 5322 3.6.2)" },
	{ "hdr:to", "To: the recipients as the reader sees them; the envelope's RCPT decides delivery (RFC 5322 3.6.3)",
	  "To: okuyanın gördüğü alıcılar; teslimatı zarftaki RCPT belirler (RFC 5322 3.6.3)" },
	{ "hdr:cc", "Cc: recipients who get a copy, visible to all (RFC 5322 3.6.3)",
	  "Cc: herkesin görebildiği, kopya alan alıcılar (RFC 5322 3.6.3)" },
	{ "hdr:date", "Date: when the author sent the message (RFC 5322 3.6.1)",
	  "Date: yazarın iletiyi gönderdiği zaman (RFC 5322 3.6.1)" },
	{ "hdr:message-id", "Message-ID: a unique id for this message, made by the sender (RFC 5322 3.6.4)",
	  "Message-ID: bu iletinin gönderenin ürettiği benzersiz kimliği (RFC 5322 3.6.4)" },
	{ "hdr:received", "Received: a trace line each server adds on the way; the newest is on top (RFC 5321 4.4)",
	  "Received: yol üzerindeki her sunucunun eklediği iz satırı; en yenisi en üstte (RFC 5321 4.4)" },
	{ "hdr:return-path", "Return-Path: the envelope sender, written down at final delivery; bounces go there (RFC 5321 4.4)",
	  "Return-Path: son teslimatta yazılan zarftaki gönderen; geri dönen iletiler oraya gider (RFC 5321 4.4)" },
	{ "hdr:mime-version", "MIME-Version: the message follows the MIME rules (RFC 2045 4)",
	  "MIME-Version: ileti MIME kurallarına uyuyor (RFC 2045 4)" },
	{ "hdr:content-type", "Content-Type: what the body is (text/plain, multipart/mixed...) and its charset (RFC 2045 5)",
	  "Content-Type: gövdenin ne olduğu (text/plain, multipart/mixed...) ve karakter kümesi (RFC 2045 5)" },
	{ "hdr:content-transfer-encoding", "Content-Transfer-Encoding: how the body is encoded for the trip (8bit, base64...) (RFC 2045 6)",
	  "Content-Transfer-Encoding: gövdenin yolculuk için nasıl kodlandığı (8bit, base64...) (RFC 2045 6)" },
	{ "batch", "PIPELINING: these %s commands went out together without waiting; the replies come back in the same order (RFC 2920 3.1)",
	  "PIPELINING: bu %s komut beklemeden birlikte gönderildi; yanıtlar aynı sırayla gelir (RFC 2920 3.1)" },
};

const size_t explain_ncommon = sizeof explain_common / sizeof explain_common[0];
