#ifndef C_POSIX_SPAWN_H
#define C_POSIX_SPAWN_H

/* Spawning the PostgreSQL tools: glibc (2.34+) has this, but Swift's Glibc module does not
   export it. It closes every inherited descriptor from 3 up in the child, so the postmaster
   that pg_ctl leaves running never holds the parent's sockets. */
#include <spawn.h>
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

#endif
