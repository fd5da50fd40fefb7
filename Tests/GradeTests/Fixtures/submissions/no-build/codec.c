/* Does not compile: a missing semicolon, as in a real first submission. */
#include <stdio.h>
int main(void) { return 0 }
