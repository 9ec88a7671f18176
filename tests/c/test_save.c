/* tests/c/test_save.c — saving and loading models. */
#include "tests/test.h"

void suite_save(void)
{
}
