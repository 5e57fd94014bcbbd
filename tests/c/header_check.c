/*
 * Compiled on its own by the header_c and header_cxx tests (as C99 and as C++, with every
 * warning an error): tuf.h needs no other include, and its include guard works.
 */
#include <tuf.h>
#include <tuf.h>
