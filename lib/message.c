/* message: RFC 5322 dates and Message-IDs.  See message.h. */
#include "message.h"

#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

void msg_date(char *buf, size_t cap, time_t when)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
		                            "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		                              "May", "Jun", "Jul", "Aug",
		                              "Sep", "Oct", "Nov", "Dec" };
	struct tm local, utc;
	long off;

	localtime_r(&when, &local);
	gmtime_r(&when, &utc);
	/* The offset from the two broken-down times: portable, no tm_gmtoff. */
	off = (local.tm_hour - utc.tm_hour) * 60 + (local.tm_min - utc.tm_min);
	if (local.tm_yday != utc.tm_yday)
		off += (local.tm_year > utc.tm_year ||
		        (local.tm_year == utc.tm_year &&
		         local.tm_yday > utc.tm_yday))
		           ? 24 * 60
		           : -24 * 60;
	snprintf(buf, cap, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	         days[local.tm_wday], local.tm_mday, months[local.tm_mon],
	         local.tm_year + 1900, local.tm_hour, local.tm_min,
	         local.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	         (off < 0 ? -off : off) % 60);
}

void msg_id(char *buf, size_t cap, const char *host)
{
	static unsigned long counter;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	snprintf(buf, cap, "<%lld.%06ld.%ld.%lu@%s>", (long long)tv.tv_sec,
	         (long)tv.tv_usec, (long)getpid(), ++counter, host);
}
