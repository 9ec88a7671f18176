/* tests/viz/main.c — the window tests: every frame is rendered headless (SDL's
** software renderer on an RGBA32 surface) and checked pixel by pixel. */
#include "tests/test.h"

#include "tests/viz/pixels.h"
#include "viz/text.h"

void suite_viz_draw(void);
void suite_viz_panels(void);
void suite_viz_formula(void);

int main(void)
{
    suite_viz_draw();
    suite_viz_panels();
    suite_viz_formula();
    viz_text_quit();
    return 0;
}
