/*
 * address: the old name of the path parser.  The RFC 5321 4.1.2 path
 * grammar now lives in lib/identity.h together with the mailbox-name
 * rule; this header stays so that existing includes keep working.
 */
#ifndef MAILAB_ADDRESS_H
#define MAILAB_ADDRESS_H
#include "identity.h"
#endif
