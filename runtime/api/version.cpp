#include "runtime/api/version.hpp"

#include "runtime/api/git_commit.hpp" // generated at build time

namespace btk {

std::string version() {
  std::string v = BTK_VERSION;
  const std::string commit = BTK_GIT_COMMIT;
  if (!commit.empty())
    v += " (git " + commit + ")";
  return v;
}

} // namespace btk
