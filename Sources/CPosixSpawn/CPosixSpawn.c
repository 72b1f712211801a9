// The declaration in include/CPosixSpawn.h is all this target provides; glibc defines the function.
#include "CPosixSpawn.h"
