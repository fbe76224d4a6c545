/* Placeholder until the ENR module lands (being written now). */
#include "tool.h"
int tool_cmd_enr(struct tool_result *res, int argc, char **argv) {
  return tool_fail(res, CWAKU_EUNSUPPORTED, "enr: not built yet");
}
